// A remembered device (device SRP, done in Rust with the secret kept in the Swift store) lets the
// next sign-in skip MFA, also for a new client over the same store (an app restart).
import Testing
import CognitoAuth

@Suite struct RememberedDeviceTests {
    @Test func theDeviceIsRememberedAndTheNextSignInSkipsMfa() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON", rememberDevices: true)
        let frank = uniqueUser("frank")
        try await emulator.user(pool, frank)
        let store = InMemorySecretStore()
        let auth = try client(pool, store: store)

        _ = try await auth.signIn(username: frank, password: password)
        let done = try await auth.confirmSignIn(value: try await emulator.lastCode(pool, frank))
        #expect(done.isSignedIn)
        guard case let .tracked(deviceKey, status, _) = done.device else {
            Issue.record("expected a tracked device, got \(String(describing: done.device))")
            return
        }
        #expect(status == .remembered)
        #expect(try auth.currentDeviceStatus() == .remembered)
        _ = try await auth.signOut()

        let codesBefore = try await emulator.messages(pool, frank).count
        let again = try await auth.signIn(username: frank, password: password)
        #expect(again.isSignedIn, "no MFA step on a remembered device")
        #expect(again.nextStep == .done)
        #expect(try await emulator.messages(pool, frank).count == codesBefore, "no new SMS")

        // A new client over the same store (an app restart) remembers the device too.
        _ = try await auth.signOut()
        let restarted = try client(pool, store: store)
        let third = try await restarted.signIn(username: frank, password: password)
        #expect(third.isSignedIn)
        #expect(try await emulator.messages(pool, frank).count == codesBefore, "no new SMS")
        let current = try await restarted.fetchDevices().filter(\.isCurrentDevice)
        #expect(current.map(\.id) == [deviceKey])
    }

    @Test func aClientWithAnotherStoreIsANewDevice() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON", rememberDevices: true)
        let gina = uniqueUser("gina")
        try await emulator.user(pool, gina)
        let first = try client(pool)
        _ = try await first.signIn(username: gina, password: password)
        _ = try await first.confirmSignIn(value: try await emulator.lastCode(pool, gina))

        // Same user, empty store: a new device, so MFA again.
        let other = try client(pool)
        let started = try await other.signIn(username: gina, password: password)
        #expect(!started.isSignedIn)
        if case .confirmSignInWithSmsMfaCode = started.nextStep {} else {
            Issue.record("expected MFA on a new device, got \(started.nextStep)")
        }
    }
}
