// Choice-based sign-in (USER_AUTH) with an e-mailed one-time password as the first factor:
// no password, and no MFA after it even though the pool requires MFA.
import Testing
import CognitoAuth

@Suite struct EmailOtpTests {
    private func otpPool() async throws -> (Pool, String) {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON", firstFactors: ["PASSWORD", "EMAIL_OTP"])
        let vic = uniqueUser("vic")
        try await emulator.user(pool, vic, phone: "+15555550111", email: "\(vic)@example.com")
        return (pool, vic)
    }

    @Test func signInWithAnEmailOtpAsThePreferredFirstFactor() async throws {
        let (pool, vic) = try await otpPool()
        let auth = try client(pool)
        let started = try await auth.signIn(
            username: vic, password: nil,
            options: SignInOptions(authFlow: .userAuth(preferredFirstFactor: .emailOtp)))
        #expect(!started.isSignedIn)
        guard case let .confirmSignInWithOtp(details) = started.nextStep else {
            Issue.record("expected a one-time code step, got \(started.nextStep)")
            return
        }
        #expect(details.deliveryMedium == .email)
        let destination = try #require(details.destination)
        #expect(destination.contains("***@") && !destination.contains(vic), "masked: \(destination)")
        let sent = try await pool.emulator.messages(pool, vic)
        #expect(sent.count == 1)
        #expect(sent.first?["channel"] as? String == "EMAIL")
        #expect(sent.first?["purpose"] as? String == "SIGN_IN")

        let done = try await auth.confirmSignIn(value: try await pool.emulator.lastCode(pool, vic))
        #expect(done.isSignedIn, "the one-time code replaces MFA")
        #expect(try await pool.emulator.messages(pool, vic).count == 1, "no SMS MFA code was sent")
        #expect(try await auth.fetchAuthSession().username == vic)
    }

    @Test func chooseEmailOtpFromTheOfferedFirstFactors() async throws {
        let (pool, vic) = try await otpPool()
        let auth = try client(pool)
        let started = try await auth.signIn(
            username: vic, password: password,
            options: SignInOptions(authFlow: .userAuth(preferredFirstFactor: nil)))
        guard case let .continueSignInWithFirstFactorSelection(factors, unsupported) = started.nextStep else {
            Issue.record("expected a first-factor choice, got \(started.nextStep)")
            return
        }
        #expect(Set(factors) == [.password, .passwordSrp, .emailOtp], "no SMS_OTP: the pool does not allow it")
        #expect(unsupported.isEmpty, "no passkey registered: \(unsupported)")
        do {
            _ = try await auth.confirmSignIn(value: "FINGERPRINT")
            Issue.record("a factor that was not offered was accepted")
        } catch AuthError.InvalidInput(let detail, _) {
            #expect(!detail.isEmpty)
        }

        let otp = try await auth.confirmSignIn(value: "EMAIL_OTP")
        guard case .confirmSignInWithOtp = otp.nextStep else {
            Issue.record("expected a one-time code step, got \(otp.nextStep)")
            return
        }
        let done = try await auth.confirmSignIn(value: try await pool.emulator.lastCode(pool, vic))
        #expect(done.isSignedIn)
    }
}
