package cognitoauth

import cognitoauth.core.MfaPreference
import cognitoauth.core.MfaType
import cognitoauth.core.SignInNextStep
import cognitoauth.ffi.totpSetupUri
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** TOTP set up after sign-in, then a sign-in answered with a code computed here (RFC 6238). */
class TotpTest {
    @Test
    fun `RFC 6238 test vector`() {
        // RFC 6238 appendix B, SHA-1: secret "12345678901234567890", T = 59 -> 94287082 (8 digits).
        val secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        assertEquals("287082", Totp.code(secret, 59))
        assertEquals("081804", Totp.code(secret, 1111111109))
    }

    @Test
    fun `set up TOTP and sign in with a TOTP code`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "OPTIONAL")
        Emulator.user(pool, "heidi", phone = null)
        val auth = Emulator.client(pool)
        assertTrue(auth.signIn("heidi", PASSWORD).isSignedIn, "no MFA method yet")

        val setup = auth.setUpTotp()
        assertEquals("heidi", setup.username)
        val uri = totpSetupUri(setup, "Kotlin Tests")
        assertTrue(uri.startsWith("otpauth://totp/Kotlin%20Tests:heidi?secret=${setup.sharedSecret}"), uri)
        auth.verifyTotpSetup(Totp.code(setup.sharedSecret), "test authenticator")
        auth.updateMfaPreference(totp = MfaPreference.PREFERRED)
        val preferences = auth.fetchMfaPreference()
        assertEquals(listOf(MfaType.TOTP), preferences.enabled)
        assertEquals(MfaType.TOTP, preferences.preferred)
        auth.signOut()

        val started = auth.signIn("heidi", PASSWORD)
        assertFalse(started.isSignedIn)
        assertEquals(SignInNextStep.ConfirmSignInWithTotpCode, started.nextStep)
        // Cognito takes a TOTP code once: the one given to verifyTotpSetup is used up, so sign in
        // with the next window's code (accepted one step early).
        val done = auth.confirmSignIn(Totp.code(setup.sharedSecret, System.currentTimeMillis() / 1000 + 30))
        assertTrue(done.isSignedIn)
        assertEquals("heidi", auth.getCurrentUser().username)
    }
}
