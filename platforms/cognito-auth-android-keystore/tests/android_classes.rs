//! Checks the Android-only JNI calls (`KeyGenParameterSpec.Builder`) against Android's real
//! framework classes, on a desktop JVM: run with `ANDROID_ALL_JAR` set to a Robolectric
//! `org.robolectric:android-all` jar (Maven Central) and `--ignored` (see the README). The
//! Keystore itself (`AndroidKeyStore` provider, key generation) cannot run off a device.

mod support;

use cognito_auth_android_keystore::key_gen_parameter_spec_for_tests;
use jni::objects::{JObject, JObjectArray, JString};
use jni::JNIEnv;

fn strings(env: &mut JNIEnv, spec: &JObject, getter: &str) -> Vec<String> {
    let array = JObjectArray::from(
        env.call_method(spec, getter, "()[Ljava/lang/String;", &[])
            .unwrap()
            .l()
            .unwrap(),
    );
    let len = env.get_array_length(&array).unwrap();
    (0..len)
        .map(|i| {
            let item = JString::from(env.get_object_array_element(&array, i).unwrap());
            let item: String = env.get_string(&item).unwrap().into();
            item
        })
        .collect()
}

#[test]
#[ignore = "needs ANDROID_ALL_JAR=<org.robolectric:android-all jar>; see README"]
fn the_key_gen_parameter_spec_matches_androids_classes() {
    assert!(
        support::android_all_jar().is_some_and(|jar| jar.is_file()),
        "set ANDROID_ALL_JAR to an org.robolectric:android-all jar"
    );
    let vm = support::vm();
    let mut env = vm.attach_current_thread().unwrap();
    let spec = key_gen_parameter_spec_for_tests(&mut env, "cognito-auth").unwrap();

    let alias = JString::from(
        env.call_method(&spec, "getKeystoreAlias", "()Ljava/lang/String;", &[])
            .unwrap()
            .l()
            .unwrap(),
    );
    let alias: String = env.get_string(&alias).unwrap().into();
    assert_eq!(alias, "cognito-auth");
    let int = |env: &mut JNIEnv, getter: &str| {
        env.call_method(&spec, getter, "()I", &[])
            .unwrap()
            .i()
            .unwrap()
    };
    assert_eq!(int(&mut env, "getPurposes"), 1 | 2); // ENCRYPT | DECRYPT
    assert_eq!(int(&mut env, "getKeySize"), 256);
    assert_eq!(strings(&mut env, &spec, "getBlockModes"), ["GCM"]);
    assert_eq!(
        strings(&mut env, &spec, "getEncryptionPaddings"),
        ["NoPadding"]
    );
    let boolean = |env: &mut JNIEnv, getter: &str| {
        env.call_method(&spec, getter, "()Z", &[])
            .unwrap()
            .z()
            .unwrap()
    };
    assert!(boolean(&mut env, "isRandomizedEncryptionRequired"));
    assert!(!boolean(&mut env, "isUserAuthenticationRequired"));
}
