// Results and next steps, decoded from the C API's result JSON (field names as in
// bindings/cognito-auth-c/README.md). Names follow Amplify Flutter where it has one.

import 'sign_in_steps.dart';

/// How a code was delivered.
enum DeliveryMedium { sms, email, unknown }

/// An MFA method.
enum MfaType {
  sms('SMS'),
  totp('TOTP'),
  email('EMAIL');

  const MfaType(this.wireName);

  /// The name in the C API's JSON.
  final String wireName;

  static MfaType fromWire(String name) =>
      values.firstWhere((t) => t.wireName == name,
          orElse: () => throw FormatException('unknown MFA type $name'));
}

/// A change to one MFA method, for `updateMfaPreference`.
enum MfaPreference {
  enabled('ENABLED'),
  disabled('DISABLED'),
  preferred('PREFERRED'),
  notPreferred('NOT_PREFERRED');

  const MfaPreference(this.wireName);

  /// The name in the C API's JSON.
  final String wireName;
}

/// A device's standing with Cognito.
enum DeviceStatus {
  remembered('REMEMBERED'),
  notRemembered('NOT_REMEMBERED'),
  forgotten('FORGOTTEN'),
  notTracked('NOT_TRACKED');

  const DeviceStatus(this.wireName);

  /// The name in the C API's JSON.
  final String wireName;

  static DeviceStatus fromWire(String name) =>
      values.firstWhere((s) => s.wireName == name,
          orElse: () => throw FormatException('unknown device status $name'));
}

/// Where a code went.
final class CodeDeliveryDetails {
  const CodeDeliveryDetails(
      {this.destination, required this.deliveryMedium, this.attributeName});

  /// The masked destination (`+*******0199`).
  final String? destination;
  final DeliveryMedium deliveryMedium;

  /// The attribute it went to (`phone_number`, `email`).
  final String? attributeName;

  factory CodeDeliveryDetails.fromJson(Map<String, dynamic> json) =>
      CodeDeliveryDetails(
        destination: json['destination'] as String?,
        deliveryMedium: switch (json['deliveryMedium']) {
          'SMS' => DeliveryMedium.sms,
          'EMAIL' => DeliveryMedium.email,
          _ => DeliveryMedium.unknown,
        },
        attributeName: json['attributeName'] as String?,
      );

  static CodeDeliveryDetails? maybe(Object? json) => json == null
      ? null
      : CodeDeliveryDetails.fromJson(json as Map<String, dynamic>);

  @override
  String toString() =>
      'CodeDeliveryDetails($destination, ${deliveryMedium.name}, $attributeName)';
}

/// The secret of a TOTP authenticator being set up. [toString] does not print the secret.
final class TotpSetupDetails {
  const TotpSetupDetails({required this.sharedSecret, required this.username});

  final String sharedSecret;
  final String username;

  factory TotpSetupDetails.fromJson(Map<String, dynamic> json) =>
      TotpSetupDetails(
          sharedSecret: json['sharedSecret'] as String,
          username: json['username'] as String);

  Map<String, dynamic> toJson() =>
      {'sharedSecret': sharedSecret, 'username': username};

  @override
  String toString() => 'TotpSetupDetails(username: $username, sharedSecret: <redacted>)';
}

/// The signed-in user's tokens. [toString] does not print them.
final class AuthTokens {
  const AuthTokens(
      {required this.accessToken, this.idToken, required this.expiresAt});

  final String accessToken;
  final String? idToken;
  final DateTime expiresAt;

  @override
  String toString() => 'AuthTokens(expiresAt: $expiresAt, <redacted>)';
}

/// The session: who is signed in, with fresh tokens (`fetchAuthSession`).
final class AuthSession {
  const AuthSession(
      {required this.isSignedIn, this.username, this.userSub, this.tokens});

  final bool isSignedIn;
  final String? username;
  final String? userSub;
  final AuthTokens? tokens;

  @override
  String toString() =>
      'AuthSession(isSignedIn: $isSignedIn, username: $username, userSub: $userSub, '
      'tokens: ${tokens == null ? null : '<redacted>'})';

  factory AuthSession.fromJson(Map<String, dynamic> json) {
    final tokens = json['tokens'] as Map<String, dynamic>?;
    return AuthSession(
      isSignedIn: json['isSignedIn'] as bool,
      username: json['username'] as String?,
      userSub: json['userSub'] as String?,
      tokens: tokens == null
          ? null
          : AuthTokens(
              accessToken: tokens['accessToken'] as String,
              idToken: tokens['idToken'] as String?,
              expiresAt: DateTime.fromMillisecondsSinceEpoch(
                  (tokens['expiresAt'] as num).toInt() * 1000,
                  isUtc: true)),
    );
  }
}

/// A device of the user (`fetchDevices`).
final class AuthDevice {
  const AuthDevice(
      {required this.id,
      this.name,
      required this.status,
      this.createdAt,
      this.lastAuthenticatedAt,
      this.lastModifiedAt,
      required this.isCurrentDevice});

  final String id;
  final String? name;
  final DeviceStatus status;
  final DateTime? createdAt;
  final DateTime? lastAuthenticatedAt;
  final DateTime? lastModifiedAt;
  final bool isCurrentDevice;

  static DateTime? _time(Object? seconds) => seconds == null
      ? null
      : DateTime.fromMillisecondsSinceEpoch(
          ((seconds as num) * 1000).round(),
          isUtc: true);

  factory AuthDevice.fromJson(Map<String, dynamic> json) => AuthDevice(
        id: json['id'] as String,
        name: json['name'] as String?,
        status: DeviceStatus.fromWire(json['status'] as String),
        createdAt: _time(json['createdAt']),
        lastAuthenticatedAt: _time(json['lastAuthenticatedAt']),
        lastModifiedAt: _time(json['lastModifiedAt']),
        isCurrentDevice: json['isCurrentDevice'] as bool,
      );
}

/// The user's MFA methods (`fetchMfaPreference`).
final class UserMfaPreference {
  const UserMfaPreference({required this.enabled, this.preferred});

  final Set<MfaType> enabled;
  final MfaType? preferred;

  factory UserMfaPreference.fromJson(Map<String, dynamic> json) =>
      UserMfaPreference(
        enabled: {
          for (final t in json['enabled'] as List<dynamic>)
            MfaType.fromWire(t as String)
        },
        preferred: json['preferred'] == null
            ? null
            : MfaType.fromWire(json['preferred'] as String),
      );
}

/// What to do after `signUp` / `confirmSignUp`.
sealed class AuthNextSignUpStep {
  const AuthNextSignUpStep();
}

/// Ask for the code that was sent, then call `confirmSignUp`.
final class ConfirmSignUpWithCode extends AuthNextSignUpStep {
  const ConfirmSignUpWithCode(this.codeDeliveryDetails);
  final CodeDeliveryDetails? codeDeliveryDetails;
}

/// Confirmed: the user can sign in.
final class SignUpDone extends AuthNextSignUpStep {
  const SignUpDone();
}

/// The outcome of `signUp` / `confirmSignUp`.
final class SignUpResult {
  const SignUpResult(
      {required this.isSignUpComplete,
      this.userId,
      required this.nextStep,
      this.signIn,
      this.autoSignInError});

  final bool isSignUpComplete;
  final String? userId;
  final AuthNextSignUpStep nextStep;

  /// With `autoSignIn`, once confirmed: the sign-in that followed (its `nextStep` may still ask
  /// for something; answer it with `confirmSignIn`).
  final SignInResult? signIn;

  /// With `autoSignIn`: why the sign-in after the confirmation failed (the user is confirmed
  /// and can sign in with the password).
  final String? autoSignInError;

  factory SignUpResult.fromJson(Map<String, dynamic> json) {
    final next = json['nextStep'] as Map<String, dynamic>;
    final signIn = json['signIn'];
    return SignUpResult(
      isSignUpComplete: json['isSignUpComplete'] as bool,
      userId: json['userId'] as String?,
      nextStep: next['signUpStep'] == 'DONE'
          ? const SignUpDone()
          : ConfirmSignUpWithCode(
              CodeDeliveryDetails.maybe(next['codeDeliveryDetails'])),
      signIn: signIn == null
          ? null
          : SignInResult.fromJson(signIn as Map<String, dynamic>),
      autoSignInError: json['autoSignInError'] as String?,
    );
  }
}

/// What `signOut` could not do on the server; the local sign-out always happened.
final class SignOutResult {
  const SignOutResult({this.globalSignOutError, this.revokeTokenError});

  /// Why `GlobalSignOut` failed: the other devices stay signed in until their tokens expire.
  final String? globalSignOutError;

  /// Why the refresh token could not be revoked: it stays valid until it expires.
  final String? revokeTokenError;

  /// Whether everything was also done on the server.
  bool get isComplete => globalSignOutError == null && revokeTokenError == null;

  factory SignOutResult.fromJson(Map<String, dynamic> json) => SignOutResult(
        globalSignOutError: json['globalSignOutError'] as String?,
        revokeTokenError: json['revokeTokenError'] as String?,
      );

  @override
  String toString() => 'SignOutResult(complete: $isComplete)';
}

/// The outcome of `resetPassword`: a code was sent; call `confirmResetPassword`.
final class ResetPasswordResult {
  const ResetPasswordResult({this.codeDeliveryDetails});

  /// Always false: the password changes at `confirmResetPassword`.
  bool get isPasswordReset => false;
  final CodeDeliveryDetails? codeDeliveryDetails;
}

/// The signed-in user (`getCurrentUser`).
final class AuthUser {
  const AuthUser({required this.username, this.userId});

  final String username;

  /// The user's `sub`.
  final String? userId;
}

/// Auth events (`CognitoAuth.events`), delivered on the isolate that created the client.
sealed class AuthHubEvent {
  const AuthHubEvent();

  factory AuthHubEvent.fromJson(Map<String, dynamic> json) =>
      switch (json['event']) {
        'SIGNED_IN' => SignedInEvent(json['username'] as String),
        'SIGNED_OUT' => const SignedOutEvent(),
        'SESSION_EXPIRED' => const SessionExpiredEvent(),
        'TOKENS_REFRESHED' => const TokensRefreshedEvent(),
        'DEVICE_REMEMBERED' => DeviceRememberedEvent(json['deviceKey'] as String),
        'DEVICE_FORGOTTEN' => DeviceForgottenEvent(json['deviceKey'] as String),
        'TOKEN_REFRESH_FAILED' => const TokenRefreshFailedEvent(),
        'USER_DELETED' => const UserDeletedEvent(),
        final other => throw FormatException('unknown event $other'),
      };
}

final class SignedInEvent extends AuthHubEvent {
  const SignedInEvent(this.username);
  final String username;
}

final class SignedOutEvent extends AuthHubEvent {
  const SignedOutEvent();
}

final class SessionExpiredEvent extends AuthHubEvent {
  const SessionExpiredEvent();
}

final class TokensRefreshedEvent extends AuthHubEvent {
  const TokensRefreshedEvent();
}

final class DeviceRememberedEvent extends AuthHubEvent {
  const DeviceRememberedEvent(this.deviceKey);
  final String deviceKey;
}

final class DeviceForgottenEvent extends AuthHubEvent {
  const DeviceForgottenEvent(this.deviceKey);
  final String deviceKey;
}

/// The tokens could not be refreshed (offline, throttled, a server error); they are kept and
/// the user is still signed in. A rejected refresh token is [SessionExpiredEvent] instead.
final class TokenRefreshFailedEvent extends AuthHubEvent {
  const TokenRefreshFailedEvent();
}

/// The user deleted their account (`deleteUser`).
final class UserDeletedEvent extends AuthHubEvent {
  const UserDeletedEvent();
}
