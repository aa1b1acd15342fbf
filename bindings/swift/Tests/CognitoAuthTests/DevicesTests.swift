// Listing and forgetting devices.
import Testing
import CognitoAuth

@Suite struct DevicesTests {
    private func signInWithSms(_ auth: AuthClient, _ pool: Pool, _ user: String) async throws -> String {
        _ = try await auth.signIn(username: user, password: password)
        let done = try await auth.confirmSignIn(value: try await pool.emulator.lastCode(pool, user))
        guard case let .tracked(deviceKey, _, _) = done.device else {
            throw TestSetupError("no device tracked: \(done)")
        }
        return deviceKey
    }

    @Test func fetchDevicesForgetAnotherThenForgetThisOne() async throws {
        let emulator = try Emulator.shared()
        let pool = try await emulator.pool(mfa: "ON", rememberDevices: true)
        let grace = uniqueUser("grace")
        try await emulator.user(pool, grace)
        let phone = try client(pool)
        let tablet = try client(pool)
        let phoneKey = try await signInWithSms(phone, pool, grace)
        let tabletKey = try await signInWithSms(tablet, pool, grace)
        #expect(phoneKey != tabletKey)

        let devices = try await phone.fetchDevices()
        #expect(Set(devices.map(\.id)) == [phoneKey, tabletKey])
        let current = devices.filter(\.isCurrentDevice)
        #expect(current.count == 1)
        let this = try #require(current.first)
        #expect(this.id == phoneKey)
        #expect(this.name == "swift test device")
        #expect(this.status == .remembered)
        #expect((this.createdAt ?? 0) > 1_600_000_000, "a real timestamp")
        // The tablet sees the same two devices, with itself as the current one.
        #expect(try await tablet.fetchDevices().filter(\.isCurrentDevice).map(\.id) == [tabletKey])

        // Forget the tablet from the phone.
        try await phone.forgetDevice(deviceId: tabletKey)
        #expect(try await phone.fetchDevices().map(\.id) == [phoneKey])

        // Forget this device: its secret is gone and the next sign-in asks for MFA again.
        try await phone.forgetDevice()
        #expect(try phone.currentDeviceStatus() == .forgotten)
        _ = try await phone.signOut()
        let next = try await phone.signIn(username: grace, password: password)
        #expect(!next.isSignedIn)
        if case .confirmSignInWithSmsMfaCode = next.nextStep {} else {
            Issue.record("expected MFA after forgetting the device, got \(next.nextStep)")
        }
    }
}
