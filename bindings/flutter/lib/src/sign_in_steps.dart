// The sign-in's next steps, what happened to the device, and the sign-in result, decoded from
// the C API's result JSON (bindings/JSON.md). Names follow Amplify Flutter where it has one.

import 'types.dart';

/// What the app must do next in a sign-in. Switch over the subclasses:
///
/// ```dart
/// switch (result.nextStep) {
///   case ConfirmSignInWithSmsMfaCode(:final codeDeliveryDetails): askForCode(codeDeliveryDetails);
///   case SignInDone(): goHome();
///   default: ...
/// }
/// ```
sealed class AuthNextSignInStep {
  const AuthNextSignInStep();

  factory AuthNextSignInStep.fromJson(Map<String, dynamic> json) {
    List<MfaType> types(String key) => [
          for (final t in (json[key] as List<dynamic>? ?? const []))
            MfaType.fromWire(t as String)
        ];
    return switch (json['signInStep'] as String?) {
      'CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE' => ConfirmSignInWithSmsMfaCode(
          CodeDeliveryDetails.fromJson(
              json['codeDeliveryDetails'] as Map<String, dynamic>)),
      'CONFIRM_SIGN_IN_WITH_TOTP_CODE' => const ConfirmSignInWithTotpCode(),
      'CONFIRM_SIGN_IN_WITH_OTP' => ConfirmSignInWithOtp(
          CodeDeliveryDetails.fromJson(
              json['codeDeliveryDetails'] as Map<String, dynamic>)),
      'CONTINUE_SIGN_IN_WITH_MFA_SELECTION' =>
        ContinueSignInWithMfaSelection(types('allowedMfaTypes')),
      'CONTINUE_SIGN_IN_WITH_TOTP_SETUP' => ContinueSignInWithTotpSetup(
          TotpSetupDetails.fromJson(
              json['totpSetupDetails'] as Map<String, dynamic>)),
      'CONTINUE_SIGN_IN_WITH_EMAIL_MFA_SETUP' =>
        const ContinueSignInWithEmailMfaSetup(),
      'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION' =>
        ContinueSignInWithMfaSetupSelection(types('allowedMfaTypes')),
      'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD' => ConfirmSignInWithNewPassword([
          for (final a in (json['missingAttributes'] as List<dynamic>? ?? const []))
            a as String
        ]),
      'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE' =>
        ConfirmSignInWithCustomChallenge({
          for (final e in ((json['additionalInfo'] as Map<String, dynamic>?) ??
                  const <String, dynamic>{})
              .entries)
            e.key: e.value as String
        }),
      'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION' =>
        ContinueSignInWithFirstFactorSelection([
          for (final f in (json['availableFactors'] as List<dynamic>? ?? const []))
            f as String
        ], unsupportedFactors: [
          for (final f in (json['unsupportedFactors'] as List<dynamic>? ?? const []))
            f as String
        ]),
      'CONFIRM_SIGN_UP' => const ConfirmSignUpBeforeSignIn(),
      'RESET_PASSWORD' => const ResetPasswordBeforeSignIn(),
      'DONE' => const SignInDone(),
      final other => throw FormatException('unknown sign-in step $other'),
    };
  }
}

/// Enter the code sent by SMS: `confirmSignIn(confirmationValue: code)`.
final class ConfirmSignInWithSmsMfaCode extends AuthNextSignInStep {
  const ConfirmSignInWithSmsMfaCode(this.codeDeliveryDetails);
  final CodeDeliveryDetails codeDeliveryDetails;
}

/// Enter the code of the authenticator app.
final class ConfirmSignInWithTotpCode extends AuthNextSignInStep {
  const ConfirmSignInWithTotpCode();
}

/// Enter the one-time code sent by e-mail (or SMS for passwordless sign-in).
final class ConfirmSignInWithOtp extends AuthNextSignInStep {
  const ConfirmSignInWithOtp(this.codeDeliveryDetails);
  final CodeDeliveryDetails codeDeliveryDetails;
}

/// Choose an MFA method: `confirmSignIn(confirmationValue: 'TOTP')`.
final class ContinueSignInWithMfaSelection extends AuthNextSignInStep {
  const ContinueSignInWithMfaSelection(this.allowedMfaTypes);
  final List<MfaType> allowedMfaTypes;
}

/// Set up an authenticator app, then answer with its code.
final class ContinueSignInWithTotpSetup extends AuthNextSignInStep {
  const ContinueSignInWithTotpSetup(this.totpSetupDetails);
  final TotpSetupDetails totpSetupDetails;

  @override
  String toString() => 'ContinueSignInWithTotpSetup($totpSetupDetails)';
}

/// Give an e-mail address for e-mail MFA.
final class ContinueSignInWithEmailMfaSetup extends AuthNextSignInStep {
  const ContinueSignInWithEmailMfaSetup();
}

/// Choose which MFA method to set up.
final class ContinueSignInWithMfaSetupSelection extends AuthNextSignInStep {
  const ContinueSignInWithMfaSetupSelection(this.allowedMfaTypes);
  final List<MfaType> allowedMfaTypes;
}

/// Choose a new password (and give [missingAttributes]).
final class ConfirmSignInWithNewPassword extends AuthNextSignInStep {
  const ConfirmSignInWithNewPassword(this.missingAttributes);
  final List<String> missingAttributes;
}

/// Answer the custom challenge.
final class ConfirmSignInWithCustomChallenge extends AuthNextSignInStep {
  const ConfirmSignInWithCustomChallenge(this.additionalInfo);
  final Map<String, String> additionalInfo;
}

/// Choose the first factor (`PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`, `SMS_OTP`).
final class ContinueSignInWithFirstFactorSelection extends AuthNextSignInStep {
  const ContinueSignInWithFirstFactorSelection(this.availableFactors,
      {this.unsupportedFactors = const []});
  final List<String> availableFactors;

  /// Factors Cognito offered that this library cannot do (`WEB_AUTHN`: passkeys): not
  /// choices, listed so the app can tell the user why they are missing.
  final List<String> unsupportedFactors;
}

/// The user must confirm their sign-up first (Amplify: `confirmSignUp` step).
final class ConfirmSignUpBeforeSignIn extends AuthNextSignInStep {
  const ConfirmSignUpBeforeSignIn();
}

/// The user must reset their password first (Amplify: `resetPassword` step).
final class ResetPasswordBeforeSignIn extends AuthNextSignInStep {
  const ResetPasswordBeforeSignIn();
}

/// Signed in.
final class SignInDone extends AuthNextSignInStep {
  const SignInDone();
}

/// What a sign-in did with this device.
sealed class DeviceOutcome {
  const DeviceOutcome();

  static DeviceOutcome? maybe(Object? json) {
    if (json == null) return null;
    final map = json as Map<String, dynamic>;
    return switch (map['type']) {
      'TRACKED' => DeviceTracked(
          deviceKey: map['deviceKey'] as String,
          status: DeviceStatus.fromWire(map['status'] as String),
          askUserToRemember: map['askUserToRemember'] as bool),
      'NOT_TRACKED' => DeviceNotTracked(map['reason'] as String),
      final other => throw FormatException('unknown device outcome $other'),
    };
  }
}

/// Cognito tracks this device. If [askUserToRemember], ask, then call `rememberDevice()`.
final class DeviceTracked extends DeviceOutcome {
  const DeviceTracked(
      {required this.deviceKey,
      required this.status,
      required this.askUserToRemember});
  final String deviceKey;
  final DeviceStatus status;
  final bool askUserToRemember;
}

/// Confirming the device failed; the sign-in succeeded anyway.
final class DeviceNotTracked extends DeviceOutcome {
  const DeviceNotTracked(this.reason);
  final String reason;
}

/// The outcome of `signIn` / `confirmSignIn`.
final class SignInResult {
  const SignInResult(
      {required this.isSignedIn, required this.nextStep, this.device});

  final bool isSignedIn;
  final AuthNextSignInStep nextStep;
  final DeviceOutcome? device;

  factory SignInResult.fromJson(Map<String, dynamic> json) => SignInResult(
        isSignedIn: json['isSignedIn'] as bool,
        nextStep: AuthNextSignInStep.fromJson(
            json['nextStep'] as Map<String, dynamic>),
        device: DeviceOutcome.maybe(json['device']),
      );
}
