//! Reading secrets: a hidden prompt on a terminal, or one line of stdin.

use std::io::{BufRead, IsTerminal};

use zeroize::Zeroizing;

use crate::errors::CliError;

/// A secret (password, new password): from the next line of stdin with `from_stdin`, else
/// prompted without echo on the terminal.
pub fn secret(what: &str, from_stdin: bool) -> Result<Zeroizing<String>, CliError> {
    if from_stdin {
        return stdin_line(what);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(format!(
            "no terminal to ask for the {what}; pass --password-stdin and pipe it in"
        )));
    }
    let value = rpassword::prompt_password(format!("{what}: "))
        .map(Zeroizing::new)
        .map_err(|e| CliError::usage(format!("cannot read the {what}: {e}")))?;
    if value.is_empty() {
        return Err(CliError::usage(format!("the {what} is empty")));
    }
    Ok(value)
}

/// The next line of stdin (the first, on the first call), without its line ending.
pub fn stdin_line(what: &str) -> Result<Zeroizing<String>, CliError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("cannot read the {what} from stdin: {e}")))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err(CliError::usage(format!("no {what} on stdin")));
    }
    Ok(trimmed)
}

/// Whether stdin is a terminal (prompts are possible).
pub fn is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// A new secret (a password being chosen): from the next line of stdin with `from_stdin`, else
/// asked twice without echo on the terminal, and the two must match.
pub fn new_secret(what: &str, from_stdin: bool) -> Result<Zeroizing<String>, CliError> {
    let first = secret(what, from_stdin)?;
    if from_stdin {
        return Ok(first);
    }
    let again = secret(&format!("{what} (again)"), false)?;
    if *first != *again {
        return Err(CliError::usage(format!(
            "the two {what}s differ; nothing was sent"
        )));
    }
    Ok(first)
}

/// A code given as an argument; `-` reads it from the next line of stdin (asked for on a
/// terminal), so that it is not on the command line.
pub fn code(value: &str, what: &str) -> Result<Zeroizing<String>, CliError> {
    if value != "-" {
        return Ok(Zeroizing::new(value.to_owned()));
    }
    ask(what)
}

/// The next line of stdin; on a terminal the question is printed on stderr first.
pub fn ask(what: &str) -> Result<Zeroizing<String>, CliError> {
    if is_terminal() {
        eprint!("{what}: ");
        let _ = std::io::Write::flush(&mut std::io::stderr());
    }
    stdin_line(what)
}
