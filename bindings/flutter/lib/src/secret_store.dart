// The pluggable secret store: a Dart SecretStore behind the C API's CognitoSecretStore vtable.

import 'dart:async';
import 'dart:ffi';

import 'package:ffi/ffi.dart';

import 'native.dart';

/// Secure storage for tokens and device secrets: the Keychain, the Android Keystore (e.g. via
/// flutter_secure_storage), or your own vault. Must fail loudly (throw) rather than lose data.
///
/// The native library calls it from its own threads; this package forwards each call to the
/// isolate that created the client with `NativeCallable.listener`, so implementations run as
/// ordinary async Dart code on that isolate and may `await` platform channels.
abstract interface class SecretStore {
  /// The value under [key], or null.
  FutureOr<String?> get(String key);

  /// Stores [value] under [key], replacing any previous value.
  FutureOr<void> set(String key, String value);

  /// Removes [key]; removing a missing key is not an error.
  FutureOr<void> delete(String key);
}

/// A store in memory, **for tests only**: everything is lost when the app stops.
final class InMemorySecretStore implements SecretStore {
  final Map<String, String> values = {};

  @override
  String? get(String key) => values[key];

  @override
  void set(String key, String value) => values[key] = value;

  @override
  void delete(String key) => values.remove(key);
}

/// Exposes a [SecretStore] as a `CognitoSecretStore` vtable.
///
/// Each vtable callback is a `NativeCallable.listener`: the native thread that asks returns at
/// once and waits (up to 30 s) for `cognito_store_complete`, which this class calls when the
/// Dart future finishes. The `key` / `value` pointers stay valid until that completion. The
/// callables are closed when the library calls `release` (after the client is freed and its
/// last operation finished).
final class NativeSecretStore {
  NativeSecretStore(this._store, this._native) {
    _get = NativeCallable<StoreGetNative>.listener(_onGet);
    _set = NativeCallable<StoreSetNative>.listener(_onSet);
    _remove = NativeCallable<StoreRemoveNative>.listener(_onRemove);
    _release = NativeCallable<StoreReleaseNative>.listener(_onRelease);
    vtable = calloc<CognitoSecretStoreStruct>();
    vtable.ref
      ..context = nullptr
      ..getFn = _get.nativeFunction
      ..setFn = _set.nativeFunction
      ..removeFn = _remove.nativeFunction
      ..releaseFn = _release.nativeFunction;
  }

  final SecretStore _store;
  final NativeLibrary _native;
  late final NativeCallable<StoreGetNative> _get;
  late final NativeCallable<StoreSetNative> _set;
  late final NativeCallable<StoreRemoveNative> _remove;
  late final NativeCallable<StoreReleaseNative> _release;

  /// The vtable passed to `cognito_client_new` (copied by the library; freed here after).
  late final Pointer<CognitoSecretStoreStruct> vtable;

  /// Frees the vtable struct (the library keeps its own copy) — call after `cognito_client_new`.
  void freeVtable() => calloc.free(vtable);

  bool _closed = false;

  /// Closes the callables: when the library calls `release` (it never calls the vtable again
  /// after that), or when the client could not be created. Idempotent.
  void close() {
    if (_closed) return;
    _closed = true;
    _get.close();
    _set.close();
    _remove.close();
    _release.close();
  }

  void _onGet(Pointer<Void> _, int request, Pointer<Utf8> key) {
    final name = key.toDartString();
    _answer(request, () => _store.get(name));
  }

  void _onSet(Pointer<Void> _, int request, Pointer<Utf8> key, Pointer<Utf8> value) {
    final name = key.toDartString();
    final text = value.toDartString();
    _answer(request, () async {
      await _store.set(name, text);
      return null;
    });
  }

  void _onRemove(Pointer<Void> _, int request, Pointer<Utf8> key) {
    final name = key.toDartString();
    _answer(request, () async {
      await _store.delete(name);
      return null;
    });
  }

  void _onRelease(Pointer<Void> _) => close();

  Future<void> _answer(int request, FutureOr<String?> Function() run) async {
    int status;
    String? value;
    try {
      value = await run();
      status = 0;
    } catch (e) {
      status = 1;
      // The message must not contain the value: only the error's type is passed on.
      value = 'the Dart SecretStore threw ${e.runtimeType}';
    }
    final pointer = value == null ? nullptr : allocString(value);
    try {
      _native.storeComplete(request, status, pointer);
    } finally {
      freeSecret(pointer);
    }
  }
}
