// Hand-written convenience layer over the generated bindings (module CognitoAuthFFI: the core's
// types from CognitoAuthCore.swift, and AuthClient, AuthError and the host protocols from
// CognitoAuthFFI.swift). Compiles on Apple platforms and on Linux.
import Foundation
@_exported import CognitoAuthFFI

/// Builds an `AuthClient`. Tokens and device secrets live in the Keychain, with nothing for the
/// app to write:
///
/// ```swift
/// let auth = try CognitoAuth.client(
///     userPoolId: "eu-west-1_AbCdEf123", clientId: "app-client-id",
///     endpoint: .region("eu-west-1"),
///     onEvent: { event in print(event) })
/// ```
public enum CognitoAuth {
    /// A client for one app client of a user pool.
    ///
    /// Without `store`, tokens and device secrets are generic-password items of the Keychain
    /// (service `keychainService`; in `keychainAccessGroup` to share them with an app extension),
    /// readable after the first unlock so that background refresh works, never synchronised and
    /// never restored to another device (`AfterFirstUnlockThisDeviceOnly`) — the Rust store of
    /// platforms/cognito-auth-keychain. Off Apple platforms there is no Keychain: pass a `store`
    /// (without one the call fails with `AuthError.Storage`, never falling back to memory).
    ///
    /// `onEvent` is called on a Rust thread (post to your own queue or actor); it must be
    /// `@Sendable` for that reason. `refreshMarginSeconds`: tokens are refreshed this long before
    /// they expire (300 by default). `allowInsecureHttp` allows a plain `http://` endpoint on
    /// another machine (a test server; without TLS passwords and tokens can be read on the way);
    /// `http://` to this machine (the local emulator) needs no opt-in. Throws an `AuthError` for
    /// an invalid endpoint.
    public static func client(
        userPoolId: String,
        clientId: String,
        endpoint: Endpoint,
        store: (any SecretStore)? = nil,
        keychainService: String = "cognito-auth",
        keychainAccessGroup: String? = nil,
        clientSecret: String? = nil,
        deviceName: String? = nil,
        refreshMarginSeconds: UInt64 = 300,
        allowInsecureHttp: Bool = false,
        onEvent: (@Sendable (AuthEvent) -> Void)? = nil
    ) throws -> AuthClient {
        let config = AuthConfig(
            endpoint: endpoint,
            userPoolId: userPoolId,
            clientId: clientId,
            clientSecret: clientSecret,
            deviceName: deviceName,
            refreshMarginSeconds: refreshMarginSeconds,
            allowInsecureHttp: allowInsecureHttp
        )
        let client: AuthClient
        if let store {
            client = try AuthClient(config: config, store: store)
        } else {
            client = try AuthClient.withKeychain(
                config: config,
                options: KeychainOptions(service: keychainService, accessGroup: keychainAccessGroup)
            )
        }
        if let onEvent {
            // The id is only needed to remove the listener, which lives as long as the client.
            _ = client.addListener(listener: ClosureListener(onEvent))
        }
        return client
    }

    /// Forwards the Rust core's log events at `level` and above to `handler` (nil stops).
    /// The handler is called on Rust threads. The core never logs passwords, codes, tokens or
    /// device secrets.
    public static func setLogHandler(
        level: LogLevel, _ handler: (@Sendable (LogRecord) -> Void)?
    ) throws {
        try setLogger(logger: handler.map(ClosureLogger.init), maxLevel: level)
    }
}

extension AuthClient {
    /// Adds a closure listener for `AuthEvent`s (called on a Rust thread); returns the id for
    /// `removeListener(id:)`.
    @discardableResult
    public func addListener(_ handler: @escaping @Sendable (AuthEvent) -> Void) -> UInt64 {
        addListener(listener: ClosureListener(handler))
    }
}

/// An `AuthEventListener` over a closure. Sendable (checked): its one stored property is a
/// `@Sendable` closure.
private final class ClosureListener: AuthEventListener {
    private let handler: @Sendable (AuthEvent) -> Void
    init(_ handler: @escaping @Sendable (AuthEvent) -> Void) { self.handler = handler }
    func onAuthEvent(event: AuthEvent) { handler(event) }
}

/// An `AuthLogger` over a closure (Sendable, checked, as above).
private final class ClosureLogger: AuthLogger {
    private let handler: @Sendable (LogRecord) -> Void
    init(_ handler: @escaping @Sendable (LogRecord) -> Void) { self.handler = handler }
    func log(record: LogRecord) { handler(record) }
}
