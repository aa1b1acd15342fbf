// The surface added so that no user is stranded (issue 15), through the Swift package:
// sign-out's result offline, auto sign-in after sign-up, deleting attributes and the user (with
// its event), a passkey offered but unsupported, and plain HTTP refused off this machine.
import Foundation
import Testing
import CognitoAuth

/// An endpoint where nothing listens: the network is down.
private func offlineEndpoint() throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw TestSetupError("cannot find a free port") }
    return "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
}

@Suite struct NeverStrandedTests {
    @Test func signOutSignsOutHereEvenOffline() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let olga = uniqueUser("olga")
        try await emulator.user(pool, olga)
        let store = InMemorySecretStore()
        let online = try client(pool, store: store)
        #expect(try await online.signIn(username: olga, password: password).isSignedIn)

        let offline = try CognitoAuth.client(
            userPoolId: pool.poolId, clientId: pool.clientId,
            endpoint: .url(try offlineEndpoint()), store: store)
        let result = try await offline.signOut()
        #expect(result.globalSignOutError == nil)
        #expect(result.revokeTokenError?.contains("Cannot reach Cognito") == true, "\(result)")
        #expect(try await !online.fetchAuthSession().isSignedIn, "signed out here")

        #expect(try await online.signIn(username: olga, password: password).isSignedIn)
        let complete = try await online.signOut(global: true)
        #expect(complete.globalSignOutError == nil && complete.revokeTokenError == nil)
    }

    @Test func autoSignInDeleteAttributesAndDeleteUser() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF", firstFactors: ["PASSWORD", "EMAIL_OTP"])
        let petra = uniqueUser("petra")
        let events = Locked<[AuthEvent]>([])
        let auth = try client(pool, onEvent: { events.append($0) })
        _ = try await auth.signUp(
            username: petra, password: password,
            options: SignUpOptions(
                userAttributes: ["email": "\(petra)@example.com", "nickname": "pe"], autoSignIn: true))
        let confirmed = try await auth.confirmSignUp(
            username: petra, code: try await emulator.lastCode(pool, petra))
        #expect(confirmed.autoSignInError == nil)
        #expect(confirmed.signIn?.isSignedIn == true, "\(confirmed)")
        #expect(try await auth.getCurrentUser().username == petra)

        try await auth.deleteUserAttributes(names: ["nickname"])
        let names = try await auth.fetchUserAttributes().map(\.name)
        #expect(!names.contains("nickname") && names.contains("email"), "\(names)")

        try await auth.deleteUser()
        #expect(events.current == [.signedIn(username: petra), .userDeleted])
        #expect(try await !auth.fetchAuthSession().isSignedIn)
    }

    @Test func aPasskeyIsOfferedButUnsupported() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF", firstFactors: ["PASSWORD", "WEB_AUTHN"])
        let quinn = uniqueUser("quinn")
        try await emulator.user(pool, quinn, phone: nil)
        try await emulator.passkey(pool, quinn)
        let userAuth = SignInOptions(authFlow: .userAuth(preferredFirstFactor: nil))
        let auth = try client(pool)
        let started = try await auth.signIn(username: quinn, password: password, options: userAuth)
        guard case let .continueSignInWithFirstFactorSelection(_, unsupported) = started.nextStep else {
            Issue.record("expected a first-factor choice, got \(started.nextStep)")
            return
        }
        #expect(unsupported == ["WEB_AUTHN"])
        await auth.cancelSignIn()

        let only = try await emulator.pool(mfa: "OFF", firstFactors: ["WEB_AUTHN"])
        try await emulator.user(only, quinn, phone: nil)
        try await emulator.passkey(only, quinn)
        do {
            _ = try await client(only).signIn(username: quinn, password: nil, options: userAuth)
            Issue.record("a passkey-only sign-in did not fail")
        } catch let AuthError.Unsupported(detail, retryable) {
            #expect(detail.contains("WEB_AUTHN"))
            #expect(!retryable)
        }
    }

    @Test func plainHttpGoesOnlyToThisMachineUnlessAllowed() throws {
        let make = { (url: String, allow: Bool) in
            try CognitoAuth.client(
                userPoolId: "us-east-1_AbCdEf123", clientId: "client", endpoint: .url(url),
                store: InMemorySecretStore(), allowInsecureHttp: allow)
        }
        do {
            _ = try make("http://192.0.2.10:9229", false)
            Issue.record("plain http to another machine was accepted")
        } catch let AuthError.InvalidInput(detail, _) {
            #expect(detail.contains("in clear"))
        }
        _ = try make("http://192.0.2.10:9229", true)
        _ = try make("http://127.0.0.1:9229", false)
    }
}
