package cognitoauth

import cognitoauth.core.DeviceOutcome
import cognitoauth.core.DeviceStatus
import cognitoauth.core.SignInNextStep
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Fetching and forgetting devices. */
class DevicesTest {
    private suspend fun signInWithSms(auth: cognitoauth.ffi.AuthClient, pool: Pool, user: String): DeviceOutcome.Tracked {
        auth.signIn(user, PASSWORD)
        return auth.confirmSignIn(Emulator.lastCode(pool, user)).device as DeviceOutcome.Tracked
    }

    @Test
    fun `fetch devices, forget another device, then forget this one`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON", rememberDevices = true)
        Emulator.user(pool, "grace")
        val phone = Emulator.client(pool)
        val tablet = Emulator.client(pool)
        val phoneDevice = signInWithSms(phone, pool, "grace")
        val tabletDevice = signInWithSms(tablet, pool, "grace")
        assertNotEquals(phoneDevice.deviceKey, tabletDevice.deviceKey)

        val devices = phone.fetchDevices()
        assertEquals(setOf(phoneDevice.deviceKey, tabletDevice.deviceKey), devices.map { it.id }.toSet())
        val current = devices.single { it.isCurrentDevice }
        assertEquals(phoneDevice.deviceKey, current.id)
        assertEquals("kotlin test device", current.name)
        assertEquals(DeviceStatus.REMEMBERED, current.status)
        assertTrue((current.createdAt ?: 0.0) > 0.0)

        // Forget the tablet from the phone.
        phone.forgetDevice(tabletDevice.deviceKey)
        assertEquals(listOf(phoneDevice.deviceKey), phone.fetchDevices().map { it.id })

        // Forget this device: its secret is gone and the next sign-in asks for MFA again.
        phone.forgetDevice()
        assertEquals(DeviceStatus.FORGOTTEN, phone.currentDeviceStatus())
        phone.signOut()
        val next = phone.signIn("grace", PASSWORD)
        assertTrue(next.nextStep is SignInNextStep.ConfirmSignInWithSmsMfaCode)
    }
}
