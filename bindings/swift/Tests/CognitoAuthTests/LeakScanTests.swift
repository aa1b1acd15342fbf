// The secret-leak scan of the Swift client (issue 16): every operation on its success and failure
// paths with the core's logs at TRACE; every log record, and the printed form of every result,
// event and error, searched for every secret the run used.
import Foundation
import Testing
import CognitoAuth

/// What the scan saw: log records and printed forms (`String(describing:)`, `localizedDescription`).
final class LeakScan: @unchecked Sendable {
    private var texts: [(kind: String, text: String)] = []
    private let lock = NSLock()

    func record(_ record: LogRecord) {
        add("log record", "\(record.level) \(record.target): \(record.message)")
    }

    /// The printed forms of `value` (of an error also its `debugPrint` form and its
    /// `localizedDescription`).
    func printed(_ value: Any) {
        add("printed form", String(describing: value))
        if let error = value as? Error {
            add("printed form", String(reflecting: error))
            add("printed form", error.localizedDescription)
        }
    }

    private func add(_ kind: String, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        texts.append((kind, text))
    }

    var all: [(kind: String, text: String)] {
        lock.lock()
        defer { lock.unlock() }
        return texts
    }

    /// Whether `text` holds `secret`: anywhere, or for an all-digit secret (a code) as a whole number.
    static func contains(_ text: String, _ secret: String) -> Bool {
        guard secret.allSatisfy(\.isNumber) else { return text.contains(secret) }
        var rest = text[...]
        while let found = rest.range(of: secret) {
            let before = found.lowerBound > text.startIndex ? text[text.index(before: found.lowerBound)] : " "
            let after = found.upperBound < text.endIndex ? text[found.upperBound] : " "
            if !before.isNumber && !after.isNumber { return true }
            rest = text[text.index(after: found.lowerBound)...]
        }
        return false
    }
}

extension EventsAndLoggingTests {
    /// Shorter secrets are not searched for (none of the scan's own secrets is that short).
    static let minSecretLength = 6

    @Test func noSecretInAnyLogRecordResultEventOrError() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(
            mfa: "OPTIONAL", rememberDevices: true, autoVerifyEmail: true, clientSecret: true)
        let scan = LeakScan()
        try CognitoAuth.setLogHandler(level: .trace) { scan.record($0) }
        defer { try? CognitoAuth.setLogHandler(level: .off, nil) }
        let wrongPassword = "Wr0ng-Passw0rd!"
        func wrongCode(_ right: String) -> String { right == "111111" ? "222222" : "111111" }
        func ok<T>(_ body: () async throws -> T) async throws -> T {
            let value = try await body()
            scan.printed(value)
            return value
        }
        func fails<T>(_ body: () async throws -> T) async {
            do {
                let value = try await body()
                Issue.record("expected an error, got \(value)")
            } catch {
                scan.printed(error)
            }
        }

        let kira = uniqueUser("kira")
        try await emulator.user(pool, kira, email: "\(kira)@example.com")
        try await emulator.call("AdminSetUserMFAPreference", [
            "UserPoolId": pool.poolId, "Username": kira,
            "SMSMfaSettings": ["Enabled": true, "PreferredMfa": true],
        ])
        let store = InMemorySecretStore()
        let auth = try client(pool, store: store, onEvent: { scan.printed($0) })

        // Signed out.
        _ = try await ok { try await auth.fetchAuthSession() }
        await fails { try await auth.getCurrentUser() }
        await fails { try await auth.fetchDevices() }
        await fails { try await auth.confirmSignIn(value: "123456") }
        await fails { try await auth.signIn(username: kira, password: wrongPassword) }

        // SMS MFA: a wrong code, then the right one; the device is remembered.
        _ = try await ok { try await auth.signIn(username: kira, password: password) }
        var code = try await emulator.lastCode(pool, kira)
        await fails { try await auth.confirmSignIn(value: wrongCode(code)) }
        let done = try await ok { try await auth.confirmSignIn(value: code) }
        #expect(done.isSignedIn)
        let session = try await ok { try await auth.fetchAuthSession(forceRefresh: true) }
        scan.printed(session.tokens as Any)
        _ = try await ok { try await auth.getCurrentUser() }
        _ = try await ok { try auth.currentDeviceStatus() }
        _ = try await ok { try await auth.fetchDevices() }
        await fails { try await auth.forgetDevice(deviceId: "us-east-1_not-a-device") }
        let deviceKey = try #require(store.keys().first { $0.hasSuffix("/device") })
        let deviceRecord = try #require(try store.get(key: deviceKey))
        let deviceSecret = try #require(
            (try JSONSerialization.jsonObject(with: Data(deviceRecord.utf8)) as? [String: Any])?["device_secret"]
                as? String)

        // TOTP set up with a wrong code, then the right one; preferences.
        let totp = try await ok { try await auth.setUpTotp() }
        let totpCode = try Totp.code(totp.sharedSecret)
        await fails { try await auth.verifyTotpSetup(code: wrongCode(totpCode)) }
        try await ok { try await auth.verifyTotpSetup(code: totpCode, friendlyDeviceName: "phone") }
        _ = try await ok { try await auth.fetchMfaPreference() }
        await fails { try await auth.updateMfaPreference(sms: .preferred, totp: .preferred) }

        // Attributes and passwords.
        _ = try await ok { try await auth.fetchUserAttributes() }
        _ = try await ok { try await auth.updateUserAttributes(attributes: ["email": "\(kira)2@example.com"]) }
        code = try await emulator.lastCode(pool, kira)
        await fails { try await auth.confirmUserAttribute(attributeName: "email", code: wrongCode(code)) }
        try await ok { try await auth.confirmUserAttribute(attributeName: "email", code: code) }
        await fails { try await auth.updatePassword(oldPassword: wrongPassword, newPassword: "Next-Passw0rd!") }
        await fails { try await auth.updatePassword(oldPassword: password, newPassword: "weak") }

        // Offline: the tokens are kept, sign-out still signs out here.
        let offline = try CognitoAuth.client(
            userPoolId: pool.poolId, clientId: pool.clientId, endpoint: .url("http://127.0.0.1:9"),
            store: store, clientSecret: pool.clientSecret, allowInsecureHttp: true)
        await fails { try await offline.fetchAuthSession(forceRefresh: true) }
        _ = try await ok { try await offline.getCurrentUser() }
        _ = try await ok { try await offline.signOut(global: true) }

        // The remembered device replaces MFA; then every way out.
        #expect(try await ok { try await auth.signIn(username: kira, password: password) }.isSignedIn)
        try await ok { try await auth.forgetDevice() }
        _ = try await ok { try await auth.signOut(global: true) }
        await fails { try await auth.fetchUserAttributes() }

        // An account from sign-up (auto sign-in) to deletion, with a password reset.
        let mara = uniqueUser("mara")
        let account = try client(pool)
        let options = SignUpOptions(userAttributes: ["email": "\(mara)@example.com"], autoSignIn: true)
        await fails { try await account.signUp(username: mara, password: "weak", options: options) }
        _ = try await ok { try await account.signUp(username: mara, password: password, options: options) }
        code = try await emulator.lastCode(pool, mara)
        await fails { try await account.confirmSignUp(username: mara, code: wrongCode(code)) }
        #expect(try await ok { try await account.confirmSignUp(username: mara, code: code) }.signIn?.isSignedIn == true)
        _ = try await ok { try await account.resetPassword(username: mara) }
        code = try await emulator.lastCode(pool, mara)
        await fails {
            try await account.confirmResetPassword(username: mara, newPassword: "Reset-Passw0rd!", code: wrongCode(code))
        }
        try await ok { try await account.confirmResetPassword(username: mara, newPassword: "Reset-Passw0rd!", code: code) }
        try await ok { try await account.deleteUser() }

        // The scan: every secret that crossed the emulator's API, and the device secret.
        let answer = try await emulator.hook("GET", "/_emulator/secrets") as? [String: Any]
        #expect(answer?["truncated"] as? Bool == false, "the emulator dropped secrets")
        let secrets = Set((answer?["secrets"] as? [String] ?? []) + [deviceSecret])
        for (what, secret) in [
            ("password", password), ("wrong password", wrongPassword), ("code", code),
            ("access token", session.tokens?.accessToken ?? "-"), ("TOTP secret", totp.sharedSecret),
            ("TOTP code", totpCode), ("client secret", pool.clientSecret ?? "-"),
        ] {
            #expect(secrets.contains(secret), "the \(what) is not searched for")
        }
        let searched = secrets.filter { $0.count >= Self.minSecretLength }
        let texts = scan.all
        var hits = 0
        for (kind, text) in texts {
            for secret in searched where LeakScan.contains(text, secret) {
                hits += 1
                Issue.record("a secret (\(secret.count) characters) in a \(kind)")
            }
        }
        let records = texts.filter { $0.kind == "log record" }.count
        #expect(records > 100 && texts.count - records > 60, "too little scanned")
        #expect(texts.contains { $0.text.contains("operation=RespondToAuthChallenge") }, "no core record")
        print(
            "leak-scan: swift: \(records) log records, \(texts.count - records) printed forms,",
            "\(searched.count) secrets (\(secrets.count - searched.count) shorter than",
            "\(Self.minSecretLength) not searched), \(hits) hits")
    }

    @Test func theScanFindsASecretAndACodeOnlyAsAWholeNumber() {
        #expect(LeakScan.contains("Bearer eyJhbGciOi.x.y;", "eyJhbGciOi.x.y"))
        #expect(LeakScan.contains("code 123456 sent", "123456"))
        #expect(LeakScan.contains("123456", "123456"))
        #expect(!LeakScan.contains("at 1712345678 s", "123456"))
        #expect(!LeakScan.contains("id 9123456", "123456"))
    }
}
