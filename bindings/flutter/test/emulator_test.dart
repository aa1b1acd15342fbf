// The Dart package end to end against a local cognito-emulator, over the host build of the
// native library (desktop: Linux / macOS / Windows). Skipped unless both are given:
//
//   cargo build -p cognito-auth-c -p cognito-emulator
//   target/debug/cognito-emulator --host 127.0.0.1 --port 0   # prints: listening on http://...
//   COGNITO_AUTH_LIBRARY=$PWD/target/debug/libcognito_auth_c.so \
//   COGNITO_EMULATOR_URL=http://127.0.0.1:PORT \
//     flutter test bindings/flutter/test/emulator_test.dart
import 'dart:convert';
import 'dart:io';

import 'package:cognito_auth/cognito_auth.dart';
import 'package:flutter_test/flutter_test.dart';

final _url = Platform.environment['COGNITO_EMULATOR_URL'];
final _skip = _url == null || Platform.environment['COGNITO_AUTH_LIBRARY'] == null
    ? 'set COGNITO_AUTH_LIBRARY and COGNITO_EMULATOR_URL'
    : null;

Future<Map<String, dynamic>> _admin(String operation, Map<String, Object?> body) async {
  final client = HttpClient();
  try {
    final request = await client.postUrl(Uri.parse('$_url/'));
    request.headers
      ..set('Content-Type', 'application/x-amz-json-1.1')
      ..set('X-Amz-Target', 'AWSCognitoIdentityProviderService.$operation');
    request.write(jsonEncode(body));
    final response = await request.close();
    final text = await response.transform(utf8.decoder).join();
    return text.trim().isEmpty ? {} : jsonDecode(text) as Map<String, dynamic>;
  } finally {
    client.close();
  }
}

Future<List<dynamic>> _messages(String pool, String user) async {
  final client = HttpClient();
  try {
    final request = await client.getUrl(
        Uri.parse('$_url/_emulator/messages?userPoolId=$pool&username=$user'));
    final response = await request.close();
    return jsonDecode(await response.transform(utf8.decoder).join()) as List<dynamic>;
  } finally {
    client.close();
  }
}

void main() {
  test('SMS MFA, wrong code, remembered device skips MFA, devices', () async {
    const user = 'dart-user', password = 'Correct-Horse-9!';
    final pool = (await _admin('CreateUserPool', {
      'PoolName': 'dart',
      'MfaConfiguration': 'ON',
      'DeviceConfiguration': {
        'ChallengeRequiredOnNewDevice': true,
        'DeviceOnlyRememberedOnUserPrompt': true,
      },
    }))['UserPool']['Id'] as String;
    await _admin('SetUserPoolMfaConfig', {
      'UserPoolId': pool,
      'MfaConfiguration': 'ON',
      'SmsMfaConfiguration': {
        'SmsConfiguration': {'SnsCallerArn': 'arn:aws:iam::123456789012:role/sns'}
      },
    });
    final clientId = (await _admin('CreateUserPoolClient', {
      'UserPoolId': pool,
      'ClientName': 'dart',
      'ExplicitAuthFlows': ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }))['UserPoolClient']['ClientId'] as String;
    await _admin('AdminCreateUser', {
      'UserPoolId': pool,
      'Username': user,
      'MessageAction': 'SUPPRESS',
      'UserAttributes': [
        {'Name': 'phone_number', 'Value': '+15555550177'},
        {'Name': 'phone_number_verified', 'Value': 'true'},
      ],
    });
    await _admin('AdminSetUserPassword',
        {'UserPoolId': pool, 'Username': user, 'Password': password, 'Permanent': true});

    final store = InMemorySecretStore(); // a Dart store, called through the vtable
    final auth = CognitoAuth.create(
        config: CognitoAuthConfig(endpoint: _url, userPoolId: pool, clientId: clientId),
        store: store);
    final events = <AuthHubEvent>[];
    final subscription = auth.events.listen(events.add);

    var result = await auth.signIn(username: user, password: password);
    expect(result.nextStep, isA<ConfirmSignInWithSmsMfaCode>());
    await expectLater(
        auth.confirmSignIn(confirmationValue: '000000'),
        throwsA(isA<AuthServiceException>()
            .having((e) => e.code, 'code', CognitoErrorCode.codeMismatch)));
    final code = (await _messages(pool, user)).last['code'] as String;
    result = await auth.confirmSignIn(confirmationValue: code);
    expect(result.isSignedIn, isTrue);
    expect(store.values.keys.any((k) => k.endsWith('/device')), isTrue);

    await auth.rememberDevice();
    expect(await auth.currentDeviceStatus(), DeviceStatus.remembered);
    await auth.signOut();
    final sent = (await _messages(pool, user)).length;
    result = await auth.signIn(username: user, password: password);
    expect(result.isSignedIn, isTrue);
    expect((await _messages(pool, user)).length, sent);

    final devices = await auth.fetchDevices();
    expect(devices.single.isCurrentDevice, isTrue);
    await auth.forgetDevice();
    expect(await auth.fetchDevices(), isEmpty);
    expect(events.whereType<SignedInEvent>(), isNotEmpty);

    await subscription.cancel();
    await auth.close();
  }, skip: _skip);
}
