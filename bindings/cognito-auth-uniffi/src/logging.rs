//! Logging: `tracing` events of the core forwarded to a host [`AuthLogger`] (Logcat, `os.Logger`,
//! the app's own logger) as level, target and message.
//!
//! The core never logs passwords, codes, tokens or device secrets, and this module forwards only
//! what the core logs: the event's message and its fields (`operation=InitiateAuth`, ...).

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock, RwLock};

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::subscriber::Interest;
use tracing_core::{Event, Level, LevelFilter, Metadata, Subscriber};

use crate::error::AuthError;

/// How much to log, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing is forwarded.
    Off,
    /// Failures.
    Error,
    /// Problems the core worked around.
    Warn,
    /// Sign-in, sign-out, device changes.
    Info,
    /// Every Cognito call by operation name.
    Debug,
    /// Everything.
    Trace,
}

impl From<LogLevel> for LevelFilter {
    fn from(level: LogLevel) -> LevelFilter {
        match level {
            LogLevel::Off => LevelFilter::OFF,
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace => LevelFilter::TRACE,
        }
    }
}

impl From<&Level> for LogLevel {
    fn from(level: &Level) -> LogLevel {
        match *level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }
}

/// One log event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Its level (never [`LogLevel::Off`]).
    pub level: LogLevel,
    /// The Rust module that logged it, e.g. `cognito_auth_core::client::session`.
    pub target: String,
    /// The message, then the event's fields as `key=value`.
    pub message: String,
}

/// Receives the core's log events, implemented by the app. Called synchronously on the thread
/// that logged; keep it quick. It must not throw; an exception is ignored.
#[uniffi::export(with_foreign)]
pub trait AuthLogger: Send + Sync {
    /// One event.
    fn log(&self, record: LogRecord);
}

/// Sends the core's log events at `max_level` and above to `logger` (replacing any previous
/// logger), or stops forwarding with `null` / `nil`. The first call installs this library's
/// process-wide `tracing` subscriber; that fails with `InvalidState` if something else in the
/// process already installed one.
#[uniffi::export]
pub fn set_logger(
    logger: Option<Arc<dyn AuthLogger>>,
    max_level: LogLevel,
) -> Result<(), AuthError> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    GLOBAL.set(logger, max_level);
    INSTALLED
        .get_or_init(|| {
            tracing_core::dispatcher::set_global_default(tracing_core::Dispatch::new(Forwarder(
                &GLOBAL,
            )))
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|reason| AuthError::InvalidState {
            detail: format!(
                "Cannot forward logs: another tracing subscriber is installed ({reason})."
            ),
            retryable: false,
        })?;
    Ok(())
}

static GLOBAL: Slot = Slot::new();

/// The current logger and level.
pub(crate) struct Slot {
    current: RwLock<Option<(Arc<dyn AuthLogger>, LevelFilter)>>,
}

impl Slot {
    pub(crate) const fn new() -> Slot {
        Slot {
            current: RwLock::new(None),
        }
    }

    pub(crate) fn set(&self, logger: Option<Arc<dyn AuthLogger>>, max_level: LogLevel) {
        let value = logger.map(|l| (l, LevelFilter::from(max_level)));
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = value;
        // `tracing` caches the most verbose level any subscriber wants (`max_level_hint`):
        // recompute it, or events above the previous level would be filtered out early.
        tracing_core::callsite::rebuild_interest_cache();
    }

    fn max_level(&self) -> LevelFilter {
        match &*self.current.read().unwrap_or_else(|p| p.into_inner()) {
            Some((_, level)) => *level,
            None => LevelFilter::OFF,
        }
    }

    fn logger(&self) -> Option<Arc<dyn AuthLogger>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|(logger, _)| logger.clone())
    }
}

/// A `tracing` subscriber that forwards events to the logger in a [`Slot`]. Spans are not
/// forwarded (the core logs events only).
pub(crate) struct Forwarder(pub(crate) &'static Slot);

impl Subscriber for Forwarder {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> Interest {
        // The level can change at any time: ask `enabled` every time.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= &self.0.max_level()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.0.max_level())
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let Some(logger) = self.0.logger() else {
            return;
        };
        let metadata = event.metadata();
        let mut message = MessageVisitor::default();
        event.record(&mut message);
        let record = LogRecord {
            level: LogLevel::from(metadata.level()),
            target: metadata.target().to_owned(),
            message: message.finish(),
        };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| logger.log(record)));
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Formats `message` first, then the other fields as `key=value`.
#[derive(Default)]
struct MessageVisitor {
    message: String,
    fields: String,
}

impl MessageVisitor {
    fn finish(self) -> String {
        match (self.message.is_empty(), self.fields.is_empty()) {
            (_, true) => self.message,
            (true, false) => self.fields,
            (false, false) => format!("{} {}", self.message, self.fields),
        }
    }

    fn field(&mut self, field: &Field, value: std::fmt::Arguments<'_>) {
        if field.name() == "message" {
            let _ = self.message.write_fmt(value);
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={}", field.name(), value);
        }
    }
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.field(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.field(field, format_args!("{value:?}"));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct MockLogger {
        records: Mutex<Vec<LogRecord>>,
    }

    impl AuthLogger for MockLogger {
        fn log(&self, record: LogRecord) {
            self.records.lock().unwrap().push(record);
        }
    }

    struct PanickingLogger;

    impl AuthLogger for PanickingLogger {
        fn log(&self, _record: LogRecord) {
            panic!("the host logger threw");
        }
    }

    #[test]
    fn events_at_or_above_the_level_reach_the_host_logger() {
        static SLOT: Slot = Slot::new();
        let mock = Arc::new(MockLogger::default());
        SLOT.set(Some(mock.clone()), LogLevel::Info);
        let dispatch = tracing_core::Dispatch::new(Forwarder(&SLOT));
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::info!(operation = "InitiateAuth", "calling Cognito");
            tracing::debug!("not forwarded at Info");
            tracing::warn!(code = ?Some("CodeMismatchException"), "call failed");
            tracing::error!("bare");
        });
        let records = mock.records.lock().unwrap().clone();
        assert_eq!(records.len(), 3, "{records:?}");
        assert_eq!(records[0].level, LogLevel::Info);
        assert_eq!(records[0].message, "calling Cognito operation=InitiateAuth");
        assert_eq!(records[0].target, module_path!());
        assert_eq!(records[1].level, LogLevel::Warn);
        assert_eq!(
            records[1].message,
            "call failed code=Some(\"CodeMismatchException\")"
        );
        assert_eq!(records[2].level, LogLevel::Error);
        assert_eq!(records[2].message, "bare");
    }

    #[test]
    fn the_level_and_the_logger_can_change_and_be_removed() {
        static SLOT: Slot = Slot::new();
        let mock = Arc::new(MockLogger::default());
        SLOT.set(Some(mock.clone()), LogLevel::Error);
        let dispatch = tracing_core::Dispatch::new(Forwarder(&SLOT));
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::warn!("dropped");
            SLOT.set(Some(mock.clone()), LogLevel::Trace);
            tracing::trace!("kept");
            SLOT.set(None, LogLevel::Trace);
            tracing::error!("no logger");
            SLOT.set(Some(Arc::new(PanickingLogger)), LogLevel::Trace);
            tracing::error!("a throwing logger is ignored");
        });
        let records = mock.records.lock().unwrap().clone();
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(
            (records[0].level, records[0].message.as_str()),
            (LogLevel::Trace, "kept")
        );
    }

    #[test]
    fn set_logger_installs_the_global_subscriber_once() {
        let mock = Arc::new(MockLogger::default());
        set_logger(Some(mock.clone()), LogLevel::Info).unwrap();
        // A second call replaces the logger without reinstalling.
        set_logger(Some(mock.clone()), LogLevel::Debug).unwrap();
        std::thread::spawn(|| tracing::debug!(target: "cognito_auth_uniffi::probe", "global"))
            .join()
            .unwrap();
        set_logger(None, LogLevel::Off).unwrap();
        std::thread::spawn(
            || tracing::error!(target: "cognito_auth_uniffi::probe", "after removal"),
        )
        .join()
        .unwrap();
        let probes: Vec<_> = mock
            .records
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.target == "cognito_auth_uniffi::probe")
            .map(|r| r.message.clone())
            .collect();
        assert_eq!(probes, ["global"]);
    }
}
