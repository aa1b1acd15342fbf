// Hand-written convenience layer over the generated bindings (module CognitoAuthFFI).
import Foundation
@_exported import CognitoAuthFFI

/// Builds an `AuthClient`:
///
/// ```swift
/// let auth = try CognitoAuth.client(
///     userPoolId: "eu-west-1_AbCdEf123", clientId: "app-client-id",
///     endpoint: .region(region: "eu-west-1"),
///     store: KeychainSecretStore(service: "com.example.app.auth"))
/// ```
public enum CognitoAuth {
    /// A client for one app client of a user pool, keeping tokens and device secrets in `store`.
    public static func client(
        userPoolId: String,
        clientId: String,
        endpoint: Endpoint,
        store: SecretStore,
        clientSecret: String? = nil,
        deviceName: String? = nil,
        onEvent: ((AuthEvent) -> Void)? = nil
    ) throws -> AuthClient {
        let config = AuthConfig(
            endpoint: endpoint,
            userPoolId: userPoolId,
            clientId: clientId,
            clientSecret: clientSecret,
            deviceName: deviceName,
            refreshMarginSeconds: nil
        )
        let client = try AuthClient(config: config, store: store)
        if let onEvent {
            client.addListener(listener: ClosureListener(onEvent))
        }
        return client
    }

    /// Forwards the Rust core's log events at `level` and above to `handler` (nil stops).
    /// The core never logs passwords, codes, tokens or device secrets.
    public static func setLogHandler(level: LogLevel, _ handler: ((LogRecord) -> Void)?) throws {
        try setLogger(logger: handler.map(ClosureLogger.init), maxLevel: level)
    }
}

private final class ClosureListener: AuthEventListener, @unchecked Sendable {
    private let handler: (AuthEvent) -> Void
    init(_ handler: @escaping (AuthEvent) -> Void) { self.handler = handler }
    func onAuthEvent(event: AuthEvent) { handler(event) }
}

private final class ClosureLogger: AuthLogger, @unchecked Sendable {
    private let handler: (LogRecord) -> Void
    init(_ handler: @escaping (LogRecord) -> Void) { self.handler = handler }
    func log(record: LogRecord) { handler(record) }
}
