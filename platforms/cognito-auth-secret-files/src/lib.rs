//! # cognito-auth-secret-files
//!
//! The file layer shared by the cognito-auth secret stores that keep their values as files
//! ([`cognito-auth-file-store`] on desktops, [`cognito-auth-android-keystore`] on Android):
//! one directory, one file per key, each file written atomically. This crate never sees a
//! plaintext secret: the stores encrypt before they call [`SecretDir::write`] and decrypt
//! after [`SecretDir::read`].
//!
//! * **File names** are the lowercase hex SHA-256 of the key plus an extension
//!   ([`file_name_for_key`]), so any key (with `/`, spaces, non-ASCII, `..`) maps to one flat,
//!   fixed-length name, and a directory listing does not reveal user names.
//! * **Writes are atomic** ([`atomic_write`]): the bytes go to a new temporary file in the same
//!   directory (mode `0600` on Unix), which is `fsync`ed and then renamed over the target, and
//!   the directory is `fsync`ed. A reader sees the old file or the new one, never a torn mix,
//!   even with concurrent writers in several processes; the last rename wins.
//! * **Directories** are created with mode `0700` on Unix ([`create_private_dir`]); an existing
//!   directory's mode is left as it is.
//! * **One-time files** (a key file, a keystore file) are created with [`create_exclusive`]: when
//!   two processes race to create the same file, exactly one wins and the other reads the
//!   winner's file, so two different keys are never in use at once.
//!
//! [`cognito-auth-file-store`]: ../cognito_auth_file_store/index.html
//! [`cognito-auth-android-keystore`]: ../cognito_auth_android_keystore/index.html

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use cognito_auth_core::StoreError;
use sha2::{Digest, Sha256};

/// The prefix of temporary files; names that start with it are never value files.
pub const TEMP_PREFIX: &str = ".tmp-";

/// The file name for `key`: lowercase hex SHA-256 of the key's UTF-8 bytes, a dot, and
/// `extension` (64 + 1 + `extension.len()` characters).
pub fn file_name_for_key(key: &str, extension: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut name = String::with_capacity(65 + extension.len());
    for byte in digest.iter() {
        name.push(char::from(HEX[usize::from(byte >> 4)]));
        name.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    name.push('.');
    name.push_str(extension);
    name
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Creates `dir` and any missing parents with mode `0700` on Unix. An existing directory is left
/// as it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to `path` atomically: a new temporary file (mode `0600` on Unix) in the same
/// directory is written, `fsync`ed and renamed over `path`; then the directory is `fsync`ed.
/// On failure the temporary file is removed and `path` is untouched.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (temp, mut file) = create_temp_beside(path)?;
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        sync_parent(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Creates `path` with the content `bytes` only if it does not exist yet, atomically: the bytes
/// are written and `fsync`ed to a temporary file (mode `0600` on Unix) that is then hard-linked
/// to `path`, which fails if `path` exists. Returns `true` if this call created the file and
/// `false` if it already existed (possibly created by a concurrent caller a moment ago), in
/// which case the caller must read it. Never leaves a partly written `path`.
pub fn create_exclusive(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let (temp, mut file) = create_temp_beside(path)?;
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        match fs::hard_link(&temp, path) {
            Ok(()) => {
                sync_parent(path)?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    })();
    let _ = fs::remove_file(&temp);
    result
}

/// Reads `path`; a missing file is `Ok(None)`.
pub fn read_if_exists(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn create_temp_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = parent_dir(path);
    let mut attempts = 0;
    loop {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "{TEMP_PREFIX}{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let temp = dir.join(name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 16 => attempts += 1,
            Err(e) => return Err(e),
        }
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes a rename or link in `path`'s directory durable (Unix; a no-op elsewhere).
fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(parent_dir(path))?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// One directory holding one file per key (see the [crate docs](crate)). The contents are
/// opaque bytes: callers store ciphertext, never plaintext.
#[derive(Clone)]
pub struct SecretDir {
    dir: PathBuf,
    extension: &'static str,
}

impl SecretDir {
    /// Uses `dir` (created with mode `0700` if missing) for files named
    /// `<hex sha-256 of key>.<extension>`.
    pub fn open(dir: impl Into<PathBuf>, extension: &'static str) -> Result<SecretDir, StoreError> {
        let dir = dir.into();
        create_private_dir(&dir).map_err(|e| {
            StoreError::new(format!(
                "cannot create the secret store directory {}: {e}",
                dir.display()
            ))
        })?;
        if !dir.is_dir() {
            return Err(StoreError::new(format!(
                "the secret store path {} is not a directory",
                dir.display()
            )));
        }
        Ok(SecretDir { dir, extension })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of the file that holds `key`.
    pub fn path_for(&self, key: &str) -> PathBuf {
        self.dir.join(file_name_for_key(key, self.extension))
    }

    /// The bytes stored for `key`, or `None` if there is no file. Errors name the file, never
    /// the key (keys contain user names).
    pub fn read(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path_for(key);
        read_if_exists(&path).map_err(|e| {
            StoreError::new(format!(
                "cannot read the secret file {}: {e}",
                path.display()
            ))
        })
    }

    /// Replaces the bytes stored for `key`, atomically.
    pub fn write(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path_for(key);
        atomic_write(&path, bytes).map_err(|e| {
            StoreError::new(format!(
                "cannot write the secret file {}: {e}",
                path.display()
            ))
        })
    }

    /// Removes the file of `key`; a missing file is not an error.
    pub fn remove(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path_for(key);
        match fs::remove_file(&path) {
            Ok(()) => sync_parent(&path).map_err(|e| {
                StoreError::new(format!(
                    "cannot sync the secret store directory {}: {e}",
                    self.dir.display()
                ))
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::new(format!(
                "cannot delete the secret file {}: {e}",
                path.display()
            ))),
        }
    }
}

impl fmt::Debug for SecretDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretDir")
            .field("dir", &self.dir)
            .field("extension", &self.extension)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_hex_sha256_and_flat() {
        // SHA-256("abc") from FIPS 180-2.
        assert_eq!(
            file_name_for_key("abc", "v"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.v"
        );
        let name = file_name_for_key("cognito-auth/pool/client/user/../../etc/passwd", "v");
        assert!(!name.contains('/'));
        assert_eq!(name.len(), 66);
        assert_ne!(file_name_for_key("a", "v"), file_name_for_key("A", "v"));
    }

    #[test]
    fn write_read_remove() {
        let temp = tempfile::tempdir().unwrap();
        let files = SecretDir::open(temp.path().join("a/b"), "bin").unwrap();
        assert_eq!(files.read("k/1").unwrap(), None);
        files.write("k/1", b"one").unwrap();
        files.write("k/1", b"two").unwrap();
        assert_eq!(files.read("k/1").unwrap().as_deref(), Some(&b"two"[..]));
        files.remove("k/1").unwrap();
        files.remove("k/1").unwrap();
        assert_eq!(files.read("k/1").unwrap(), None);
        let leftovers: Vec<_> = fs::read_dir(files.dir()).unwrap().collect();
        assert!(leftovers.is_empty(), "temporary files left behind");
    }

    #[cfg(unix)]
    #[test]
    fn modes_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir().unwrap();
        let files = SecretDir::open(temp.path().join("store"), "bin").unwrap();
        files.write("k", b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(files.dir()), 0o700);
        assert_eq!(mode(&files.path_for("k")), 0o600);
    }

    #[test]
    fn create_exclusive_keeps_the_first() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("key");
        assert!(create_exclusive(&path, b"first").unwrap());
        assert!(!create_exclusive(&path, b"second").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(fs::read_dir(temp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_in_place_of_the_directory_is_an_error() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("file");
        fs::write(&path, b"x").unwrap();
        assert!(SecretDir::open(&path, "bin").is_err());
    }
}
