//! JNI plumbing shared by the store: attaching the calling thread, local frames, turning Java
//! exceptions into errors (and clearing them), and Java arrays that are wiped after use.

use cognito_auth_core::StoreError;
use jni::objects::{JByteArray, JCharArray, JObject, JString};
use jni::{JNIEnv, JavaVM};
use zeroize::Zeroizing;

use crate::LOCAL_FRAME;

/// A failure inside a JNI operation. `Java` is an exception that has already been cleared.
pub(crate) enum Failure {
    Jni(jni::errors::Error),
    Java { class: String, text: String },
    Store(StoreError),
}

impl From<jni::errors::Error> for Failure {
    fn from(error: jni::errors::Error) -> Failure {
        Failure::Jni(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        Failure::Store(error)
    }
}

impl Failure {
    pub(crate) fn into_store_error(self, operation: &str) -> StoreError {
        match self {
            Failure::Store(error) => error,
            Failure::Java { text, .. } => {
                StoreError::new(format!("{operation} failed: Java exception {text}"))
            }
            Failure::Jni(error) => {
                StoreError::new(format!("{operation} failed: JNI error: {error}"))
            }
        }
    }
}

pub(crate) type JResult<T> = Result<T, Failure>;

/// Runs `f` with the thread attached and in a local frame; any pending exception is cleared and
/// turned into [`Failure::Java`].
pub(crate) fn with_env<T>(vm: &JavaVM, f: impl FnOnce(&mut JNIEnv) -> JResult<T>) -> JResult<T> {
    let mut env = vm.attach_current_thread()?;
    env.with_local_frame(LOCAL_FRAME, |env| {
        let result = f(env);
        settle(env, result)
    })
}

/// Clears a pending exception, if any, and describes it.
pub(crate) fn take_exception(env: &mut JNIEnv) -> Option<Failure> {
    if !env.exception_check().unwrap_or(false) {
        return None;
    }
    let throwable = env.exception_occurred();
    let _ = env.exception_clear();
    Some(match throwable {
        Ok(throwable) if !throwable.is_null() => describe_throwable(env, &throwable),
        _ => Failure::Java {
            class: "unknown".to_owned(),
            text: "unknown".to_owned(),
        },
    })
}

/// Leaves no exception pending: a pending exception replaces the result (an exception left
/// pending after a successful call is still a failure).
pub(crate) fn settle<T>(env: &mut JNIEnv, result: JResult<T>) -> JResult<T> {
    match (take_exception(env), result) {
        (None, result) => result,
        (Some(_), Err(Failure::Store(error))) => Err(Failure::Store(error)),
        (Some(described), _) => Err(described),
    }
}

pub(crate) fn describe_throwable(env: &mut JNIEnv, throwable: &JObject) -> Failure {
    let class = (|| -> jni::errors::Result<String> {
        let class = env
            .call_method(throwable, "getClass", "()Ljava/lang/Class;", &[])?
            .l()?;
        let name = JString::from(
            env.call_method(&class, "getName", "()Ljava/lang/String;", &[])?
                .l()?,
        );
        let name: String = env.get_string(&name)?.into();
        Ok(name)
    })();
    let text = (|| -> jni::errors::Result<String> {
        let text = JString::from(
            env.call_method(throwable, "toString", "()Ljava/lang/String;", &[])?
                .l()?,
        );
        let text: String = env.get_string(&text)?.into();
        Ok(text)
    })();
    // Describing must not itself leave an exception pending.
    if env.exception_check().unwrap_or(false) {
        let _ = env.exception_clear();
    }
    let class = class.unwrap_or_else(|_| "unknown".to_owned());
    let mut text = text.unwrap_or_else(|_| class.clone());
    if text.chars().count() > 300 {
        text = text.chars().take(300).collect::<String>() + "…";
    }
    Failure::Java { class, text }
}

pub(crate) fn jstring<'local>(env: &mut JNIEnv<'local>, text: &str) -> JResult<JString<'local>> {
    Ok(env.new_string(text)?)
}

pub(crate) fn char_array<'local>(
    env: &mut JNIEnv<'local>,
    text: &str,
) -> JResult<JCharArray<'local>> {
    let units: Zeroizing<Vec<u16>> = Zeroizing::new(text.encode_utf16().collect());
    let len = i32::try_from(units.len())
        .map_err(|_| StoreError::new("the keystore password is too long"))?;
    let array = env.new_char_array(len)?;
    env.set_char_array_region(&array, 0, &units)?;
    Ok(array)
}

pub(crate) fn wipe_chars(env: &mut JNIEnv, array: &JCharArray) {
    if let Ok(len) = env.get_array_length(array) {
        let zeros = vec![0u16; usize::try_from(len).unwrap_or(0)];
        let _ = env.set_char_array_region(array, 0, &zeros);
    }
}

pub(crate) fn wipe_bytes(env: &mut JNIEnv, array: &JByteArray) {
    if let Ok(len) = env.get_array_length(array) {
        let zeros = vec![0i8; usize::try_from(len).unwrap_or(0)];
        let _ = env.set_byte_array_region(array, 0, &zeros);
    }
}

pub(crate) fn string_array<'local>(
    env: &mut JNIEnv<'local>,
    items: &[&str],
) -> JResult<JObject<'local>> {
    let len = i32::try_from(items.len()).map_err(|_| StoreError::new("too many strings"))?;
    let array = env.new_object_array(len, "java/lang/String", JObject::null())?;
    for (index, item) in items.iter().enumerate() {
        let item = jstring(env, item)?;
        env.set_object_array_element(&array, index as i32, &item)?;
    }
    Ok(array.into())
}
