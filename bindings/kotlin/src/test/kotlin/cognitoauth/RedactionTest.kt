package cognitoauth

import cognitoauth.core.AuthConfig
import cognitoauth.core.AuthSession
import cognitoauth.core.AuthTokens
import cognitoauth.core.Endpoint
import cognitoauth.core.SignInNextStep
import cognitoauth.core.TotpSetupDetails
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** What an app may log — toString of sessions, tokens, TOTP setup, next steps, config — shows no secret. */
class RedactionTest {
    private val access = "eyJaccess.SECRET-ACCESS-TOKEN.sig"
    private val id = "eyJid.SECRET-ID-TOKEN.sig"
    private val totpSecret = "JBSWY3DPEHPK3PXPSECRET"
    private val clientSecret = "s3cr3t-client-secret"

    private fun assertNoSecret(printed: String) {
        for (secret in listOf(access, id, totpSecret, clientSecret)) {
            assertFalse(printed.contains(secret), "a secret was printed: $printed")
        }
        assertTrue(printed.contains("redacted"), printed)
    }

    @Test
    fun printedFormsShowNoSecret() {
        val tokens = AuthTokens(accessToken = access, idToken = id, expiresAt = 1767225600uL)
        assertNoSecret(tokens.toString())
        val session = AuthSession(isSignedIn = true, username = "alice", userSub = "sub", tokens = tokens)
        assertNoSecret(session.toString())
        assertTrue(session.toString().contains("alice"), "non-secret fields still show: $session")
        val totp = TotpSetupDetails(sharedSecret = totpSecret, username = "alice")
        assertNoSecret(totp.toString())
        assertNoSecret(SignInNextStep.ContinueSignInWithTotpSetup(totp).toString())
        val config = AuthConfig(
            endpoint = Endpoint.Region("eu-west-1"), userPoolId = "eu-west-1_AbC", clientId = "client",
            clientSecret = clientSecret,
        )
        assertNoSecret(config.toString())
        // The values themselves are still there for the app to use.
        assertEquals(access, session.tokens!!.accessToken)
        assertEquals(totpSecret, totp.sharedSecret)
    }
}
