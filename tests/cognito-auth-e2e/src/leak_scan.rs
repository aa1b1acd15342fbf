//! The secret-leak scan of a test binary.
//!
//! [`install`] (called by [`Emu::start`](crate::Emu::start)) captures every `tracing` event of
//! the process at TRACE level — the core's, and those of the HTTP stack under it — as text lines.
//! The secrets the tests used are registered as they appear: each emulator's list of what
//! crossed its API (passwords set and typed, right and wrong codes, tokens issued, TOTP
//! secrets, client secrets and secret hashes; read when the [`Emu`](crate::Emu) is dropped),
//! and the device secrets and tokens the client writes to the stores an `Emu` hands it.
//! Tests add the printed forms (`{:?}`, `{}`) of what they want checked with [`printed`].
//!
//! [`check`] searches every captured line and printed form for every secret of 6 characters or
//! more (all-digit codes only as a whole number, so timestamps and counters do not match); each
//! pair is searched once, so a secret registered late is still looked for in earlier lines.
//! Dropping an `Emu` checks (the test fails on a hit), and at exit the binary prints its totals:
//! `leak-scan: <binary>: N log lines, M printed forms, K secrets, 0 hits`.

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Once};

use cognito_auth_core::{SecretStore, StoreError};
use serde_json::Value;

/// Secrets shorter than this are not searched for (they would match by chance).
pub const MIN_SECRET_LEN: usize = 6;

#[derive(Default)]
struct Registry {
    secrets: Vec<String>,
    known: HashSet<String>,
    /// Distinct values too short to search for.
    short: usize,
    lines: Vec<String>,
    printed: Vec<String>,
    /// How far [`check`] got: lines and printed forms below these were searched for the
    /// secrets below `secrets_checked`.
    lines_checked: usize,
    printed_checked: usize,
    secrets_checked: usize,
    hits: Vec<String>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);
    // A test that panicked while holding the lock leaves the registry whole: take it back.
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Captures the process's `tracing` events at TRACE level from now on (once per process), and
/// prints the totals when the process exits.
pub fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| EventWriter(Vec::new()))
            .with_ansi(false)
            // No timestamps: their digits could pass for a code.
            .without_time()
            .with_target(true)
            .with_thread_names(true)
            .finish();
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            panic!("leak scan: another global tracing subscriber is installed");
        }
        at_exit();
    });
}

/// One formatted event; added to the registry when dropped.
struct EventWriter(Vec<u8>);

impl Write for EventWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let mut registry = registry();
        registry
            .lines
            .extend(text.lines().filter(|l| !l.is_empty()).map(str::to_owned));
    }
}

/// Registers a secret to search for.
pub fn secret(value: &str) {
    let mut registry = registry();
    if value.is_empty() || !registry.known.insert(value.to_owned()) {
        return;
    }
    if value.chars().count() < MIN_SECRET_LEN {
        registry.short += 1;
    } else {
        registry.secrets.push(value.to_owned());
    }
}

/// Whether `value` is registered (searched for, or too short to be).
pub fn is_registered(value: &str) -> bool {
    registry().known.contains(value)
}

/// Registers the secret fields anywhere in `value` (wire or stored-record names; see
/// [`cognito_emulator::secrets::is_secret_field`]).
pub fn secrets_in(value: &Value) {
    let mut found = std::collections::BTreeSet::new();
    cognito_emulator::secrets::collect(value, &mut found);
    found.iter().for_each(|s| secret(s));
}

/// Adds a printed form of a value the library returned, to be searched like a log line.
pub fn printed(text: impl Into<String>) {
    registry().printed.push(text.into());
}

/// Adds `{:?}` of `value`.
pub fn printed_debug<T: std::fmt::Debug + ?Sized>(value: &T) {
    printed(format!("{value:?}"));
}

/// Adds `{:?}` and `{}` of `value`.
pub fn printed_both<T: std::fmt::Debug + std::fmt::Display + ?Sized>(value: &T) {
    printed(format!("{value:?}"));
    printed(format!("{value}"));
}

/// The captured log lines that contain `needle` (to check that the capture works).
pub fn log_lines_containing(needle: &str) -> Vec<String> {
    registry()
        .lines
        .iter()
        .filter(|l| l.contains(needle))
        .cloned()
        .collect()
}

/// The totals of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub log_lines: usize,
    pub printed_forms: usize,
    /// Secrets searched for (at least [`MIN_SECRET_LEN`] characters).
    pub secrets: usize,
    /// Distinct secrets too short to search for.
    pub short_secrets: usize,
    pub hits: usize,
}

impl std::fmt::Display for Totals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} log lines, {} printed forms, {} secrets ({} shorter than {MIN_SECRET_LEN} not searched), {} hits",
            self.log_lines, self.printed_forms, self.secrets, self.short_secrets, self.hits
        )
    }
}

/// Whether `text` contains `secret`: anywhere, or for an all-digit secret (a code) as a whole
/// number.
pub fn contains_secret(text: &str, secret: &str) -> bool {
    if !secret.bytes().all(|b| b.is_ascii_digit()) {
        return text.contains(secret);
    }
    let bytes = text.as_bytes();
    text.match_indices(secret).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + secret.len()).copied();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

/// `text` with every secret it contains masked.
fn masked(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for (i, secret) in secrets.iter().enumerate() {
        if contains_secret(&out, secret) {
            out = out.replace(
                secret.as_str(),
                &format!("<secret #{i}, {} chars>", secret.len()),
            );
        }
    }
    out
}

/// Searches what was not searched yet; the totals, or a report of every hit (secrets masked).
pub fn check() -> Result<Totals, String> {
    let mut registry = registry();
    let r = &mut *registry;
    let mut found = Vec::new();
    for (kind, texts, checked) in [
        ("log line", &r.lines, r.lines_checked),
        ("printed form", &r.printed, r.printed_checked),
    ] {
        for (index, text) in texts.iter().enumerate() {
            // Old texts against new secrets, new texts against all.
            let from = if index < checked {
                r.secrets_checked
            } else {
                0
            };
            if r.secrets[from..].iter().any(|s| contains_secret(text, s)) {
                found.push(format!("{kind} {index}: {}", masked(text, &r.secrets)));
            }
        }
    }
    r.lines_checked = r.lines.len();
    r.printed_checked = r.printed.len();
    r.secrets_checked = r.secrets.len();
    r.hits.extend(found.iter().cloned());
    let totals = totals(r);
    if found.is_empty() {
        Ok(totals)
    } else {
        Err(format!(
            "leak-scan: {} secret(s) found ({totals}):\n{}",
            found.len(),
            found.join("\n")
        ))
    }
}

fn totals(r: &Registry) -> Totals {
    Totals {
        log_lines: r.lines.len(),
        printed_forms: r.printed.len(),
        secrets: r.secrets.len(),
        short_secrets: r.short,
        hits: r.hits.len(),
    }
}

/// At exit: a last check (events logged after the last `Emu` was dropped) and the totals on
/// stderr (written directly: the test harness captures only `eprintln!`). Any hit of the run
/// (also one found while a test was failing anyway) ends the process with a failure status.
fn at_exit() {
    extern "C" fn report() {
        let binary = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .map(|stem| match stem.rsplit_once('-') {
                Some((name, hash)) if hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    name.to_owned()
                }
                _ => stem,
            })
            .unwrap_or_default();
        let last = check();
        let all = registry().hits.clone();
        let totals = totals(&registry());
        let failed = !all.is_empty();
        let line = match last {
            Ok(_) if !failed => format!("leak-scan: {binary}: {totals}\n"),
            _ => format!(
                "leak-scan: {binary}: FAILED, secrets found ({totals}):\n{}\n",
                all.join("\n")
            ),
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
        if failed {
            // SAFETY: ends the process at once; nothing else runs after an exit handler.
            unsafe { _exit(1) }
        }
    }
    extern "C" {
        fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
        fn _exit(status: std::os::raw::c_int) -> !;
    }
    // SAFETY: `report` is a plain function that lives as long as the program.
    unsafe {
        atexit(report);
    }
}

/// A [`SecretStore`] that registers the secret fields of every record written through it
/// (device secrets, tokens) and passes every call on.
pub struct ScanningStore(pub Arc<dyn SecretStore>);

impl SecretStore for ScanningStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.get(key)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if let Ok(record) = serde_json::from_str::<Value>(value) {
            secrets_in(&record);
        }
        self.0.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.0.delete(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_only_as_whole_numbers() {
        assert!(contains_secret("code=123456 sent", "123456"));
        assert!(contains_secret("123456", "123456"));
        assert!(contains_secret("\"123456\"", "123456"));
        assert!(!contains_secret("expires_at=1767123456", "123456"));
        assert!(!contains_secret("1234567", "123456"));
        assert!(contains_secret("x 9123456 and 123456", "123456"));
        assert!(contains_secret("password=Passw0rd!x", "Passw0rd!"));
    }

    #[test]
    fn hits_are_reported_masked_and_counted_once() {
        // The registry is process-wide: this unit-test binary has no other user of it.
        secret("Sup3r-Secret!");
        secret("123");
        printed("nothing to see");
        assert_eq!(check().map(|t| t.hits), Ok(0));
        printed("it was Sup3r-Secret! all along");
        let report = check().unwrap_err();
        assert!(
            report.contains("it was <secret #0, 13 chars> all along"),
            "{report}"
        );
        assert!(!report.contains("Sup3r-Secret!"), "{report}");
        // Searched again only against new secrets: a late secret is found in an old text.
        assert!(check().is_ok());
        secret("nothing to");
        assert!(check().unwrap_err().contains("printed form 0"));
        let totals = totals(&registry());
        assert_eq!(
            (totals.secrets, totals.short_secrets, totals.hits),
            (2, 1, 2)
        );
    }
}
