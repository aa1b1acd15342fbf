/// Amazon Cognito user-pool sign-in for Flutter, backed by the cognito-auth Rust core.
///
/// ```dart
/// final auth = CognitoAuth.create(
///   config: const CognitoAuthConfig(
///       region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: 'app-client-id'),
///   store: myKeychainStore,
/// );
/// final result = await auth.signIn(username: 'alice', password: password);
/// ```
library;

export 'src/cognito_auth.dart' show CognitoAuth;
export 'src/config.dart' show CognitoAuthConfig;
export 'src/exceptions.dart';
export 'src/secret_store.dart' show SecretStore, InMemorySecretStore;
export 'src/sign_in_steps.dart';
export 'src/types.dart';
