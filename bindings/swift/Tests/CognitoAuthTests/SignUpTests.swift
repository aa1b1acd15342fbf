// Sign-up → confirmation code from the outbox → confirm → sign-in.
import Testing
import CognitoAuth

@Suite struct SignUpTests {
    @Test func signUpConfirmAndSignIn() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF", autoVerifyEmail: true)
        let quinn = uniqueUser("quinn")
        let auth = try client(pool)

        let signedUp = try await auth.signUp(
            username: quinn, password: password,
            options: SignUpOptions(userAttributes: ["email": "\(quinn)@example.com"]))
        #expect(!signedUp.isSignUpComplete)
        #expect(signedUp.userId != nil, "the new user's sub")
        guard case let .confirmSignUp(details) = signedUp.nextStep else {
            Issue.record("expected a confirmation step, got \(signedUp.nextStep)")
            return
        }
        #expect(details?.deliveryMedium == .email)
        let destination = try #require(details?.destination)
        #expect(destination.hasPrefix("q") && destination.contains("***@"), "masked: \(destination)")
        #expect(!destination.contains(quinn) && !destination.contains("example.com"), "masked: \(destination)")
        let sent = try await emulator.messages(pool, quinn)
        #expect(sent.count == 1)
        #expect(sent.first?["purpose"] as? String == "SIGN_UP")

        // The name is taken now; an unconfirmed user is told to confirm.
        do {
            _ = try await auth.signUp(username: quinn, password: password)
            Issue.record("the same username signed up twice")
        } catch let AuthError.Service(code, exceptionName, _, _, _) {
            #expect(code == .usernameExists)
            #expect(exceptionName == "UsernameExistsException")
        }
        let early = try await auth.signIn(username: quinn, password: password)
        #expect(!early.isSignedIn)
        #expect(early.nextStep == .confirmSignUp)

        // A resent code replaces the first; a wrong code is refused.
        let resent = try await auth.resendSignUpCode(username: quinn)
        #expect(resent?.deliveryMedium == .email)
        let code = try await emulator.lastCode(pool, quinn)
        #expect(try await emulator.messages(pool, quinn).count == 2)
        do {
            _ = try await auth.confirmSignUp(username: quinn, code: code == "000000" ? "111111" : "000000")
            Issue.record("a wrong sign-up code was accepted")
        } catch let AuthError.Service(code, _, _, _, _) {
            #expect(code == .codeMismatch)
        }
        let confirmed = try await auth.confirmSignUp(username: quinn, code: code)
        #expect(confirmed.isSignUpComplete)
        #expect(confirmed.nextStep == .done)

        let signedIn = try await auth.signIn(username: quinn, password: password)
        #expect(signedIn.isSignedIn)
        #expect(try await auth.getCurrentUser().username == quinn)
        let attributes = try await auth.fetchUserAttributes()
        #expect(attributes.contains(UserAttribute(name: "email", value: "\(quinn)@example.com")))
        #expect(attributes.contains(UserAttribute(name: "email_verified", value: "true")))
    }
}
