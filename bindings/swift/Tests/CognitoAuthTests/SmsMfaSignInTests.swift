// SRP sign-in with SMS MFA: the SRP maths in Rust, the code from the emulator's outbox, the
// tokens back in Swift.
import Testing
import CognitoAuth

@Suite struct SmsMfaSignInTests {
    @Test func signInWithAnSmsCode() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON")
        let alice = uniqueUser("alice")
        try await emulator.user(pool, alice, phone: "+15555550123")
        let auth = try client(pool)

        let started = try await auth.signIn(username: alice, password: password)
        #expect(!started.isSignedIn)
        guard case let .confirmSignInWithSmsMfaCode(details) = started.nextStep else {
            Issue.record("expected the SMS step, got \(started.nextStep)")
            return
        }
        #expect(details.deliveryMedium == .sms)
        let destination = try #require(details.destination)
        #expect(destination.hasSuffix("0123"), "masked, ending in the number's last digits")
        #expect(!destination.contains("555555"), "masked: \(destination)")
        #expect(try await auth.pendingSignInStep() == started.nextStep)

        let done = try await auth.confirmSignIn(value: try await emulator.lastCode(pool, alice))
        #expect(done.isSignedIn)
        #expect(done.nextStep == .done)
        #expect(done.device == nil, "the pool does not track devices")
        #expect(try await auth.pendingSignInStep() == nil)

        let session = try await auth.fetchAuthSession()
        #expect(session.isSignedIn)
        #expect(session.username == alice)
        let tokens = try #require(session.tokens)
        #expect(tokens.accessToken.split(separator: ".").count == 3, "a JWT")
        #expect(try await auth.getCurrentUser().username == alice)

        _ = try await auth.signOut()
        #expect(try await auth.fetchAuthSession().isSignedIn == false)
    }

    @Test func aSignInCanBeCancelled() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON")
        let bob = uniqueUser("bob")
        try await emulator.user(pool, bob)
        let auth = try client(pool)
        _ = try await auth.signIn(username: bob, password: password)
        #expect(try await auth.pendingSignInStep() != nil)
        await auth.cancelSignIn()
        #expect(try await auth.pendingSignInStep() == nil)
        do {
            _ = try await auth.confirmSignIn(value: "123456")
            Issue.record("confirmed a cancelled sign-in")
        } catch AuthError.InvalidState(_, let retryable) {
            #expect(!retryable)
        }
    }

    @Test func signInWithAClientSecret() async throws {
        // The app client has a secret: Rust adds SECRET_HASH to every call, which the emulator
        // checks.
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF", clientSecret: true)
        #expect(pool.clientSecret != nil)
        let carl = uniqueUser("carl")
        try await emulator.user(pool, carl)
        let auth = try client(pool)
        let result = try await auth.signIn(username: carl, password: password)
        #expect(result.isSignedIn)
        #expect(try await auth.fetchAuthSession(forceRefresh: true).isSignedIn)

        // Without the secret, or with another one, Cognito refuses the same client: the hash
        // Rust computed above was really checked.
        for (secret, refusal) in [(nil, "SECRET_HASH was not received"), ("not-the-secret", "Unable to verify secret hash")] {
            var other = pool
            other.clientSecret = secret
            do {
                _ = try await client(other).signIn(username: carl, password: password)
                Issue.record("signed in with client secret \(String(describing: secret))")
            } catch let AuthError.Service(code, _, _, serviceMessage, _) {
                #expect(code == .notAuthorized)
                #expect(serviceMessage.contains(refusal), "\(serviceMessage)")
            }
        }
    }
}
