// Where the user pool is and how the client behaves: the core's `AuthConfig`
// (bindings/JSON.md, "Configuration").

/// Where the user pool is, and which app client signs in.
final class CognitoAuthConfig {
  const CognitoAuthConfig({
    this.region,
    this.endpoint,
    required this.userPoolId,
    required this.clientId,
    this.clientSecret,
    this.deviceName,
    this.refreshMarginSeconds,
    this.allowInsecureHttp = false,
  }) : assert((region == null) != (endpoint == null),
            'give exactly one of region and endpoint');

  /// The AWS region (`eu-west-1`).
  final String? region;

  /// A custom endpoint instead of the region's, such as a local emulator
  /// (`http://127.0.0.1:9229`).
  final String? endpoint;
  final String userPoolId;
  final String clientId;

  /// For app clients with a secret (not recommended in mobile apps).
  final String? clientSecret;

  /// The name `ConfirmDevice` gives this device (default: the platform's).
  final String? deviceName;

  /// Tokens are refreshed this many seconds before they expire (default 300).
  final int? refreshMarginSeconds;

  /// Allows a plain `http://` [endpoint] on another machine (a test server). Off by default:
  /// without TLS, passwords and tokens can be read on the way. `http://` to this machine (the
  /// local emulator) needs no opt-in.
  final bool allowInsecureHttp;

  /// Never prints the client secret.
  @override
  String toString() =>
      'CognitoAuthConfig(${region ?? endpoint}, userPoolId: $userPoolId, clientId: $clientId, '
      'clientSecret: ${clientSecret == null ? null : '<redacted>'})';

  /// The core's `AuthConfig` in its JSON encoding.
  Map<String, Object> toJson() => {
        'endpoint': region != null ? {'region': region!} : {'url': endpoint!},
        'userPoolId': userPoolId,
        'clientId': clientId,
        if (clientSecret != null) 'clientSecret': clientSecret!,
        if (deviceName != null) 'deviceName': deviceName!,
        if (refreshMarginSeconds != null)
          'refreshMarginSeconds': refreshMarginSeconds!,
        if (allowInsecureHttp) 'allowInsecureHttp': true,
      };
}
