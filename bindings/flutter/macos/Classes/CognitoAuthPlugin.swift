// Empty: this is an FFI plugin. The pod exists to build and link libcognito_auth_c.a (see the
// podspec's script phase); Dart calls it through dart:ffi.
