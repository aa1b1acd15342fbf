//! `uniffi-bindgen`, built from this workspace so that the generator always matches the UniFFI
//! version of `cognito-auth-uniffi`. Used by `scripts/bindgen` (library mode).

fn main() {
    uniffi::uniffi_bindgen_main()
}
