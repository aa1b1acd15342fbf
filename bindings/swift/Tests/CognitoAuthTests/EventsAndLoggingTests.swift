// Auth events and the core's log lines reach Swift (on Rust threads); secrets never do.
import Foundation
import Testing
import CognitoAuth

// Serialized: the logger is process-wide, so the two tests must not replace each other's.
@Suite(.serialized) struct EventsAndLoggingTests {
    @Test func eventsAndLogsOfASignInADeviceAndASignOut() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON", rememberDevices: true)
        let leo = uniqueUser("leo")
        try await emulator.user(pool, leo)
        let events = Locked<[AuthEvent]>([])
        let logs = Locked<[LogRecord]>([])
        try CognitoAuth.setLogHandler(level: .debug) { logs.append($0) }
        defer { try? CognitoAuth.setLogHandler(level: .off, nil) }

        let auth = try client(pool, onEvent: { events.append($0) })
        let removable = Locked<[AuthEvent]>([])
        let id = auth.addListener { removable.append($0) }
        _ = try await auth.signIn(username: leo, password: password)
        let code = try await emulator.lastCode(pool, leo)
        let done = try await auth.confirmSignIn(value: code)
        guard case let .tracked(deviceKey, _, _) = done.device else {
            Issue.record("no device tracked: \(done)")
            return
        }
        let session = try await auth.fetchAuthSession(forceRefresh: true)
        #expect(auth.removeListener(id: id))
        #expect(!auth.removeListener(id: id), "already removed")
        _ = try await auth.signOut()

        #expect(events.current == [
            .signedIn(username: leo), .deviceRemembered(deviceKey: deviceKey), .tokensRefreshed, .signedOut,
        ])
        #expect(removable.current == [
            .signedIn(username: leo), .deviceRemembered(deviceKey: deviceKey), .tokensRefreshed,
        ], "a removed listener hears nothing more")

        let records = logs.current
        let core = records.filter { $0.target.hasPrefix("cognito_auth_core") }
        #expect(core.contains { $0.level == .debug && $0.message.contains("operation=InitiateAuth") })
        #expect(core.contains { $0.level == .info && $0.message.contains("signed in") })
        // Every record of the run (other tests run in parallel and log too): no secret.
        let accessToken = try #require(session.tokens?.accessToken)
        for record in records {
            #expect(!record.message.contains(password), "password logged: \(record)")
            #expect(!record.message.contains(code), "code logged: \(record)")
            #expect(!record.message.contains(accessToken), "token logged: \(record)")
            #expect(!record.message.contains("eyJ"), "a JWT logged: \(record)")
        }
    }

    @Test func aLogLevelFiltersRecords() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let mia = uniqueUser("mia")
        try await emulator.user(pool, mia)
        let logs = Locked<[LogRecord]>([])
        try CognitoAuth.setLogHandler(level: .info) { logs.append($0) }
        defer { try? CognitoAuth.setLogHandler(level: .off, nil) }
        _ = try await client(pool).signIn(username: mia, password: password)
        let records = logs.current
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { [.error, .warn, .info].contains($0.level) }, "\(records)")
    }
}
