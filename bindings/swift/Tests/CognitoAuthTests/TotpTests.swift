// TOTP set up after sign-in, then a sign-in answered with a code computed here in Swift
// (RFC 6238, checked against the RFC's own test vectors).
import Foundation
import Testing
import CognitoAuth

@Suite struct TotpTests {
    @Test func sha1AndHmacMatchTheirPublishedVectors() {
        // FIPS 180-2 appendix A.1 and RFC 2202 test case 2.
        #expect(hex(Totp.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            hex(Totp.hmacSha1(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test func rfc6238TestVectors() throws {
        // RFC 6238 appendix B, SHA-1: the ASCII key "12345678901234567890", 8 digits.
        let key = Array("12345678901234567890".utf8)
        let vectors: [(UInt64, String)] = [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
        for (time, expected) in vectors {
            #expect(Totp.code(key: key, at: time, digits: 8) == expected, "T = \(time)")
        }
        // The same key in base32, as authenticator apps get it; 6 digits as Cognito uses.
        #expect(try Totp.base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == key)
        #expect(try Totp.code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at: 59) == "287082")
    }

    @Test func setUpTotpThenSignInWithATotpCode() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OPTIONAL")
        let heidi = uniqueUser("heidi")
        try await emulator.user(pool, heidi, phone: nil)
        let auth = try client(pool)
        #expect(try await auth.signIn(username: heidi, password: password).isSignedIn, "no MFA method yet")

        let setup = try await auth.setUpTotp()
        #expect(setup.username == heidi)
        let key = try Totp.base32Decode(setup.sharedSecret)
        #expect(key.count >= 16, "a real secret")
        let uri = totpSetupUri(details: setup, appName: "Swift Tests")
        #expect(uri == "otpauth://totp/Swift%20Tests:\(heidi)?secret=\(setup.sharedSecret)&issuer=Swift%20Tests")

        // A wrong code is refused; the right one (computed here) verifies the authenticator.
        let right = try Totp.code(setup.sharedSecret)
        do {
            try await auth.verifyTotpSetup(code: right == "000000" ? "111111" : "000000")
            Issue.record("a wrong TOTP code verified the authenticator")
        } catch let AuthError.Service(code, exceptionName, _, _, _) {
            #expect(code == .enableSoftwareTokenMfa)
            #expect(exceptionName == "EnableSoftwareTokenMFAException")
        }
        try await auth.verifyTotpSetup(code: right, friendlyDeviceName: "swift authenticator")
        try await auth.updateMfaPreference(totp: .preferred)
        let preferences = try await auth.fetchMfaPreference()
        #expect(preferences.enabled == [.totp])
        #expect(preferences.preferred == .totp)
        _ = try await auth.signOut()

        let started = try await auth.signIn(username: heidi, password: password)
        #expect(!started.isSignedIn)
        #expect(started.nextStep == .confirmSignInWithTotpCode)
        // A TOTP code is good once (the emulator, like Cognito, refuses the setup code again):
        // sign in with the next window's code, which is accepted one step early.
        let next = try Totp.code(setup.sharedSecret, at: UInt64(Date().timeIntervalSince1970) + 30)
        let done = try await auth.confirmSignIn(value: next)
        #expect(done.isSignedIn)
        #expect(try await auth.getCurrentUser().username == heidi)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
