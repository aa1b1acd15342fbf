// Errors of the C API (`CognitoErrorCode` + the error JSON) as typed Dart exceptions.

/// The C API's outcome codes (`enum CognitoErrorCode` and the `COGNITO_ERROR_CODE_*` exception
/// constants of cognito_auth.h), by value; checked against the header by
/// bindings/cognito-auth-c/tests/dart_tables.rs.
enum CognitoErrorCode {
  ok(0),
  nullArgument(1),
  invalidUtf8(2),
  invalidJson(3),
  invalidHandle(4),
  unknownStoreRequest(5),
  panic(6),
  runtimeUnavailable(7),
  unknownOperation(8),
  network(10),
  timeout(11),
  invalidResponse(12),
  storage(13),
  invalidState(14),
  invalidInput(15),
  signedOut(16),
  localStateUnreadable(17),
  unsupported(18),
  service(100),
  notAuthorized(101),
  userNotFound(102),
  userNotConfirmed(103),
  passwordResetRequired(104),
  codeMismatch(105),
  expiredCode(106),
  invalidParameter(107),
  invalidPassword(108),
  usernameExists(109),
  aliasExists(110),
  resourceNotFound(111),
  tooManyRequests(112),
  limitExceeded(113),
  tooManyFailedAttempts(114),
  softwareTokenMfaNotFound(115),
  enableSoftwareTokenMfa(116),
  codeDeliveryFailure(117),
  invalidUserPoolConfiguration(118),
  mfaMethodNotFound(119),
  internalError(120),
  unsupportedOperation(121),
  unsupportedTokenType(122),
  userLambdaValidation(123),
  invalidLambdaResponse(124),
  unexpectedLambda(125),
  forbidden(126);

  const CognitoErrorCode(this.value);

  /// The C value.
  final int value;

  /// The code for a C value; unknown values (a newer library) → [service] when ≥ 100, else
  /// [panic].
  static CognitoErrorCode fromValue(int value) {
    for (final code in values) {
      if (code.value == value) return code;
    }
    return value >= 100 ? service : panic;
  }
}

/// Any failure of an auth call. Switch over the subclasses:
///
/// ```dart
/// try { ... } on AuthServiceException catch (e) {
///   if (e.code == CognitoErrorCode.codeMismatch) showWrongCode();
/// }
/// ```
sealed class AuthException implements Exception {
  const AuthException(this.code, this.message, {this.retryable = false});

  /// The C API's error code.
  final CognitoErrorCode code;

  /// What happened and what to do (never contains a secret).
  final String message;

  /// Whether trying the same call again later can succeed.
  final bool retryable;

  /// From the C API's error JSON: `{"code", "kind", "exceptionName", "message",
  /// "serviceMessage", "retryable"}`.
  factory AuthException.fromJson(Map<String, dynamic> json) {
    final code = CognitoErrorCode.fromValue((json['code'] as num?)?.toInt() ?? 6);
    final message = json['message'] as String? ?? '';
    final retryable = json['retryable'] as bool? ?? false;
    switch (json['kind'] as String?) {
      case 'SERVICE':
        return AuthServiceException(code, message,
            exceptionName: json['exceptionName'] as String? ?? '',
            serviceMessage: json['serviceMessage'] as String? ?? '',
            retryable: retryable);
      case 'NETWORK':
        return AuthNetworkException(message);
      case 'TIMEOUT':
        return AuthTimeoutException(message);
      case 'INVALID_RESPONSE':
        return AuthInvalidResponseException(message);
      case 'STORAGE':
        return AuthStorageException(message);
      case 'INVALID_STATE':
        return AuthInvalidStateException(message);
      case 'INVALID_INPUT':
        return AuthInvalidInputException(message);
      case 'SIGNED_OUT':
        return AuthSignedOutException(message);
      case 'LOCAL_STATE_UNREADABLE':
        return AuthLocalStateUnreadableException(message);
      case 'UNSUPPORTED':
        return AuthUnsupportedException(message);
      case 'USAGE':
        return AuthBindingException(code, message);
      default:
        return AuthInternalException(code, message);
    }
  }

  @override
  String toString() => '$runtimeType(${code.name}): $message';
}

/// Cognito answered with an exception ([exceptionName], e.g. `CodeMismatchException`).
final class AuthServiceException extends AuthException {
  const AuthServiceException(super.code, super.message,
      {required this.exceptionName,
      required this.serviceMessage,
      super.retryable});

  /// Cognito's exception name, such as `NotAuthorizedException`.
  final String exceptionName;

  /// Cognito's own message.
  final String serviceMessage;

  @override
  String toString() => 'AuthServiceException($exceptionName): $message';
}

/// Cognito could not be reached.
final class AuthNetworkException extends AuthException {
  const AuthNetworkException(String message)
      : super(CognitoErrorCode.network, message, retryable: true);
}

/// Cognito did not answer in time.
final class AuthTimeoutException extends AuthException {
  const AuthTimeoutException(String message)
      : super(CognitoErrorCode.timeout, message, retryable: true);
}

/// Cognito's answer could not be understood.
final class AuthInvalidResponseException extends AuthException {
  const AuthInvalidResponseException(String message)
      : super(CognitoErrorCode.invalidResponse, message);
}

/// The [SecretStore] failed.
final class AuthStorageException extends AuthException {
  const AuthStorageException(String message)
      : super(CognitoErrorCode.storage, message);
}

/// The call does not fit the current state (e.g. `confirmSignIn` with no sign-in under way).
final class AuthInvalidStateException extends AuthException {
  const AuthInvalidStateException(String message)
      : super(CognitoErrorCode.invalidState, message);
}

/// An argument is invalid; nothing was sent.
final class AuthInvalidInputException extends AuthException {
  const AuthInvalidInputException(String message)
      : super(CognitoErrorCode.invalidInput, message);
}

/// No user is signed in, or the session has ended: sign in again.
final class AuthSignedOutException extends AuthException {
  const AuthSignedOutException(String message)
      : super(CognitoErrorCode.signedOut, message);
}

/// Sign-in data stored on this device can never be read (a backup restored onto another
/// device, a wiped Keystore key): call `CognitoAuth.resetLocalState`, then sign in again.
final class AuthLocalStateUnreadableException extends AuthException {
  const AuthLocalStateUnreadableException(String message)
      : super(CognitoErrorCode.localStateUnreadable, message);
}

/// Cognito asks for something this library cannot do (a passkey, `WEB_AUTHN`, or an unknown
/// challenge): offer the user another way to sign in.
final class AuthUnsupportedException extends AuthException {
  const AuthUnsupportedException(String message)
      : super(CognitoErrorCode.unsupported, message);
}

/// The C API was misused (a bug in this package or a closed client): NULL argument, malformed
/// request JSON, unknown handle.
final class AuthBindingException extends AuthException {
  const AuthBindingException(super.code, super.message);
}

/// The native library failed internally (a panic, or its runtime was shut down).
final class AuthInternalException extends AuthException {
  const AuthInternalException(super.code, super.message);
}
