// Hand-written dart:ffi bindings of bindings/cognito-auth-c/include/cognito_auth.h (ffigen needs a Dart
// SDK and libclang; the header is small and stable: JSON in, JSON out). Every signature below is
// copied from it; the operation codes ([CognitoOperation]) and the error codes
// ([CognitoErrorCode], exceptions.dart) are checked against the header by
// bindings/cognito-auth-c/tests/dart_tables.rs.

import 'dart:ffi';
import 'dart:io';

import 'package:ffi/ffi.dart';

/// `void (*CognitoCompletion)(void *user_data, int32_t code, char *json)`.
typedef CompletionNative = Void Function(Pointer<Void>, Int32, Pointer<Utf8>);

/// `void (*CognitoEventCallback)(void *user_data, char *event_json)`.
typedef EventNative = Void Function(Pointer<Void>, Pointer<Utf8>);

/// `CognitoSecretStore.get`.
typedef StoreGetNative = Void Function(Pointer<Void>, Uint64, Pointer<Utf8>);

/// `CognitoSecretStore.set`.
typedef StoreSetNative = Void Function(
    Pointer<Void>, Uint64, Pointer<Utf8>, Pointer<Utf8>);

/// `CognitoSecretStore.remove`.
typedef StoreRemoveNative = Void Function(Pointer<Void>, Uint64, Pointer<Utf8>);

/// `CognitoSecretStore.release`.
typedef StoreReleaseNative = Void Function(Pointer<Void>);

/// `struct CognitoSecretStore` (field order and types as in the header; Dart names differ
/// because `get` / `set` read badly as field names).
final class CognitoSecretStoreStruct extends Struct {
  external Pointer<Void> context;
  external Pointer<NativeFunction<StoreGetNative>> getFn;
  external Pointer<NativeFunction<StoreSetNative>> setFn;
  external Pointer<NativeFunction<StoreRemoveNative>> removeFn;
  external Pointer<NativeFunction<StoreReleaseNative>> releaseFn;
}

/// `enum CognitoOperation`: the operations of `cognito_call`, by value.
enum CognitoOperation {
  signIn(1),
  confirmSignIn(2),
  pendingSignInStep(3),
  cancelSignIn(4),
  fetchAuthSession(5),
  signOut(6),
  getCurrentUser(7),
  rememberDevice(8),
  stopRememberingDevice(9),
  forgetDevice(10),
  fetchDevices(11),
  currentDeviceStatus(12),
  setUpTotp(13),
  verifyTotpSetup(14),
  fetchMfaPreference(15),
  updateMfaPreference(16),
  signUp(17),
  confirmSignUp(18),
  resendSignUpCode(19),
  resetPassword(20),
  confirmResetPassword(21),
  updatePassword(22),
  fetchUserAttributes(23),
  updateUserAttributes(24),
  sendUserAttributeVerificationCode(25),
  confirmUserAttribute(26),
  deleteUser(27),
  resetLocalState(28),
  deleteUserAttributes(29);

  const CognitoOperation(this.value);

  /// The C value.
  final int value;
}

/// `cognito_call(client, operation, request_json, callback, user_data)`.
typedef _CallNative = Int32 Function(Uint64, Int32, Pointer<Utf8>,
    Pointer<NativeFunction<CompletionNative>>, Pointer<Void>);
typedef _Call = int Function(
    int, int, Pointer<Utf8>, Pointer<NativeFunction<CompletionNative>>, Pointer<Void>);

/// The C functions, looked up once per isolate.
final class NativeLibrary {
  NativeLibrary(DynamicLibrary lib)
      : clientNew = lib.lookupFunction<
            Int32 Function(Pointer<Utf8>, Pointer<CognitoSecretStoreStruct>,
                Pointer<Uint64>, Pointer<Pointer<Utf8>>),
            int Function(Pointer<Utf8>, Pointer<CognitoSecretStoreStruct>,
                Pointer<Uint64>, Pointer<Pointer<Utf8>>)>('cognito_client_new'),
        clientNewWithPlatformStore = lib.lookupFunction<
            Int32 Function(Pointer<Utf8>, Pointer<Utf8>, Pointer<Uint64>,
                Pointer<Pointer<Utf8>>),
            int Function(Pointer<Utf8>, Pointer<Utf8>, Pointer<Uint64>,
                Pointer<Pointer<Utf8>>)>('cognito_client_new_with_platform_store'),
        clientNewInMemory = lib.lookupFunction<
            Int32 Function(Pointer<Utf8>, Pointer<Uint64>, Pointer<Pointer<Utf8>>),
            int Function(Pointer<Utf8>, Pointer<Uint64>,
                Pointer<Pointer<Utf8>>)>('cognito_client_new_in_memory_for_tests'),
        clientFree = lib.lookupFunction<Int32 Function(Uint64), int Function(int)>(
            'cognito_client_free'),
        setEventCallback = lib.lookupFunction<
            Int32 Function(Uint64, Pointer<NativeFunction<EventNative>>, Pointer<Void>),
            int Function(int, Pointer<NativeFunction<EventNative>>,
                Pointer<Void>)>('cognito_client_set_event_callback'),
        stringFree = lib.lookupFunction<Void Function(Pointer<Utf8>),
            void Function(Pointer<Utf8>)>('cognito_string_free'),
        storeComplete = lib.lookupFunction<
            Int32 Function(Uint64, Int32, Pointer<Utf8>),
            int Function(int, int, Pointer<Utf8>)>('cognito_store_complete'),
        errorCodeName = lib.lookupFunction<Pointer<Utf8> Function(Int32),
            Pointer<Utf8> Function(int)>('cognito_error_code_name'),
        version = lib.lookupFunction<Pointer<Utf8> Function(),
            Pointer<Utf8> Function()>('cognito_version'),
        totpSetupUri = lib.lookupFunction<
            Int32 Function(Pointer<Utf8>, Pointer<Utf8>, Pointer<Pointer<Utf8>>),
            int Function(Pointer<Utf8>, Pointer<Utf8>,
                Pointer<Pointer<Utf8>>)>('cognito_totp_setup_uri'),
        call = lib.lookupFunction<_CallNative, _Call>('cognito_call');

  final int Function(Pointer<Utf8>, Pointer<CognitoSecretStoreStruct>,
      Pointer<Uint64>, Pointer<Pointer<Utf8>>) clientNew;
  final int Function(
          Pointer<Utf8>, Pointer<Utf8>, Pointer<Uint64>, Pointer<Pointer<Utf8>>)
      clientNewWithPlatformStore;
  final int Function(Pointer<Utf8>, Pointer<Uint64>, Pointer<Pointer<Utf8>>)
      clientNewInMemory;
  final int Function(int) clientFree;
  final int Function(int, Pointer<NativeFunction<EventNative>>, Pointer<Void>)
      setEventCallback;
  final void Function(Pointer<Utf8>) stringFree;
  final int Function(int, int, Pointer<Utf8>) storeComplete;
  final Pointer<Utf8> Function(int) errorCodeName;
  final Pointer<Utf8> Function() version;
  final int Function(Pointer<Utf8>, Pointer<Utf8>, Pointer<Pointer<Utf8>>)
      totpSetupUri;

  /// `cognito_call`: starts an operation; its outcome arrives through the callback.
  final _Call call;

  /// Copies a library-owned string and frees it (the ownership rule of the C API).
  String takeString(Pointer<Utf8> string) {
    try {
      return string.toDartString();
    } finally {
      stringFree(string);
    }
  }

  static NativeLibrary? _instance;

  /// Overrides where the library is loaded from (tests on a desktop host: the path of
  /// `target/debug/libcognito_auth_c.so`). Must be set before the first client is created.
  static String? libraryPath = Platform.environment['COGNITO_AUTH_LIBRARY'];

  static NativeLibrary get instance => _instance ??= NativeLibrary(_open());

  static DynamicLibrary _open() {
    final path = libraryPath;
    if (path != null && path.isNotEmpty) return DynamicLibrary.open(path);
    if (Platform.isAndroid || Platform.isLinux) {
      return DynamicLibrary.open('libcognito_auth_c.so');
    }
    if (Platform.isWindows) return DynamicLibrary.open('cognito_auth_c.dll');
    // iOS and macOS: the podspec links the static library into the app (-force_load), so the
    // symbols are in the process.
    if (Platform.isIOS || Platform.isMacOS) return DynamicLibrary.process();
    throw UnsupportedError(
        'cognito_auth: no native library for ${Platform.operatingSystem}');
  }
}

/// Allocates a NUL-terminated UTF-8 copy of [text] with `calloc`; free it with [freeSecret].
Pointer<Utf8> allocString(String text) => text.toNativeUtf8(allocator: calloc);

/// Zeroes, then frees, a string from [allocString] (requests may contain passwords and codes).
void freeSecret(Pointer<Utf8> string) {
  if (string == nullptr) return;
  final bytes = string.cast<Uint8>();
  final length = string.length;
  for (var i = 0; i < length; i++) {
    bytes[i] = 0;
  }
  calloc.free(string);
}
