package cognitoauth

import cognitoauth.core.AuthEvent
import cognitoauth.core.AuthFlow
import cognitoauth.core.SignInNextStep
import cognitoauth.core.SignInOptions
import cognitoauth.core.SignUpOptions
import cognitoauth.ffi.AuthException
import java.net.ServerSocket
import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The surface added so that no user is stranded (issue 15), through the Kotlin bindings:
 * sign-out's result offline, auto sign-in after sign-up, deleting attributes and the user (with
 * its event), a passkey offered but unsupported, and plain HTTP refused off this machine.
 */
class NeverStrandedTest {
    /** An endpoint where nothing listens: the network is down. */
    private fun offlineEndpoint(): String =
        ServerSocket(0).use { "http://127.0.0.1:${it.localPort}" }

    /** A pool whose app client allows USER_AUTH with [firstFactors]. */
    private fun choicePool(vararg firstFactors: String): Pool {
        val poolId = Emulator.call(
            "CreateUserPool",
            JSONObject()
                .put("PoolName", "kotlin-choice")
                .put(
                    "Policies",
                    JSONObject().put(
                        "SignInPolicy",
                        JSONObject().put("AllowedFirstAuthFactors", JSONArray(firstFactors.toList())),
                    ),
                ),
        ).getJSONObject("UserPool").getString("Id")
        val client = Emulator.call(
            "CreateUserPoolClient",
            JSONObject()
                .put("UserPoolId", poolId)
                .put("ClientName", "kotlin-choice")
                .put(
                    "ExplicitAuthFlows",
                    JSONArray(listOf("ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")),
                ),
        )
        return Pool(poolId, client.getJSONObject("UserPoolClient").getString("ClientId"))
    }

    @Test
    fun `sign-out signs out here even offline, and says the token was not revoked`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "OFF")
        Emulator.user(pool, "olga")
        val store = InMemorySecretStore()
        val online = Emulator.client(pool, store)
        assertTrue(online.signIn("olga", PASSWORD).isSignedIn)

        val offline = CognitoAuth.builder(pool.poolId, pool.clientId)
            .endpointUrl(offlineEndpoint())
            .store(store)
            .build()
        val result = offline.signOut()
        assertNull(result.globalSignOutError)
        assertTrue(result.revokeTokenError!!.contains("Cannot reach Cognito"), result.revokeTokenError)
        assertFalse(online.fetchAuthSession().isSignedIn, "signed out here")

        assertTrue(online.signIn("olga", PASSWORD).isSignedIn)
        val complete = online.signOut(global = true)
        assertNull(complete.globalSignOutError)
        assertNull(complete.revokeTokenError)
    }

    @Test
    fun `auto sign-in after sign-up, attributes deleted, user deleted with its event`() = runBlocking<Unit> {
        val pool = choicePool("PASSWORD", "EMAIL_OTP")
        val events = Collections.synchronizedList(mutableListOf<AuthEvent>())
        val auth = CognitoAuth.builder(pool.poolId, pool.clientId)
            .endpointUrl(Emulator.endpoint)
            .store(InMemorySecretStore())
            .onEvent { events += it }
            .build()
        auth.signUp(
            "petra",
            PASSWORD,
            SignUpOptions(
                userAttributes = mapOf("email" to "petra@example.com", "nickname" to "pe"),
                autoSignIn = true,
            ),
        )
        val confirmed = auth.confirmSignUp("petra", Emulator.lastCode(pool, "petra"))
        assertNull(confirmed.autoSignInError)
        assertTrue(confirmed.signIn!!.isSignedIn, confirmed.toString())
        assertEquals("petra", auth.getCurrentUser().username)

        auth.deleteUserAttributes(listOf("nickname"))
        val names = auth.fetchUserAttributes().map { it.name }
        assertFalse("nickname" in names, names.toString())
        assertTrue("email" in names)

        auth.deleteUser()
        assertEquals(listOf(AuthEvent.SignedIn("petra"), AuthEvent.UserDeleted), events.toList())
        assertFalse(auth.fetchAuthSession().isSignedIn)
    }

    @Test
    fun `a passkey is offered but unsupported`() = runBlocking<Unit> {
        val pool = choicePool("PASSWORD", "WEB_AUTHN")
        Emulator.user(pool, "quinn", phone = null)
        Emulator.passkey(pool, "quinn")
        val auth = Emulator.client(pool)
        val userAuth = SignInOptions(authFlow = AuthFlow.UserAuth(preferredFirstFactor = null))
        val step = auth.signIn("quinn", PASSWORD, userAuth).nextStep
            as SignInNextStep.ContinueSignInWithFirstFactorSelection
        assertEquals(listOf("WEB_AUTHN"), step.unsupportedFactors)
        auth.cancelSignIn()

        val only = choicePool("WEB_AUTHN")
        Emulator.user(only, "quinn", phone = null)
        Emulator.passkey(only, "quinn")
        val error = assertThrows<AuthException.Unsupported> {
            runBlocking { Emulator.client(only).signIn("quinn", null, userAuth) }
        }
        assertTrue(error.detail.contains("WEB_AUTHN"), error.detail)
        assertFalse(error.retryable)
    }

    @Test
    fun `plain http goes only to this machine unless allowed`() {
        val builder = { url: String ->
            CognitoAuth.builder("us-east-1_AbCdEf123", "client").endpointUrl(url).store(InMemorySecretStore())
        }
        val refused = assertThrows<AuthException.InvalidInput> { builder("http://192.0.2.10:9229").build() }
        assertTrue(refused.detail.contains("in clear"), refused.detail)
        assertNotNull(builder("http://192.0.2.10:9229").allowInsecureHttp(true).build())
        assertNotNull(builder("http://127.0.0.1:9229").build())
    }
}
