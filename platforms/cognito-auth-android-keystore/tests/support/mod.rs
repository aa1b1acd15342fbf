//! Starts one desktop JVM for the whole test binary (JNI allows one per process), found without
//! any setup: `$JAVA_HOME`, else the `java.home` that `java -XshowSettings:properties` reports,
//! else the real path of `java` on `$PATH`. `libjvm` is loaded from the JDK by path, so no
//! `LD_LIBRARY_PATH` or rpath is needed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cognito_auth_android_keystore::{KeyStoreSource, KeystoreConfig};
use jni::{InitArgsBuilder, JNIVersion, JavaVM};
use zeroize::Zeroizing;

static JVM: OnceLock<JavaVM> = OnceLock::new();

/// A handle to the test JVM (started on first use).
pub fn vm() -> JavaVM {
    let shared = JVM.get_or_init(start_jvm);
    // SAFETY: the pointer is this process's JavaVM, which lives until the process exits.
    unsafe { JavaVM::from_raw(shared.get_java_vm_pointer()) }.expect("JavaVM handle")
}

fn start_jvm() -> JavaVM {
    let libjvm = find_libjvm();
    let mut args = InitArgsBuilder::new();
    // Android's framework classes (a Robolectric android-all jar), for tests/android_classes.rs.
    if let Some(jar) = android_all_jar() {
        args = args.option(format!("-Djava.class.path={}", jar.display()));
    }
    let args = args
        .version(JNIVersion::V8)
        // Abort on JNI misuse (wrong signatures, calls with an exception pending, bad refs).
        .option("-Xcheck:jni")
        .option("-Xrs")
        .option("-Xmx128m")
        .build()
        .expect("JVM init args");
    JavaVM::with_libjvm(args, || Ok(libjvm.clone()))
        .unwrap_or_else(|e| panic!("cannot start the JVM from {}: {e}", libjvm.display()))
}

#[allow(dead_code)]
/// `$ANDROID_ALL_JAR`, if set.
pub fn android_all_jar() -> Option<PathBuf> {
    std::env::var_os("ANDROID_ALL_JAR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn find_libjvm() -> PathBuf {
    let mut homes = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        homes.push(PathBuf::from(home));
    }
    if let Ok(output) = Command::new("java")
        .args(["-XshowSettings:properties", "-version"])
        .output()
    {
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        for line in text.lines() {
            if let Some(home) = line.trim().strip_prefix("java.home = ") {
                homes.push(PathBuf::from(home.trim()));
            }
        }
    }
    if let Some(java) = which("java").and_then(|p| std::fs::canonicalize(p).ok()) {
        // <home>/bin/java
        if let Some(home) = java.parent().and_then(Path::parent) {
            homes.push(home.to_path_buf());
        }
    }
    const CANDIDATES: &[&str] = &[
        "lib/server/libjvm.so",
        "lib/server/libjvm.dylib",
        "bin/server/jvm.dll",
        "jre/lib/amd64/server/libjvm.so",
        "jre/lib/aarch64/server/libjvm.so",
        "jre/lib/server/libjvm.dylib",
        "lib/client/libjvm.so",
    ];
    for home in &homes {
        for candidate in CANDIDATES {
            let path = home.join(candidate);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!(
        "these tests run the store on a desktop JVM and need a JDK or JRE (11 or later), but none \
         was found (looked in {homes:?}); install one (Debian/Ubuntu: apt-get install \
         openjdk-17-jre-headless) or set JAVA_HOME"
    );
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

#[allow(dead_code)] // not every test binary uses it
/// A store configuration with a keystore file of `keystore_type` in `dir`.
pub fn file_config(dir: &Path, keystore_type: &str, alias: &str) -> KeystoreConfig {
    KeystoreConfig {
        source: KeyStoreSource::File {
            keystore_type: keystore_type.to_owned(),
            path: dir.join(format!("keys.{}", keystore_type.to_lowercase())),
            password: Zeroizing::new("test-keystore-password".to_owned()),
        },
        key_alias: alias.to_owned(),
        data_dir: dir.join("values"),
    }
}
