package cognitoauth

import cognitoauth.core.DeliveryMedium
import cognitoauth.core.SignInNextStep
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Sign-in with SMS MFA: SRP in Rust, the code from the emulator's outbox, tokens back in Kotlin. */
class SmsMfaSignInTest {
    @Test
    fun `sign in with an SMS code`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON")
        Emulator.user(pool, "alice", phone = "+15555550123")
        val auth = Emulator.client(pool)

        val started = auth.signIn("alice", PASSWORD)
        assertFalse(started.isSignedIn)
        val step = started.nextStep as SignInNextStep.ConfirmSignInWithSmsMfaCode
        assertEquals(DeliveryMedium.SMS, step.codeDeliveryDetails.deliveryMedium)
        assertTrue(step.codeDeliveryDetails.destination!!.endsWith("0123"))
        assertEquals(SignInNextStep.ConfirmSignInWithSmsMfaCode(step.codeDeliveryDetails), auth.pendingSignInStep())

        val done = auth.confirmSignIn(Emulator.lastCode(pool, "alice"))
        assertTrue(done.isSignedIn)
        assertEquals(SignInNextStep.Done, done.nextStep)
        assertNull(done.device, "the pool does not track devices")
        assertNull(auth.pendingSignInStep())

        val session = auth.fetchAuthSession()
        assertTrue(session.isSignedIn)
        assertEquals("alice", session.username)
        val tokens = session.tokens!!
        assertEquals(3, tokens.accessToken.split('.').size, "a JWT")
        assertEquals("alice", auth.getCurrentUser().username)

        auth.signOut()
        assertFalse(auth.fetchAuthSession().isSignedIn)
    }

    @Test
    fun `a sign-in can be cancelled`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON")
        Emulator.user(pool, "bob")
        val auth = Emulator.client(pool)
        auth.signIn("bob", PASSWORD)
        assertNotNull(auth.pendingSignInStep())
        auth.cancelSignIn()
        assertNull(auth.pendingSignInStep())
    }
}
