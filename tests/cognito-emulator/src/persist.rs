//! The state file: loaded at start, rewritten atomically after changes, private (mode 0600) and
//! never read or written through a symbolic link.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::state::State;

/// Refuses a state path that is a symbolic link: the state holds password verifiers and the
/// token signing keys, so it is never read or written through a link someone else may point.
fn refuse_symlink(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "state file {} is a symbolic link; refusing it",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// Loads a state file; a missing file is an empty state.
pub fn load(path: &Path) -> std::io::Result<State> {
    refuse_symlink(path)?;
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(e),
    }
}

/// Creates a new file readable by its owner only (0600 on Unix); fails if the name exists, so it
/// never follows a link planted there.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes the state atomically: a new private temporary file in the same directory (mode 0600,
/// created exclusively), fsync, rename over the state file (which replaces a link rather than
/// writing through it, and is refused anyway), fsync of the directory.
pub fn save(path: &Path, state: &State) -> std::io::Result<()> {
    refuse_symlink(path)?;
    let bytes = serde_json::to_vec(state)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".to_owned());
    let (tmp, mut f) = loop {
        let tmp = dir.join(format!(
            ".{file_name}.tmp{}.{}",
            std::process::id(),
            crate::util::random_alnum(8)
        ));
        match create_private(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let written = f.write_all(&bytes).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
