//! # cognito-auth-file-store
//!
//! A [`SecretStore`] in one directory of encrypted files, for desktop apps and command-line
//! tools that have no platform keychain to use (or prefer not to).
//!
//! ```no_run
//! use std::sync::Arc;
//! use cognito_auth_core::SecretStore;
//! use cognito_auth_file_store::FileStore;
//!
//! // e.g. ~/.local/share/my-app/cognito (created with mode 0700 if missing)
//! let store: Arc<dyn SecretStore> = Arc::new(FileStore::open("/home/me/.local/share/my-app/cognito")?);
//! # Ok::<(), cognito_auth_core::StoreError>(())
//! ```
//!
//! ## What happens
//!
//! * On [`FileStore::open`] the directory is created (mode `0700`) if missing, and so is the
//!   **key file** `store.key` in it (or the path given to [`FileStore::open_with_key_file`]):
//!   a random 256-bit key, created atomically with mode `0600`. If two processes open a fresh
//!   store at the same moment, exactly one key is created and both use it. An existing key file
//!   that is malformed, or readable or writable by group or others, is refused with an error — it
//!   is never replaced, since a new key would make every stored value unreadable.
//! * Each value is encrypted with **XChaCha20-Poly1305** (random 192-bit nonce per write) and
//!   written atomically (temporary file, `fsync`, rename, `fsync` of the directory) to
//!   `<hex SHA-256 of the key>.sealed`. The key's name is bound as associated data, so a file
//!   copied over another key's file fails to decrypt instead of returning the wrong secret.
//! * A file that is truncated, modified, written with another key file, or copied from another
//!   key is an explicit [`StoreError`] from [`get`](SecretStore::get) — never treated as
//!   missing. Deleting a missing key is not an error.
//! * Error messages and `Debug` output name paths, never a key's name (it contains user names)
//!   and never a value or the encryption key.
//!
//! ## What it protects against
//!
//! Reading the store's files without the key file (a backup or sync that leaves `store.key`
//! out, a copied directory without it), and undetected modification or swapping of files. It
//! does **not** protect against code running as the same OS user, which can read the key file;
//! keep the key file on local disk and out of backups that leave the machine. Where the OS has a
//! keychain (macOS, iOS, Android), prefer `cognito-auth-keychain` /
//! `cognito-auth-android-keystore`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use cognito_auth_core::{SecretStore, StoreError};
use cognito_auth_secret_files::{create_exclusive, read_if_exists, SecretDir};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The default key file name inside the store directory.
pub const DEFAULT_KEY_FILE: &str = "store.key";

/// Extension of value files.
const EXTENSION: &str = "sealed";

/// Key file: magic then 32 random bytes.
const KEY_MAGIC: &[u8; 8] = b"CAFSKEY1";
const KEY_FILE_LEN: usize = KEY_MAGIC.len() + 32;

/// Value file: `MAGIC | VERSION | key id (8) | nonce (24) | ciphertext | tag (16)`.
const MAGIC: &[u8; 4] = b"CAFS";
const VERSION: u8 = 1;
const KEY_ID_LEN: usize = 8;
const HEADER_LEN: usize = MAGIC.len() + 1 + KEY_ID_LEN;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A [`SecretStore`] in a directory of XChaCha20-Poly1305-encrypted files; see the
/// [crate docs](crate) for what happens on disk.
pub struct FileStore {
    files: SecretDir,
    key_file: PathBuf,
    cipher: XChaCha20Poly1305,
    key_id: [u8; KEY_ID_LEN],
}

impl FileStore {
    /// Opens (creating if needed) the store in `dir`, with its key in `dir/store.key`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<FileStore, StoreError> {
        let dir = dir.into();
        let key_file = dir.join(DEFAULT_KEY_FILE);
        FileStore::open_with_key_file(dir, key_file)
    }

    /// Opens (creating if needed) the store in `dir`, with its key in `key_file` (created, with
    /// its directory, if missing) — for example to keep the key out of a synced directory.
    pub fn open_with_key_file(
        dir: impl Into<PathBuf>,
        key_file: impl Into<PathBuf>,
    ) -> Result<FileStore, StoreError> {
        let files = SecretDir::open(dir, EXTENSION)?;
        let key_file = key_file.into();
        let key = load_or_create_key(&key_file)?;
        let key_bytes = &key[KEY_MAGIC.len()..];
        let cipher = XChaCha20Poly1305::new_from_slice(key_bytes)
            .map_err(|_| StoreError::new("internal error: the key has the wrong length"))?;
        let key_id = key_id(key_bytes);
        Ok(FileStore {
            files,
            key_file,
            cipher,
            key_id,
        })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    /// The key file.
    pub fn key_file(&self) -> &Path {
        &self.key_file
    }

    fn header(&self) -> [u8; HEADER_LEN] {
        let mut header = [0u8; HEADER_LEN];
        header[..MAGIC.len()].copy_from_slice(MAGIC);
        header[MAGIC.len()] = VERSION;
        header[MAGIC.len() + 1..].copy_from_slice(&self.key_id);
        header
    }

    fn seal(&self, key: &str, value: &str) -> Result<Vec<u8>, StoreError> {
        let header = self.header();
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|e| StoreError::new(format!("the OS random generator failed: {e}")))?;
        let start = HEADER_LEN + NONCE_LEN;
        // Reserved up front: the plaintext is encrypted in place and never reallocated, so no
        // plaintext copy is left behind in freed memory.
        let mut out = Vec::with_capacity(start + value.len() + TAG_LEN);
        out.extend_from_slice(&header);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(value.as_bytes());
        let tag = self
            .cipher
            .encrypt_inout_detached(
                &XNonce::from(nonce),
                &associated_data(&header, key),
                (&mut out[start..]).into(),
            )
            .map_err(|_| StoreError::new("the value is too long to encrypt"))?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    fn open_sealed(&self, key: &str, path: &Path, file: &[u8]) -> Result<String, StoreError> {
        if file.len() < HEADER_LEN + NONCE_LEN + TAG_LEN || &file[..MAGIC.len()] != MAGIC {
            return Err(StoreError::unreadable(format!(
                "the secret file {} is corrupt (not a cognito-auth-file-store file, or truncated)",
                path.display()
            )));
        }
        if file[MAGIC.len()] != VERSION {
            return Err(StoreError::unreadable(format!(
                "the secret file {} has format version {}, which this version cannot read",
                path.display(),
                file[MAGIC.len()]
            )));
        }
        let (header, rest) = file.split_at(HEADER_LEN);
        if header[MAGIC.len() + 1..] != self.key_id {
            return Err(StoreError::unreadable(format!(
                "the secret file {} was written with a different key than the key file {}",
                path.display(),
                self.key_file.display()
            )));
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| StoreError::new("internal error: nonce length"))?;
        let mut buffer = Zeroizing::new(sealed.to_vec());
        self.cipher
            .decrypt_in_place(
                &XNonce::from(nonce),
                &associated_data(header, key),
                &mut *buffer,
            )
            .map_err(|_| {
                StoreError::unreadable(format!(
                    "the secret file {} failed authentication: it was modified, or copied from \
                     another key's file",
                    path.display()
                ))
            })?;
        match std::str::from_utf8(&buffer) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(StoreError::unreadable(format!(
                "the secret file {} does not hold UTF-8 text",
                path.display()
            ))),
        }
    }
}

/// The associated data of a value: the file header, then the key's name.
fn associated_data(header: &[u8], key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + key.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(key.as_bytes());
    aad
}

/// A short public fingerprint of the key, stored in each file so that a file written under
/// another key file gets its own error message.
fn key_id(key: &[u8]) -> [u8; KEY_ID_LEN] {
    let mut hash = Sha256::new();
    hash.update(b"cognito-auth-file-store key id\0");
    hash.update(key);
    let digest = hash.finalize();
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&digest[..KEY_ID_LEN]);
    id
}

fn load_or_create_key(path: &Path) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let io_error = |what: &str, e: std::io::Error| {
        StoreError::new(format!(
            "cannot {what} the key file {}: {e}",
            path.display()
        ))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        cognito_auth_secret_files::create_private_dir(parent)
            .map_err(|e| io_error("create the directory of", e))?;
    }
    let existing = read_if_exists(path).map_err(|e| io_error("read", e))?;
    let bytes = match existing {
        Some(bytes) => Zeroizing::new(bytes),
        None => {
            let mut fresh = Zeroizing::new(vec![0u8; KEY_FILE_LEN]);
            fresh[..KEY_MAGIC.len()].copy_from_slice(KEY_MAGIC);
            getrandom::fill(&mut fresh[KEY_MAGIC.len()..])
                .map_err(|e| StoreError::new(format!("the OS random generator failed: {e}")))?;
            if create_exclusive(path, &fresh).map_err(|e| io_error("create", e))? {
                fresh
            } else {
                // Another process created it a moment ago: use theirs.
                Zeroizing::new(
                    read_if_exists(path)
                        .map_err(|e| io_error("read", e))?
                        .ok_or_else(|| {
                            StoreError::new(format!(
                                "the key file {} disappeared while it was being created",
                                path.display()
                            ))
                        })?,
                )
            }
        }
    };
    check_key_file_mode(path)?;
    if bytes.len() != KEY_FILE_LEN || &bytes[..KEY_MAGIC.len()] != KEY_MAGIC {
        return Err(StoreError::new(format!(
            "the key file {} is malformed (expected {KEY_FILE_LEN} bytes starting with \
             \"CAFSKEY1\"); it is not replaced, because a new key would make every stored value \
             unreadable",
            path.display()
        )));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn check_key_file_mode(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| {
            StoreError::new(format!(
                "cannot read the mode of the key file {}: {e}",
                path.display()
            ))
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(StoreError::new(format!(
            "the key file {} is accessible by other users (mode {:03o}); run `chmod 600` on it",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_key_file_mode(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self.files.read(key)? {
            None => Ok(None),
            Some(file) => self
                .open_sealed(key, &self.files.path_for(key), &file)
                .map(Some),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let sealed = self.seal(key, value)?;
        self.files.write(key, &sealed)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.files.remove(key)
    }
}

impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStore")
            .field("dir", &self.files.dir())
            .field("key_file", &self.key_file)
            .finish_non_exhaustive()
    }
}
