// A SecretStore written in Swift, used by Rust for tokens and device secrets; a store that
// throws surfaces as AuthError.Storage.
import Foundation
import Testing
import CognitoAuth

@Suite struct SecretStoreTests {
    @Test func rustWritesTheDeviceSecretAndTokensIntoTheSwiftStore() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON", rememberDevices: true)
        let ivan = uniqueUser("ivan")
        try await emulator.user(pool, ivan)
        let store = RecordingStore()
        let auth = try client(pool, store: store)
        _ = try await auth.signIn(username: ivan, password: password)
        let done = try await auth.confirmSignIn(value: try await emulator.lastCode(pool, ivan))
        guard case let .tracked(deviceKey, _, _) = done.device else {
            Issue.record("no device tracked: \(done)")
            return
        }

        let prefix = storePrefix(pool)
        let device = try store.json("\(prefix)user/\(ivan)/device")
        #expect(device["device_key"] as? String == deviceKey)
        let secret = try #require(device["device_secret"] as? String)
        #expect(secret.count >= 20, "Rust generated and saved the device secret")
        #expect(device["state"] as? String == "remembered")
        let tokens = try store.json("\(prefix)user/\(ivan)/tokens")
        let session = try await auth.fetchAuthSession()
        #expect(tokens["access_token"] as? String == session.tokens?.accessToken)
        #expect(tokens["refresh_token"] as? String != nil)
        #expect(try store.inner.get(key: "\(prefix)current-user") == ivan)
        #expect(store.calls.current.contains("set \(prefix)user/\(ivan)/device"))
        #expect(store.calls.current.contains("get \(prefix)current-user"))

        // Sign-out deletes the tokens and keeps the device.
        _ = try await auth.signOut()
        #expect(store.calls.current.contains("delete \(prefix)user/\(ivan)/tokens"))
        #expect(!store.inner.keys().contains("\(prefix)user/\(ivan)/tokens"))
        #expect(store.inner.keys().contains("\(prefix)user/\(ivan)/device"))
    }

    /// A store whose writes fail, as a locked Keychain does.
    final class LockedStore: SecretStore {
        func get(key: String) throws -> String? { nil }
        func set(key: String, value: String) throws {
            throw StoreError.Failed(detail: "the keychain is locked")
        }
        func delete(key: String) throws {}
    }

    @Test func aThrowingStoreIsAStorageError() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let judy = uniqueUser("judy")
        try await emulator.user(pool, judy)
        let auth = try client(pool, store: LockedStore())
        do {
            _ = try await auth.signIn(username: judy, password: password)
            Issue.record("signed in with a store that cannot write")
        } catch let AuthError.Storage(detail, retryable) {
            #expect(detail.contains("the keychain is locked"), "\(detail)")
            #expect(!retryable)
        }
    }

    struct DiskOnFire: Error, CustomStringConvertible {
        var description: String { "disk on fire" }
    }

    /// A store that throws an error that is not a StoreError.
    final class BrokenStore: SecretStore {
        func get(key: String) throws -> String? { throw DiskOnFire() }
        func set(key: String, value: String) throws {}
        func delete(key: String) throws {}
    }

    @Test func anyOtherSwiftErrorFromTheStoreIsAStorageErrorToo() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let ken = uniqueUser("ken")
        try await emulator.user(pool, ken)
        let auth = try client(pool, store: BrokenStore())
        do {
            _ = try await auth.signIn(username: ken, password: password)
            Issue.record("signed in with a store that cannot read")
        } catch let AuthError.Storage(detail, _) {
            #expect(detail.contains("disk on fire"), "\(detail)")
        }
    }
}
