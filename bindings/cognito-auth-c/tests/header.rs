//! The committed header (`include/cognito_auth.h`) must be what cbindgen generates from the
//! sources, followed by the exception codes generated from the core's exception table (so the
//! table stays the one list of Cognito's exceptions). `COGNITO_BLESS_HEADER=1` rewrites it
//! instead of failing.

use std::path::Path;

use cognito_auth_core::CognitoException;

/// `#define COGNITO_ERROR_CODE_<NAME> <code>` for every exception of the core's table.
fn exception_codes() -> String {
    let mut text = String::from(
        "/*\n * Cognito's exceptions, as the code an operation's callback receives (from the core's\n * exception table, core/src/error/exceptions.rs). COGNITO_ERROR_CODE_SERVICE (100) is an\n * exception not listed here: read the error JSON's \"exceptionName\".\n */\n",
    );
    for exception in CognitoException::ALL {
        text.push_str(&format!(
            "#define COGNITO_ERROR_CODE_{} {} /* {} */\n",
            exception.c_name(),
            exception.c_code(),
            exception.wire_name().unwrap_or_default()
        ));
    }
    text
}

#[test]
fn the_committed_header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    config.after_includes = Some(exception_codes());
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("UTF-8 header");

    let path = crate_dir.join("include").join("cognito_auth.h");
    if std::env::var_os("COGNITO_BLESS_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write the header");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date; regenerate it with\n  COGNITO_BLESS_HEADER=1 cargo test -p cognito-auth-c --test header",
        path.display()
    );
}
