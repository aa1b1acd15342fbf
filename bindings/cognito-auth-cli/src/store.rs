//! The secret store: `cognito-auth-file-store`'s encrypted files in `--store DIR`, by default
//! `$XDG_CONFIG_HOME/cognito-auth` or `~/.config/cognito-auth`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cognito_auth_core::SecretStore;
use cognito_auth_file_store::FileStore;

use crate::errors::CliError;

/// Opens (creating if needed) the store in `dir`, or in the default directory.
pub fn open(dir: Option<&Path>) -> Result<Arc<dyn SecretStore>, CliError> {
    let dir = match dir {
        Some(dir) => dir.to_path_buf(),
        None => default_dir()?,
    };
    let store = FileStore::open(&dir).map_err(|e| {
        CliError::storage(format!(
            "cannot open the secret store in {}: {e}. Check the directory's permissions, or pass --store DIR.",
            dir.display()
        ))
    })?;
    Ok(Arc::new(store))
}

/// `$XDG_CONFIG_HOME/cognito-auth`, else `$HOME/.config/cognito-auth`.
pub fn default_dir() -> Result<PathBuf, CliError> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(config) = non_empty("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(config).join("cognito-auth"));
    }
    if let Some(home) = non_empty("HOME").or_else(|| non_empty("USERPROFILE")) {
        return Ok(PathBuf::from(home).join(".config").join("cognito-auth"));
    }
    Err(CliError::storage(
        "no home directory to keep the secret store in; pass --store DIR",
    ))
}
