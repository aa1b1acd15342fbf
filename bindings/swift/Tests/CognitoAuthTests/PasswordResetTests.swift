// Forgotten password: reset code from the outbox → new password → sign-in with it.
import Testing
import CognitoAuth

@Suite struct PasswordResetTests {
    @Test func resetThePasswordWithACodeAndSignInWithTheNewOne() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let rita = uniqueUser("rita")
        try await emulator.user(pool, rita, phone: nil, email: "\(rita)@example.com")
        let auth = try client(pool)
        let newPassword = "Reset-Passw0rd!"

        let details = try #require(try await auth.resetPassword(username: rita))
        #expect(details.deliveryMedium == .email)
        let destination = try #require(details.destination)
        #expect(destination.contains("***@") && !destination.contains(rita), "masked: \(destination)")
        let sent = try await emulator.messages(pool, rita)
        #expect(sent.last?["purpose"] as? String == "FORGOT_PASSWORD")
        let code = try await emulator.lastCode(pool, rita)

        do {
            try await auth.confirmResetPassword(
                username: rita, newPassword: newPassword, code: code == "000000" ? "111111" : "000000")
            Issue.record("a wrong reset code was accepted")
        } catch let AuthError.Service(code, _, _, _, _) {
            #expect(code == .codeMismatch)
        }
        do {
            try await auth.confirmResetPassword(username: rita, newPassword: "short", code: code)
            Issue.record("a password against the policy was accepted")
        } catch let AuthError.Service(code, exceptionName, _, _, _) {
            #expect(code == .invalidPassword)
            #expect(exceptionName == "InvalidPasswordException")
        }
        try await auth.confirmResetPassword(username: rita, newPassword: newPassword, code: code)

        // The old password no longer works; the new one does.
        do {
            _ = try await auth.signIn(username: rita, password: password)
            Issue.record("the old password still works")
        } catch let AuthError.Service(code, _, _, _, _) {
            #expect(code == .notAuthorized)
        }
        #expect(try await auth.signIn(username: rita, password: newPassword).isSignedIn)

        // And a signed-in user can change it again.
        try await auth.updatePassword(oldPassword: newPassword, newPassword: "Changed-Passw0rd!")
        _ = try await auth.signOut()
        #expect(try await auth.signIn(username: rita, password: "Changed-Passw0rd!").isSignedIn)
    }
}
