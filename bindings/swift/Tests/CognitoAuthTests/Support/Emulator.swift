// Test support: cognito-emulator processes (one shared by the run, and private ones for tests
// that use the process-wide hooks), pools and users made through its Cognito API, and its test
// hooks (outbox, call log, faults) over real HTTP on 127.0.0.1.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import CognitoAuth

/// The password of every test user.
let password = "Passw0rd!"

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A user pool and app client on an emulator.
struct Pool: Sendable {
    let emulator: Emulator
    let poolId: String
    let clientId: String
    var clientSecret: String? = nil
}

/// One `cognito-emulator` process.
///
/// Its lifetime is tied to this test process: it runs under a small `/bin/sh` watchdog that
/// reads its stdin, a pipe whose only write end this process holds; when this process exits
/// (normally, by a crash or SIGKILL) or `stop()` closes that end, the watchdog sees end of file
/// and kills the emulator (SIGKILL: it has no state worth keeping). So no emulator outlives the
/// test run, and none keeps SwiftPM waiting on an inherited pipe.
final class Emulator: Sendable {
    /// `http://127.0.0.1:PORT`.
    let endpoint: String
    /// The write end of the watchdog's stdin.
    private let lifeline: Int32

    private init(endpoint: String, lifeline: Int32) {
        self.endpoint = endpoint
        self.lifeline = lifeline
    }

    /// The emulator binary: `COGNITO_EMULATOR_BIN` (scripts/test-swift sets it), else the
    /// workspace's `target/debug/cognito-emulator` (`cargo build -p cognito-emulator`).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["COGNITO_EMULATOR_BIN"], !path.isEmpty {
            return path
        }
        // This file is bindings/swift/Tests/CognitoAuthTests/Support/Emulator.swift.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("target/debug/cognito-emulator").path
    }

    /// The emulator shared by every test of the run (started on first use).
    static func shared() throws -> Emulator {
        try sharedEmulator.get()
    }

    /// A private emulator, for a test that uses process-wide hooks (faults, the call log) that
    /// would disturb the tests running in parallel; `stop()` it when done.
    static func start() throws -> Emulator {
        let binary = Emulator.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestSetupError(
                "no emulator at \(binary): run scripts/test-swift, or set COGNITO_EMULATOR_BIN")
        }
        var lifeline: [Int32] = [0, 0]
        guard pipe(&lifeline) == 0 else { throw TestSetupError("pipe() failed") }
        // Only this process may hold the write end: not the watchdog, not later children.
        _ = fcntl(lifeline[1], F_SETFD, FD_CLOEXEC)
        let errorLog = FileManager.default.temporaryDirectory
            .appendingPathComponent("cognito-emulator-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorLog) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", #""$0" "$@" & read _; kill -9 $! 2>/dev/null"#,
            binary, "--host", "127.0.0.1", "--port", "0",
        ]
        let stdout = Pipe()
        process.standardInput = FileHandle(fileDescriptor: lifeline[0], closeOnDealloc: true)
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errorLog)
        do {
            try process.run()
        } catch {
            close(lifeline[1])
            throw error
        }
        // The first line is exactly "listening on http://127.0.0.1:PORT".
        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        let first = String(decoding: output, as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        guard first.hasPrefix("listening on ") else {
            close(lifeline[1])
            let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw TestSetupError("the emulator did not start (first line: \(first)): \(log)")
        }
        return Emulator(endpoint: String(first.dropFirst("listening on ".count)), lifeline: lifeline[1])
    }

    /// Stops the emulator (its watchdog kills it).
    func stop() {
        close(lifeline)
    }

    // MARK: Cognito API

    /// Calls a Cognito operation and expects success.
    @discardableResult
    func call(_ operation: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: endpoint + "/")!)
        request.httpMethod = "POST"
        request.setValue("AWSCognitoIdentityProviderService.\(operation)", forHTTPHeaderField: "X-Amz-Target")
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, status) = try await send(request)
        guard status == 200 else {
            throw TestSetupError("\(operation) failed (\(status)): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// A pool and app client. `mfa`: `OFF`, `ON` or `OPTIONAL` (SMS and TOTP enabled);
    /// `rememberDevices`: every device is remembered and a remembered device replaces MFA;
    /// `firstFactors`: USER_AUTH's allowed first factors; `autoVerifyEmail`: sign-up codes go to
    /// the e-mail address; `clientSecret`: the app client has a secret.
    func pool(
        mfa: String = "ON",
        rememberDevices: Bool = false,
        firstFactors: [String] = ["PASSWORD"],
        autoVerifyEmail: Bool = false,
        clientSecret: Bool = false
    ) async throws -> Pool {
        var body: [String: Any] = [
            "PoolName": "swift",
            "MfaConfiguration": mfa,
            "Policies": ["SignInPolicy": ["AllowedFirstAuthFactors": firstFactors]],
        ]
        if rememberDevices {
            body["DeviceConfiguration"] = [
                "ChallengeRequiredOnNewDevice": true,
                "DeviceOnlyRememberedOnUserPrompt": false,
            ]
        }
        if autoVerifyEmail {
            body["AutoVerifiedAttributes"] = ["email"]
        }
        let created = try await call("CreateUserPool", body)
        guard let poolId = (created["UserPool"] as? [String: Any])?["Id"] as? String else {
            throw TestSetupError("CreateUserPool returned no id: \(created)")
        }
        if mfa != "OFF" {
            try await call("SetUserPoolMfaConfig", [
                "UserPoolId": poolId,
                "MfaConfiguration": mfa,
                "SmsMfaConfiguration": [
                    "SmsConfiguration": ["SnsCallerArn": "arn:aws:iam::123456789012:role/sns"],
                ],
                "SoftwareTokenMfaConfiguration": ["Enabled": true],
            ])
        }
        let client = try await call("CreateUserPoolClient", [
            "UserPoolId": poolId,
            "ClientName": "swift-tests",
            "GenerateSecret": clientSecret,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"],
        ])
        let appClient = client["UserPoolClient"] as? [String: Any] ?? [:]
        guard let clientId = appClient["ClientId"] as? String else {
            throw TestSetupError("CreateUserPoolClient returned no id: \(client)")
        }
        return Pool(
            emulator: self, poolId: poolId, clientId: clientId,
            clientSecret: appClient["ClientSecret"] as? String)
    }

    /// A confirmed user with `password` and, when given, a verified phone number and e-mail.
    func user(
        _ pool: Pool, _ username: String, phone: String? = "+15555550100", email: String? = nil
    ) async throws {
        var attributes: [[String: String]] = []
        if let phone {
            attributes.append(["Name": "phone_number", "Value": phone])
            attributes.append(["Name": "phone_number_verified", "Value": "true"])
        }
        if let email {
            attributes.append(["Name": "email", "Value": email])
            attributes.append(["Name": "email_verified", "Value": "true"])
        }
        try await call("AdminCreateUser", [
            "UserPoolId": pool.poolId, "Username": username,
            "UserAttributes": attributes, "MessageAction": "SUPPRESS",
        ])
        try await call("AdminSetUserPassword", [
            "UserPoolId": pool.poolId, "Username": username, "Password": password, "Permanent": true,
        ])
    }

    // MARK: Test hooks

    /// A hook request; always JSON (`Content-Type: application/json`, as the hooks require).
    func hook(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        var request = URLRequest(url: URL(string: endpoint + path)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        } else if method != "GET" {
            request.httpBody = Data("{}".utf8)
        }
        let (data, status) = try await send(request)
        guard status == 200 else {
            throw TestSetupError("\(method) \(path) failed (\(status)): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: data)
    }

    /// Every message (SMS / e-mail) the emulator sent to `username`, oldest first.
    func messages(_ pool: Pool, _ username: String) async throws -> [[String: Any]] {
        let name = username.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? username
        let list = try await hook("GET", "/_emulator/messages?userPoolId=\(pool.poolId)&username=\(name)")
        return list as? [[String: Any]] ?? []
    }

    /// The newest code sent to `username`.
    func lastCode(_ pool: Pool, _ username: String) async throws -> String {
        guard let code = try await messages(pool, username).last?["code"] as? String else {
            throw TestSetupError("no code was sent to \(username)")
        }
        return code
    }

    /// How many requests of `operation` this emulator received (the call log).
    func calls(_ operation: String) async throws -> Int {
        let answer = try await hook("GET", "/_emulator/calls?operation=\(operation)") as? [String: Any]
        guard let count = answer?["count"] as? Int else {
            throw TestSetupError("bad call-log answer: \(String(describing: answer))")
        }
        return count
    }

    /// Resets the call log.
    func resetCalls() async throws {
        _ = try await hook("DELETE", "/_emulator/calls")
    }

    /// The next `count` calls of `operation` wait `delayMs` (and fail with `error`, if given).
    func fault(_ operation: String, delayMs: Int, error: String? = nil, count: Int = 1) async throws {
        var body: [String: Any] = ["operation": operation, "delayMs": delayMs, "count": count]
        if let error { body["error"] = error }
        _ = try await hook("POST", "/_emulator/faults", body)
    }

    /// Marks `username` as having registered a passkey: USER_AUTH then offers `WEB_AUTHN`.
    func passkey(_ pool: Pool, _ username: String) async throws {
        _ = try await hook("POST", "/_emulator/passkeys", ["userPoolId": pool.poolId, "username": username])
    }

    // MARK: HTTP

    private func send(_ request: URLRequest) async throws -> (Data, Int) {
        let (data, response) = try await URLSession.shared.data(for: request)
        return (data, (response as? HTTPURLResponse)?.statusCode ?? 0)
    }
}

/// An `AuthClient` for `pool` over its emulator.
func client(
    _ pool: Pool,
    store: any SecretStore = InMemorySecretStore(),
    refreshMarginSeconds: UInt64 = 300,
    onEvent: (@Sendable (AuthEvent) -> Void)? = nil
) throws -> AuthClient {
    try CognitoAuth.client(
        userPoolId: pool.poolId, clientId: pool.clientId,
        endpoint: .url(pool.emulator.endpoint), store: store,
        clientSecret: pool.clientSecret,
        deviceName: "swift test device",
        refreshMarginSeconds: refreshMarginSeconds,
        onEvent: onEvent)
}

/// A fresh username per test, so tests never share users.
func uniqueUser(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// The shared emulator, started once (a failure is kept too, so every test reports it).
private let sharedEmulator: Result<Emulator, TestSetupError> = {
    do {
        return .success(try Emulator.start())
    } catch let error as TestSetupError {
        return .failure(error)
    } catch {
        return .failure(TestSetupError("cannot start the emulator: \(error)"))
    }
}()
