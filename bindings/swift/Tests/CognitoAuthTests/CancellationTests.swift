// Cancelling the Swift Task of a sign-in that is waiting on Cognito leaves the client usable.
//
// What cancellation does (UniFFI 0.32's Swift bindings): the generated async functions do not
// observe Task cancellation, so the Rust future is NOT dropped; the call runs to completion and
// returns its normal result. This test pins that down (if a UniFFI upgrade starts propagating
// cancellation, it fails here and bindings/README.md must be updated), and checks that the
// client then behaves: the pending step is the one the call reached, `cancelSignIn()` abandons
// it, and a new sign-in completes.
import Foundation
import Testing
import CognitoAuth

@Suite struct CancellationTests {
    @Test func cancellingTheTaskOfASignInLeavesTheClientUsable() async throws {
        // A private emulator: the injected delay applies to every call of the operation.
        let emulator = try Emulator.start()
        defer { emulator.stop() }
        let pool = try await emulator.pool(mfa: "ON")
        let nora = uniqueUser("nora")
        try await emulator.user(pool, nora)
        let auth = try client(pool)

        // The PASSWORD_VERIFIER answer waits 1.5 s in the emulator.
        try await emulator.resetCalls()
        try await emulator.fault("RespondToAuthChallenge", delayMs: 1500)
        let started = Date()
        let task = Task { try await auth.signIn(username: nora, password: password) }
        // Cancel once the request is at the emulator (the call log counts it on arrival).
        while try await emulator.calls("RespondToAuthChallenge") == 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        task.cancel()
        let outcome = await task.result
        let elapsed = Date().timeIntervalSince(started)

        let result = try outcome.get()
        #expect(elapsed >= 1.5, "the call ran to completion (\(elapsed) s)")
        guard case .confirmSignInWithSmsMfaCode = result.nextStep else {
            Issue.record("expected the SMS step, got \(result.nextStep)")
            return
        }
        #expect(try await auth.pendingSignInStep() == result.nextStep)

        // The client is usable: abandon that sign-in and start again.
        await auth.cancelSignIn()
        #expect(try await auth.pendingSignInStep() == nil)
        let again = try await auth.signIn(username: nora, password: password)
        guard case .confirmSignInWithSmsMfaCode = again.nextStep else {
            Issue.record("expected the SMS step, got \(again.nextStep)")
            return
        }
        let done = try await auth.confirmSignIn(value: try await emulator.lastCode(pool, nora))
        #expect(done.isSignedIn)
        #expect(try await auth.fetchAuthSession().username == nora)
    }
}
