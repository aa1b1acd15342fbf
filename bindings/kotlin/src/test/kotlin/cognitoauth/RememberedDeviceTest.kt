package cognitoauth

import cognitoauth.core.DeviceOutcome
import cognitoauth.core.DeviceStatus
import cognitoauth.core.SignInNextStep
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** A remembered device (device SRP, done in Rust) lets the next sign-in skip MFA. */
class RememberedDeviceTest {
    @Test
    fun `the device is remembered and the next sign-in skips MFA`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON", rememberDevices = true)
        Emulator.user(pool, "frank")
        val store = InMemorySecretStore()
        val auth = Emulator.client(pool, store)

        auth.signIn("frank", PASSWORD)
        val done = auth.confirmSignIn(Emulator.lastCode(pool, "frank"))
        assertTrue(done.isSignedIn)
        val tracked = done.device as DeviceOutcome.Tracked
        assertEquals(DeviceStatus.REMEMBERED, tracked.status)
        assertEquals(DeviceStatus.REMEMBERED, auth.currentDeviceStatus())
        auth.signOut()

        val codesBefore = Emulator.messages(pool, "frank").size
        val again = auth.signIn("frank", PASSWORD)
        assertTrue(again.isSignedIn, "no MFA step on a remembered device")
        assertEquals(SignInNextStep.Done, again.nextStep)
        assertEquals(codesBefore, Emulator.messages(pool, "frank").size, "no new SMS was sent")

        // A new client over the same store (an app restart) remembers the device too.
        auth.signOut()
        val restarted = Emulator.client(pool, store)
        assertTrue(restarted.signIn("frank", PASSWORD).isSignedIn)
        assertEquals(tracked.deviceKey, restarted.fetchDevices().single { it.isCurrentDevice }.id)
    }
}
