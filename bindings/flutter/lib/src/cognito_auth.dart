// The Dart API: Amplify Flutter's Auth method names over the C API's JSON operations.

import 'dart:async';
import 'dart:convert';
import 'dart:ffi';
import 'dart:io';

import 'package:ffi/ffi.dart';
import 'package:flutter/services.dart';

import 'config.dart';
import 'exceptions.dart';
import 'native.dart';
import 'secret_store.dart';
import 'sign_in_steps.dart';
import 'types.dart';

/// Completions of every client of this isolate: one `NativeCallable.listener`, and the
/// `Completer` of each call under the id passed as `user_data`.
final class _Completions {
  _Completions(this.native) {
    callable = NativeCallable<CompletionNative>.listener(_onComplete);
    callable.keepIsolateAlive = false;
  }

  final NativeLibrary native;
  late final NativeCallable<CompletionNative> callable;
  final Map<int, Completer<Object?>> _pending = {};
  int _nextId = 1;

  static _Completions? _instance;
  static _Completions get instance =>
      _instance ??= _Completions(NativeLibrary.instance);

  /// Runs `cognito_call(client, operation, request, callback, id)` and awaits its callback.
  Future<Object?> run(
      CognitoOperation operation, int client, Map<String, Object?>? request) {
    final id = _nextId++;
    final completer = Completer<Object?>();
    _pending[id] = completer;
    callable.keepIsolateAlive = true; // a call is pending: keep the isolate alive until it ends
    final body = request == null ? nullptr : allocString(jsonEncode(request));
    final int started;
    try {
      // The library copies the request before returning: it is zeroed and freed right after.
      started = native.call(client, operation.value, body,
          callable.nativeFunction, Pointer<Void>.fromAddress(id));
    } finally {
      freeSecret(body);
    }
    if (started != CognitoErrorCode.ok.value) {
      _pending.remove(id);
      _idle();
      final code = CognitoErrorCode.fromValue(started);
      return Future.error(code == CognitoErrorCode.runtimeUnavailable
          ? AuthInternalException(code, 'the native library is shut down')
          : AuthBindingException(
              code, 'cognito_call(${operation.name}) refused the call'));
    }
    return completer.future;
  }

  void _onComplete(Pointer<Void> userData, int code, Pointer<Utf8> json) {
    // The JSON is ours (ownership moved with the callback): copy it, then free it.
    final text = native.takeString(json);
    final completer = _pending.remove(userData.address);
    _idle();
    if (completer == null) return;
    final Object? decoded;
    try {
      decoded = jsonDecode(text);
    } catch (_) {
      completer.completeError(AuthInternalException(
          CognitoErrorCode.panic, 'unreadable result from the native library'));
      return;
    }
    if (code == CognitoErrorCode.ok.value) {
      completer.complete(decoded);
    } else {
      completer.completeError(
          AuthException.fromJson(decoded as Map<String, dynamic>));
    }
  }

  void _idle() {
    if (_pending.isEmpty) callable.keepIsolateAlive = false;
  }
}

/// Signs users in to one Cognito app client and keeps their session. Method names follow
/// Amplify Flutter's `Amplify.Auth`. Every method is async and never blocks the isolate: the
/// work runs on the native library's threads.
///
/// Create one per app client with [CognitoAuth.create]; call [close] when done.
final class CognitoAuth {
  CognitoAuth._(this._handle, this._store);

  final int _handle;
  // Kept with the client: the adapter owns the store's callables until `release`.
  // ignore: unused_field
  final NativeSecretStore? _store;
  bool _closed = false;
  NativeCallable<EventNative>? _eventCallable;
  StreamController<AuthHubEvent>? _events;

  /// Creates a client whose tokens and device secrets live in the platform's secure storage,
  /// with no store to write: the Keychain on iOS and macOS ([keychainService],
  /// [keychainAccessGroup] to share with an app extension), the Android Keystore on Android.
  /// Throws [AuthStorageException] when that storage cannot be opened (never a fallback to
  /// memory), [AuthException] for an invalid configuration.
  static Future<CognitoAuth> createWithPlatformStore(
      {required CognitoAuthConfig config,
      String keychainService = 'cognito-auth',
      String? keychainAccessGroup}) async {
    final Map<String, Object> options;
    if (Platform.isAndroid) {
      // The plugin's Android side knows the app's files directory (and loaded the library
      // through the JVM, which the Keystore store needs).
      final directory = await const MethodChannel('dev.cognitoauth.cognito_auth')
          .invokeMethod<String>('storeDirectory');
      options = {if (directory != null) 'directory': directory};
    } else {
      options = {
        'keychainService': keychainService,
        if (keychainAccessGroup != null) 'keychainAccessGroup': keychainAccessGroup,
      };
    }
    final native = NativeLibrary.instance;
    final optionsJson = allocString(jsonEncode(options));
    try {
      final handle = _create(
          native,
          config,
          (json, out, error) =>
              native.clientNewWithPlatformStore(json, optionsJson, out, error));
      return CognitoAuth._(handle, null);
    } finally {
      freeSecret(optionsJson);
    }
  }

  /// Creates a client whose tokens and device secrets live in [store], a [SecretStore] of the
  /// app's own. Throws [AuthException] for an invalid configuration.
  factory CognitoAuth.create(
      {required CognitoAuthConfig config, required SecretStore store}) {
    final native = NativeLibrary.instance;
    final adapter = NativeSecretStore(store, native);
    try {
      final handle = _create(native, config,
          (json, out, error) => native.clientNew(json, adapter.vtable, out, error));
      return CognitoAuth._(handle, adapter);
    } catch (_) {
      adapter.close(); // the library never kept the callables
      rethrow;
    } finally {
      adapter.freeVtable(); // the library copied the struct
    }
  }

  /// A client over a store in native memory — **for tests only**.
  factory CognitoAuth.createInMemoryForTests({required CognitoAuthConfig config}) {
    final native = NativeLibrary.instance;
    final handle = _create(native, config,
        (json, out, error) => native.clientNewInMemory(json, out, error));
    return CognitoAuth._(handle, null);
  }

  static int _create(
      NativeLibrary native,
      CognitoAuthConfig config,
      int Function(Pointer<Utf8>, Pointer<Uint64>, Pointer<Pointer<Utf8>>)
          create) {
    final json = allocString(jsonEncode(config.toJson()));
    final out = calloc<Uint64>();
    final error = calloc<Pointer<Utf8>>();
    try {
      final code = create(json, out, error);
      if (code != CognitoErrorCode.ok.value) {
        if (error.value != nullptr) {
          throw AuthException.fromJson(
              jsonDecode(native.takeString(error.value)) as Map<String, dynamic>);
        }
        throw AuthBindingException(
            CognitoErrorCode.fromValue(code), 'cognito_client_new failed');
      }
      return out.value;
    } finally {
      freeSecret(json); // may contain the client secret
      calloc.free(out);
      calloc.free(error);
    }
  }

  Future<Object?> _call(CognitoOperation operation,
      [Map<String, Object?>? request]) {
    if (_closed) {
      return Future.error(AuthBindingException(
          CognitoErrorCode.invalidHandle, 'this CognitoAuth is closed'));
    }
    return _Completions.instance.run(operation, _handle, request);
  }

  Future<Map<String, dynamic>> _object(CognitoOperation operation,
          [Map<String, Object?>? request]) async =>
      (await _call(operation, request)) as Map<String, dynamic>;

  /// Auth events (signed in / out, session expired, tokens refreshed, device remembered /
  /// forgotten), delivered on this isolate.
  Stream<AuthHubEvent> get events {
    final existing = _events;
    if (existing != null) return existing.stream;
    final controller = StreamController<AuthHubEvent>.broadcast();
    final native = NativeLibrary.instance;
    final callable = NativeCallable<EventNative>.listener(
        (Pointer<Void> _, Pointer<Utf8> json) {
      final text = native.takeString(json);
      if (!controller.isClosed) {
        controller.add(AuthHubEvent.fromJson(jsonDecode(text) as Map<String, dynamic>));
      }
    });
    callable.keepIsolateAlive = false;
    native.setEventCallback(_handle, callable.nativeFunction, nullptr);
    _eventCallable = callable;
    _events = controller;
    return controller.stream;
  }

  /// Frees the native client. Calls already started still complete; later calls fail with
  /// [AuthBindingException]. The store is released when the last call has finished.
  Future<void> close() async {
    if (_closed) return;
    _closed = true;
    NativeLibrary.instance.clientFree(_handle); // no event callback after this returns
    _eventCallable?.close();
    await _events?.close();
  }

  // -- Sign-in ---------------------------------------------------------------------------------

  /// Starts a sign-in (SRP by default). The result's `nextStep` tells what to ask the user;
  /// password verification and remembered-device steps are answered automatically.
  Future<SignInResult> signIn(
      {required String username,
      String? password,
      String? authFlow,
      String? preferredFirstFactor,
      Map<String, String>? clientMetadata}) async {
    final json = await _object(CognitoOperation.signIn, {
      'username': username,
      if (password != null) 'password': password,
      'options': {
        if (authFlow != null || preferredFirstFactor != null)
          'authFlow': {
            'type': authFlow ?? 'USER_AUTH',
            if (preferredFirstFactor != null)
              'preferredFirstFactor': preferredFirstFactor,
          },
        if (clientMetadata != null) 'clientMetadata': clientMetadata,
      },
    });
    return SignInResult.fromJson(json);
  }

  /// Answers the current step (an MFA code, a selected MFA type, a new password, ...).
  Future<SignInResult> confirmSignIn(
      {required String confirmationValue,
      String? friendlyDeviceName,
      Map<String, String>? userAttributes,
      Map<String, String>? clientMetadata}) async {
    final json = await _object(CognitoOperation.confirmSignIn, {
      'challengeResponse': confirmationValue,
      'options': {
        if (friendlyDeviceName != null) 'friendlyDeviceName': friendlyDeviceName,
        if (userAttributes != null) 'userAttributes': userAttributes,
        if (clientMetadata != null) 'clientMetadata': clientMetadata,
      },
    });
    return SignInResult.fromJson(json);
  }

  /// The step a sign-in is waiting for (also after an app restart), or null.
  Future<AuthNextSignInStep?> pendingSignInStep() async {
    final json = await _object(CognitoOperation.pendingSignInStep);
    final step = json['nextStep'];
    return step == null
        ? null
        : AuthNextSignInStep.fromJson(step as Map<String, dynamic>);
  }

  /// Abandons a sign-in that waits for an answer.
  Future<void> cancelSignIn() => _call(CognitoOperation.cancelSignIn);

  /// The session, with tokens refreshed when they are about to expire (or [forceRefresh]).
  Future<AuthSession> fetchAuthSession({bool forceRefresh = false}) async =>
      AuthSession.fromJson(
          await _object(CognitoOperation.fetchAuthSession, {'forceRefresh': forceRefresh}));

  /// Signs out (revoking the refresh token); [globalSignOut] signs out every device. The local
  /// sign-out always happens (offline too); the result says what the server did not do.
  Future<SignOutResult> signOut({bool globalSignOut = false}) async =>
      SignOutResult.fromJson(await _object(
          CognitoOperation.signOut, {'globalSignOut': globalSignOut}));

  /// The signed-in user.
  Future<AuthUser> getCurrentUser() async {
    final json = await _object(CognitoOperation.getCurrentUser);
    return AuthUser(
        username: json['username'] as String, userId: json['userId'] as String?);
  }

  // -- Devices ---------------------------------------------------------------------------------

  /// Remembers this device: its sign-ins then skip MFA when the pool allows it.
  Future<void> rememberDevice() => _call(CognitoOperation.rememberDevice);

  /// Keeps tracking this device but stops remembering it.
  Future<void> stopRememberingDevice() => _call(CognitoOperation.stopRememberingDevice);

  /// Forgets [device], or this device when null.
  Future<void> forgetDevice([AuthDevice? device]) =>
      _call(CognitoOperation.forgetDevice, {if (device != null) 'deviceId': device.id});

  /// The user's devices (this one has `isCurrentDevice`).
  Future<List<AuthDevice>> fetchDevices() async {
    final list = await _call(CognitoOperation.fetchDevices) as List<dynamic>;
    return [
      for (final d in list) AuthDevice.fromJson(d as Map<String, dynamic>)
    ];
  }

  /// This device's status as this client knows it.
  Future<DeviceStatus> currentDeviceStatus() async => DeviceStatus.fromWire(
      (await _object(CognitoOperation.currentDeviceStatus))['status'] as String);

  // -- MFA -------------------------------------------------------------------------------------

  /// Starts setting up an authenticator app; show [totpSetupUri] as a QR code.
  Future<TotpSetupDetails> setUpTotp() async =>
      TotpSetupDetails.fromJson(await _object(CognitoOperation.setUpTotp));

  /// The `otpauth://` URI of [details] for an authenticator app showing [appName].
  static Uri totpSetupUri(TotpSetupDetails details, {required String appName}) {
    final native = NativeLibrary.instance;
    final json = allocString(jsonEncode(details.toJson()));
    final app = allocString(appName);
    final out = calloc<Pointer<Utf8>>();
    try {
      final code = native.totpSetupUri(json, app, out);
      if (code != CognitoErrorCode.ok.value) {
        throw AuthBindingException(
            CognitoErrorCode.fromValue(code), 'cognito_totp_setup_uri failed');
      }
      return Uri.parse(native.takeString(out.value));
    } finally {
      freeSecret(json);
      calloc.free(app);
      calloc.free(out);
    }
  }

  /// Verifies the first code of the authenticator app; TOTP is then enabled.
  Future<void> verifyTotpSetup(String totpCode, {String? friendlyDeviceName}) =>
      _call(CognitoOperation.verifyTotpSetup, {
        'code': totpCode,
        if (friendlyDeviceName != null) 'friendlyDeviceName': friendlyDeviceName,
      });

  /// The user's enabled and preferred MFA methods.
  Future<UserMfaPreference> fetchMfaPreference() async =>
      UserMfaPreference.fromJson(await _object(CognitoOperation.fetchMfaPreference));

  /// Changes MFA methods; null leaves a method unchanged.
  Future<void> updateMfaPreference(
          {MfaPreference? sms, MfaPreference? totp, MfaPreference? email}) =>
      _call(CognitoOperation.updateMfaPreference, {
        if (sms != null) 'sms': sms.wireName,
        if (totp != null) 'totp': totp.wireName,
        if (email != null) 'email': email.wireName,
      });

  // -- Account ---------------------------------------------------------------------------------

  /// Registers a user; usually a code must then be confirmed with [confirmSignUp].
  Future<SignUpResult> signUp(
          {required String username,
          required String password,
          Map<String, String>? userAttributes,
          Map<String, String>? clientMetadata,
          bool autoSignIn = false}) async =>
      SignUpResult.fromJson(await _object(CognitoOperation.signUp, {
        'username': username,
        'password': password,
        'options': {
          if (userAttributes != null) 'userAttributes': userAttributes,
          if (clientMetadata != null) 'clientMetadata': clientMetadata,
          if (autoSignIn) 'autoSignIn': true,
        },
      }));

  /// Confirms a sign-up with the code that was sent. After `signUp(autoSignIn: true)` the user
  /// is then signed in too: see [SignUpResult.signIn].
  Future<SignUpResult> confirmSignUp(
          {required String username, required String confirmationCode}) async =>
      SignUpResult.fromJson(await _object(CognitoOperation.confirmSignUp,
          {'username': username, 'confirmationCode': confirmationCode}));

  /// Sends the sign-up code again.
  Future<CodeDeliveryDetails?> resendSignUpCode({required String username}) async =>
      CodeDeliveryDetails.maybe(
          (await _object(CognitoOperation.resendSignUpCode, {'username': username}))[
              'codeDeliveryDetails']);

  /// Sends a password-reset code; then call [confirmResetPassword].
  Future<ResetPasswordResult> resetPassword({required String username}) async {
    final json = await _object(CognitoOperation.resetPassword, {'username': username});
    return ResetPasswordResult(
        codeDeliveryDetails:
            CodeDeliveryDetails.maybe(json['codeDeliveryDetails']));
  }

  /// Sets a new password with the code from [resetPassword].
  Future<void> confirmResetPassword(
          {required String username,
          required String newPassword,
          required String confirmationCode}) =>
      _call(CognitoOperation.confirmResetPassword, {
        'username': username,
        'newPassword': newPassword,
        'confirmationCode': confirmationCode,
      });

  /// Changes the signed-in user's password.
  Future<void> updatePassword(
          {required String oldPassword, required String newPassword}) =>
      _call(CognitoOperation.updatePassword,
          {'oldPassword': oldPassword, 'newPassword': newPassword});

  /// The signed-in user's attributes, by name.
  Future<Map<String, String>> fetchUserAttributes() async {
    final list = await _call(CognitoOperation.fetchUserAttributes) as List<dynamic>;
    return {
      for (final a in list.cast<Map<String, dynamic>>())
        a['name'] as String: a['value'] as String
    };
  }

  /// Updates attributes; changing a verified e-mail or phone number sends a code to confirm
  /// with [confirmUserAttribute]. Returns where codes were sent.
  Future<List<CodeDeliveryDetails>> updateUserAttributes(
      Map<String, String> attributes) async {
    final json = await _object(
        CognitoOperation.updateUserAttributes, {'attributes': attributes});
    return [
      for (final d in json['codeDeliveryDetailsList'] as List<dynamic>)
        CodeDeliveryDetails.fromJson(d as Map<String, dynamic>)
    ];
  }

  /// Sends a verification code for [attributeName] (`email`, `phone_number`).
  Future<CodeDeliveryDetails?> sendUserAttributeVerificationCode(
          String attributeName) async =>
      CodeDeliveryDetails.maybe((await _object(
          CognitoOperation.sendUserAttributeVerificationCode,
          {'attributeName': attributeName}))['codeDeliveryDetails']);

  /// Verifies [attributeName] with the code that was sent.
  Future<void> confirmUserAttribute(
          {required String attributeName, required String confirmationCode}) =>
      _call(CognitoOperation.confirmUserAttribute, {
        'attributeName': attributeName,
        'confirmationCode': confirmationCode,
      });

  /// Deletes attributes of the signed-in user (`custom:team`, `nickname`, ...).
  Future<void> deleteUserAttributes(List<String> attributeNames) =>
      _call(CognitoOperation.deleteUserAttributes,
          {'attributeNames': attributeNames});

  /// Deletes the signed-in user ([UserDeletedEvent]).
  Future<void> deleteUser() => _call(CognitoOperation.deleteUser);

  /// Clears this client's sign-in data on this device (tokens, device secret, a saved sign-in)
  /// without calling Cognito: the way out of [AuthLocalStateUnreadableException]. The user then
  /// signs in again.
  Future<void> resetLocalState() => _call(CognitoOperation.resetLocalState);
}
