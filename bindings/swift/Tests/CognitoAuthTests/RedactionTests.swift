// What an app may log shows no secret: every printed form of sessions, tokens, TOTP setup
// details, next steps and configurations — description, debugDescription, string
// interpolation, print, debugPrint and dump (Mirror) — for made-up values and for real ones.
import Foundation
import Testing
import CognitoAuth

/// Every way Swift turns a value into text.
func renderings(_ value: Any) -> [String: String] {
    var printed = ""
    print(value, to: &printed)
    var debugPrinted = ""
    debugPrint(value, to: &debugPrinted)
    var dumped = ""
    dump(value, to: &dumped)
    let mirrored = Mirror(reflecting: value).children
        .map { "\($0.label ?? "_"): \(String(reflecting: $0.value))" }.joined(separator: ", ")
    return [
        "String(describing:)": String(describing: value),
        "String(reflecting:)": String(reflecting: value),
        "interpolation": "\(value)",
        "print": printed,
        "debugPrint": debugPrinted,
        "dump": dumped,
        "Mirror children": mirrored,
    ]
}

/// Checks that no rendering of `value` contains any of `secrets`, and that each shows `visible`
/// (so an empty or useless rendering cannot pass).
func expectRedacted(
    _ value: Any, hiding secrets: [String], showing visible: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for (how, text) in renderings(value) {
        for secret in secrets {
            #expect(!text.contains(secret), "\(how) shows a secret: \(text)", sourceLocation: sourceLocation)
        }
        if how != "Mirror children" {
            #expect(text.contains(visible), "\(how) lacks \(visible): \(text)", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct RedactionTests {
    let accessToken = "eyJhbGciOiJSUzI1NiJ9.ACCESS-SECRET.signature"
    let idToken = "eyJhbGciOiJSUzI1NiJ9.ID-SECRET.signature"
    let totpSecret = "JBSWY3DPEHPK3PXPSECRET"

    @Test func tokensAndSessions() {
        let tokens = AuthTokens(accessToken: accessToken, idToken: idToken, expiresAt: 1_700_000_123)
        let secrets = [accessToken, idToken, "ACCESS-SECRET", "ID-SECRET"]
        expectRedacted(tokens, hiding: secrets, showing: "1700000123")
        let session = AuthSession(isSignedIn: true, username: "alice", userSub: "sub-1", tokens: tokens)
        expectRedacted(session, hiding: secrets, showing: "alice")
        expectRedacted(Optional(session) as Any, hiding: secrets, showing: "alice")
        expectRedacted([session], hiding: secrets, showing: "alice")
    }

    @Test func totpSetupDetailsAndTheNextStepThatCarriesThem() {
        let details = TotpSetupDetails(sharedSecret: totpSecret, username: "heidi")
        expectRedacted(details, hiding: [totpSecret], showing: "heidi")
        let step = SignInNextStep.continueSignInWithTotpSetup(totpSetupDetails: details)
        expectRedacted(step, hiding: [totpSecret], showing: "heidi")
        let result = SignInResult(isSignedIn: false, nextStep: step, device: nil)
        expectRedacted(result, hiding: [totpSecret], showing: "heidi")
    }

    @Test func aConfigurationWithAClientSecret() {
        let secret = "client-secret-1234567890abcdef"
        let config = AuthConfig(
            endpoint: .region("eu-west-1"), userPoolId: "eu-west-1_AbCdEf123", clientId: "client-id",
            clientSecret: secret)
        expectRedacted(config, hiding: [secret], showing: "eu-west-1_AbCdEf123")
    }

    @Test func realTokensAndARealTotpSecret() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OPTIONAL")
        let uma = uniqueUser("uma")
        try await emulator.user(pool, uma, phone: nil)
        let auth = try client(pool)
        _ = try await auth.signIn(username: uma, password: password)
        let session = try await auth.fetchAuthSession()
        let tokens = try #require(session.tokens)
        let idToken = try #require(tokens.idToken)
        expectRedacted(session, hiding: [tokens.accessToken, idToken, "eyJ"], showing: uma)
        expectRedacted(tokens, hiding: [tokens.accessToken, idToken, "eyJ"], showing: "\(tokens.expiresAt)")

        let setup = try await auth.setUpTotp()
        expectRedacted(setup, hiding: [setup.sharedSecret], showing: uma)
        // The fields themselves are there to use.
        #expect(tokens.accessToken.hasPrefix("eyJ"))
        #expect(try Totp.base32Decode(setup.sharedSecret).count >= 16)
    }

    @Test func errorsDoNotRepeatWhatTheUserTyped() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON")
        let vera = uniqueUser("vera")
        try await emulator.user(pool, vera)
        let auth = try client(pool)
        let wrongPassword = "Wr0ng-Secret-Pass!"
        do {
            _ = try await auth.signIn(username: vera, password: wrongPassword)
            Issue.record("a wrong password was accepted")
        } catch {
            expectRedacted(error, hiding: [wrongPassword], showing: "NotAuthorized")
            #expect(!error.localizedDescription.contains(wrongPassword))
        }
        _ = try await auth.signIn(username: vera, password: password)
        let wrongCode = "987654"
        do {
            _ = try await auth.confirmSignIn(value: wrongCode == (try await emulator.lastCode(pool, vera)) ? "123456" : wrongCode)
            Issue.record("a wrong code was accepted")
        } catch {
            expectRedacted(error, hiding: [wrongCode, password], showing: "CodeMismatch")
        }
    }
}
