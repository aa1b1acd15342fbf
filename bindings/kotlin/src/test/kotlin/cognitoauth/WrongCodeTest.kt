package cognitoauth

import cognitoauth.ffi.AuthException
import cognitoauth.core.CognitoException
import cognitoauth.core.SignInNextStep
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Errors arrive as the typed AuthException, with Cognito's exception name and `retryable`. */
class WrongCodeTest {
    @Test
    fun `a wrong MFA code throws CodeMismatch and the right one still works`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON")
        Emulator.user(pool, "carol")
        val auth = Emulator.client(pool)
        auth.signIn("carol", PASSWORD)
        val code = Emulator.lastCode(pool, "carol")
        val wrong = if (code == "000000") "111111" else "000000"

        val error = assertThrows<AuthException.Service> { runBlocking { auth.confirmSignIn(wrong) } }
        assertEquals(CognitoException.CODE_MISMATCH, error.code)
        assertEquals("CodeMismatchException", error.exceptionName)
        assertFalse(error.retryable)
        assertTrue(error.detail.isNotBlank())
        assertTrue(error.message!!.isNotBlank(), "Throwable.message is filled from the fields")
        // Still at the same step.
        assertTrue(auth.pendingSignInStep() is SignInNextStep.ConfirmSignInWithSmsMfaCode)

        assertTrue(auth.confirmSignIn(code).isSignedIn)
    }

    @Test
    fun `a wrong password throws NotAuthorized`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "OFF")
        Emulator.user(pool, "dave")
        val auth = Emulator.client(pool)
        val error = assertThrows<AuthException.Service> { runBlocking { auth.signIn("dave", "Wr0ng-password") } }
        assertEquals(CognitoException.NOT_AUTHORIZED, error.code)
        assertEquals("NotAuthorizedException", error.exceptionName)
    }

    @Test
    fun `confirming with no sign-in under way is InvalidState, and signed-out calls are SignedOut`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "OFF")
        val auth = Emulator.client(pool)
        assertThrows<AuthException.InvalidState> { runBlocking { auth.confirmSignIn("123456") } }
        assertThrows<AuthException.SignedOut> { runBlocking { auth.fetchDevices() } }
    }

    @Test
    fun `an unreachable endpoint is a retryable Network error`() = runBlocking<Unit> {
        val port = java.net.ServerSocket(0).use { it.localPort }
        val auth = CognitoAuth.builder("us-east-1_Nowhere123", "client")
            .endpointUrl("http://127.0.0.1:$port")
            .store(InMemorySecretStore())
            .build()
        val error = assertThrows<AuthException.Network> { runBlocking { auth.signIn("erin", PASSWORD) } }
        assertTrue(error.retryable)
    }
}
