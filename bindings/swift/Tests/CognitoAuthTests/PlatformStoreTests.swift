// The default store (no `store:`): the Keychain, through the Rust store of
// platforms/cognito-auth-keychain. Off Apple platforms there is none, and the client is refused
// with AuthError.Storage — never made over memory. And the way out of a store whose records can
// no longer be read: AuthError.LocalStateUnreadable, then resetLocalState().
import Foundation
import Testing
import CognitoAuth

@Suite struct PlatformStoreTests {
    @Test func withoutAStoreTheClientUsesTheKeychainOrSaysWhyItCannot() throws {
        #if canImport(Security)
        // Apple: a Keychain-backed client (what an app gets by default). Not run in CI (Linux).
        _ = try CognitoAuth.client(
            userPoolId: "us-east-1_AbCdEf123", clientId: "client", endpoint: .url("http://127.0.0.1:9"))
        #else
        do {
            _ = try CognitoAuth.client(
                userPoolId: "us-east-1_AbCdEf123", clientId: "client",
                endpoint: .url("http://127.0.0.1:9"))
            Issue.record("a client was made without secure storage")
        } catch let AuthError.Storage(detail, retryable) {
            #expect(detail.contains("Keychain"), "\(detail)")
            #expect(detail.contains("Apple"), "\(detail)")
            #expect(!retryable)
        }
        #endif
    }

    /// A store whose token records can no longer be decrypted (a backup restored elsewhere).
    final class RestoredStore: SecretStore {
        let inner = RecordingStore()
        let unreadable = Locked(false)
        func get(key: String) throws -> String? {
            if unreadable.current, key.hasSuffix("/tokens"), try inner.get(key: key) != nil {
                throw StoreError.Unreadable(detail: "written with a key this device does not have")
            }
            return try inner.get(key: key)
        }
        func set(key: String, value: String) throws { try inner.set(key: key, value: value) }
        func delete(key: String) throws { try inner.delete(key: key) }
    }

    @Test func unreadableRecordsAreATypedErrorAndResettingLetsTheUserBackIn() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let lena = uniqueUser("lena")
        try await emulator.user(pool, lena)
        let store = RestoredStore()
        let auth = try client(pool, store: store)
        #expect(try await auth.signIn(username: lena, password: password).isSignedIn)

        store.unreadable.withValue { $0 = true }
        do {
            _ = try await auth.fetchAuthSession()
            Issue.record("unreadable tokens were not reported")
        } catch let AuthError.LocalStateUnreadable(detail, retryable) {
            #expect(detail.contains("reset"), "\(detail)")
            #expect(!retryable)
        }
        try await auth.resetLocalState()
        #expect(try await auth.fetchAuthSession().isSignedIn == false)
        store.unreadable.withValue { $0 = false }
        #expect(try await auth.signIn(username: lena, password: password).isSignedIn)
    }
}
