// Decoding of the C API's JSON into the Dart types. Pure Dart: needs no native library.
// Run: flutter test test/types_test.dart
import 'package:cognito_auth/cognito_auth.dart';
import 'package:flutter_test/flutter_test.dart';

void main() {
  test('SMS MFA step and tracked device', () {
    final result = SignInResult.fromJson({
      'isSignedIn': false,
      'nextStep': {
        'signInStep': 'CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE',
        'codeDeliveryDetails': {
          'destination': '+*******0199',
          'deliveryMedium': 'SMS',
          'attributeName': 'phone_number',
        },
      },
      'device': null,
    });
    expect(result.isSignedIn, isFalse);
    final step = result.nextStep;
    expect(step, isA<ConfirmSignInWithSmsMfaCode>());
    expect((step as ConfirmSignInWithSmsMfaCode).codeDeliveryDetails.deliveryMedium,
        DeliveryMedium.sms);

    final done = SignInResult.fromJson({
      'isSignedIn': true,
      'nextStep': {'signInStep': 'DONE'},
      'device': {
        'type': 'TRACKED',
        'deviceKey': 'us-east-1_abc',
        'status': 'NOT_REMEMBERED',
        'askUserToRemember': true,
      },
    });
    expect(done.nextStep, isA<SignInDone>());
    final device = done.device as DeviceTracked;
    expect(device.status, DeviceStatus.notRemembered);
    expect(device.askUserToRemember, isTrue);
  });

  test('every sign-in step decodes', () {
    const steps = {
      'CONFIRM_SIGN_IN_WITH_TOTP_CODE': ConfirmSignInWithTotpCode,
      'CONTINUE_SIGN_IN_WITH_EMAIL_MFA_SETUP': ContinueSignInWithEmailMfaSetup,
      'CONFIRM_SIGN_UP': ConfirmSignUpBeforeSignIn,
      'RESET_PASSWORD': ResetPasswordBeforeSignIn,
      'DONE': SignInDone,
    };
    steps.forEach((name, type) {
      expect(AuthNextSignInStep.fromJson({'signInStep': name}).runtimeType, type);
    });
    final selection = AuthNextSignInStep.fromJson({
      'signInStep': 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION',
      'allowedMfaTypes': ['SMS', 'TOTP'],
    }) as ContinueSignInWithMfaSelection;
    expect(selection.allowedMfaTypes, [MfaType.sms, MfaType.totp]);
  });

  test('errors become typed exceptions', () {
    final e = AuthException.fromJson({
      'code': 105,
      'kind': 'SERVICE',
      'exceptionName': 'CodeMismatchException',
      'message': 'The code is wrong; check it and try again.',
      'serviceMessage': 'Invalid code provided',
      'retryable': false,
    });
    expect(e, isA<AuthServiceException>());
    expect(e.code, CognitoErrorCode.codeMismatch);
    expect((e as AuthServiceException).exceptionName, 'CodeMismatchException');
    expect(AuthException.fromJson({'code': 16, 'kind': 'SIGNED_OUT', 'message': 'x'}),
        isA<AuthSignedOutException>());
    expect(AuthException.fromJson({'code': 4, 'kind': 'USAGE', 'message': 'x'}),
        isA<AuthBindingException>());
  });

  test('session and devices', () {
    final session = AuthSession.fromJson({
      'isSignedIn': true,
      'username': 'alice',
      'userSub': 'sub',
      'tokens': {'accessToken': 'a', 'idToken': 'i', 'expiresAt': 1700000000},
    });
    expect(session.tokens!.expiresAt.isUtc, isTrue);
    expect(session.tokens.toString(), contains('<redacted>'));
    final device = AuthDevice.fromJson({
      'id': 'k',
      'name': 'Pixel',
      'status': 'REMEMBERED',
      'createdAt': 1700000000.5,
      'lastAuthenticatedAt': null,
      'lastModifiedAt': null,
      'isCurrentDevice': true,
    });
    expect(device.status, DeviceStatus.remembered);
    expect(device.createdAt!.millisecondsSinceEpoch, 1700000000500);
  });

  test('issue 15: sign-out result, auto sign-in, new events and errors, passkeys', () {
    final partial = SignOutResult.fromJson(
        {'globalSignOutError': null, 'revokeTokenError': 'Cannot reach Cognito'});
    expect(partial.isComplete, isFalse);
    expect(SignOutResult.fromJson({}).isComplete, isTrue);
    final signedUp = SignUpResult.fromJson({
      'isSignUpComplete': true,
      'userId': null,
      'nextStep': {'signUpStep': 'DONE'},
      'signIn': {'isSignedIn': true, 'nextStep': {'signInStep': 'DONE'}, 'device': null},
      'autoSignInError': null,
    });
    expect(signedUp.signIn!.isSignedIn, isTrue);
    expect(AuthHubEvent.fromJson({'event': 'TOKEN_REFRESH_FAILED'}),
        isA<TokenRefreshFailedEvent>());
    expect(AuthHubEvent.fromJson({'event': 'USER_DELETED'}), isA<UserDeletedEvent>());
    expect(AuthException.fromJson({'code': 18, 'kind': 'UNSUPPORTED', 'message': 'passkey'}),
        isA<AuthUnsupportedException>());
    final step = AuthNextSignInStep.fromJson({
      'signInStep': 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION',
      'availableFactors': ['PASSWORD_SRP'],
      'unsupportedFactors': ['WEB_AUTHN'],
    }) as ContinueSignInWithFirstFactorSelection;
    expect(step.unsupportedFactors, ['WEB_AUTHN']);
  });

  test('no secret in any printed form', () {
    final session = AuthSession.fromJson({
      'isSignedIn': true,
      'username': 'alice',
      'userSub': 'sub',
      'tokens': {'accessToken': 'ACCESS-SECRET', 'idToken': 'ID-SECRET', 'expiresAt': 1},
    });
    const details = TotpSetupDetails(sharedSecret: 'TOTP-SECRET', username: 'alice');
    const config = CognitoAuthConfig(
        region: 'eu-west-1', userPoolId: 'p', clientId: 'c', clientSecret: 'CLIENT-SECRET');
    for (final printed in [
      session.toString(),
      session.tokens.toString(),
      details.toString(),
      const ContinueSignInWithTotpSetup(details).toString(),
      config.toString(),
    ]) {
      expect(printed, isNot(contains('SECRET')));
    }
  });
}
