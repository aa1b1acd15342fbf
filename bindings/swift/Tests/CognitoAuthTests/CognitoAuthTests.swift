// Not run on the project's Linux machines (no Swift toolchain, no XCFramework): run with
// `swift test` on a Mac after scripts/build-xcframework. Needs no network.
import XCTest
@testable import CognitoAuth

final class CognitoAuthTests: XCTestCase {
    func testInMemoryStoreRoundTrip() throws {
        let store = InMemorySecretStore()
        try store.set(key: "k", value: "v")
        XCTAssertEqual(try store.get(key: "k"), "v")
        try store.delete(key: "k")
        XCTAssertNil(try store.get(key: "k"))
    }

    func testAnUnreachableEndpointIsARetryableNetworkError() async throws {
        let client = try CognitoAuth.client(
            userPoolId: "us-east-1_Nowhere123", clientId: "client",
            endpoint: .url(url: "http://127.0.0.1:9"), store: InMemorySecretStore())
        do {
            _ = try await client.signIn(username: "alice", password: "Passw0rd!")
            XCTFail("expected a network error")
        } catch AuthError.Network(let detail, let retryable) {
            XCTAssertTrue(retryable)
            XCTAssertFalse(detail.isEmpty)
        }
    }

    func testTotpSetupUri() {
        let uri = totpSetupUri(
            details: TotpSetupDetails(sharedSecret: "JBSWY3DPEHPK3PXP", username: "alice"),
            appName: "My App")
        XCTAssertEqual(uri, "otpauth://totp/My%20App:alice?secret=JBSWY3DPEHPK3PXP&issuer=My%20App")
    }
}
