//! Nothing here: the tests in `tests/` drive the emulator with the official AWS SDK for Rust.
