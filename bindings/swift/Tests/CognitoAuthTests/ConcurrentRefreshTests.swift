// 50 concurrent tasks ask for the session while the tokens are expired: the core refreshes once
// and every task gets the refreshed tokens. The refresh calls are counted by the emulator (its
// call log), so the test counts real HTTP calls, not callbacks.
import Foundation
import Testing
import CognitoAuth

@Suite struct ConcurrentRefreshTests {
    @Test func fiftyConcurrentFetchesWithExpiredTokensMakeOneRefreshCall() async throws {
        // A private emulator: the call log counts the calls of every test using the emulator.
        let emulator = try Emulator.start()
        defer { emulator.stop() }
        let pool = try await emulator.pool(mfa: "OFF")
        let paul = uniqueUser("paul")
        try await emulator.user(pool, paul)
        let store = RecordingStore()
        let refreshed = Locked(0)
        let auth = try client(pool, store: store, onEvent: { event in
            if event == .tokensRefreshed { refreshed.withValue { $0 += 1 } }
        })
        #expect(try await auth.signIn(username: paul, password: password).isSignedIn)
        let old = try #require(try await auth.fetchAuthSession().tokens)

        // Expire the stored tokens: the app comes back an hour later. (The client refreshes when
        // `expires_at` is within the refresh margin; rewriting it in the store is exactly what an
        // hour of waiting would produce, without waiting.)
        let key = "\(storePrefix(pool))user/\(paul)/tokens"
        var stored = try store.json(key)
        let now = UInt64(Date().timeIntervalSince1970)
        stored["expires_at"] = now - 3600
        try store.setJSON(key, stored)
        #expect(try await emulator.calls("GetTokensFromRefreshToken") == 0)
        try await emulator.resetCalls()

        let sessions = try await withThrowingTaskGroup(of: AuthSession.self) { group in
            for _ in 0..<50 {
                group.addTask { try await auth.fetchAuthSession() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(sessions.count == 50)
        #expect(sessions.allSatisfy { $0.isSignedIn })
        let tokens = Set(sessions.compactMap { $0.tokens?.accessToken })
        #expect(tokens.count == 1, "every task got the same refreshed token")
        #expect(tokens.first != old.accessToken, "the token was refreshed")
        #expect(try await emulator.calls("GetTokensFromRefreshToken") == 1, "exactly one refresh call")
        #expect(try await emulator.calls("InitiateAuth") == 0, "no fallback refresh, no new sign-in")
        #expect(refreshed.current == 1, "one TokensRefreshed event")
        let expiresAt = try #require(try store.json(key)["expires_at"] as? Int)
        #expect(expiresAt > Int(now) + 3000, "the new tokens were saved (\(expiresAt))")
    }
}
