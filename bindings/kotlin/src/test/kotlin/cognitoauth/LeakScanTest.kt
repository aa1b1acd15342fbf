package cognitoauth

import cognitoauth.core.AuthConfig
import cognitoauth.core.Endpoint
import cognitoauth.core.MfaPreference
import cognitoauth.core.SignInNextStep
import cognitoauth.core.SignUpOptions
import cognitoauth.ffi.AuthClient
import cognitoauth.ffi.AuthException
import java.net.ServerSocket
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The secret-leak scan over the operations of the Kotlin client, on their success and failure
 * paths (wrong password, wrong codes, invalid input, signed out, offline, a weak password): the
 * `toString()` of every returned value and event and the `toString()` / `message` of every
 * exception go to [LeakScan] with the core's log records at TRACE level, and are searched for
 * every password, code, token, TOTP secret, client secret and device secret the run used.
 */
class LeakScanTest {
    private val wrongPassword = "Wr0ng-Passw0rd!"

    /** Runs [block], hands its result to the scan, and expects success. */
    private suspend fun <T> ok(block: suspend () -> T): T = block().also { LeakScan.printed(it) }

    /** Runs [block], hands its exception to the scan, and expects one. */
    private suspend fun fails(block: suspend () -> Any?): AuthException {
        val result = try {
            block()
        } catch (e: AuthException) {
            LeakScan.printed(e)
            return e
        }
        throw AssertionError("expected an AuthException, got $result")
    }

    private fun wrongCode(right: String) = if (right == "111111") "222222" else "111111"

    private fun offlineEndpoint(): String = ServerSocket(0).use { "http://127.0.0.1:${it.localPort}" }

    /** A pool with optional SMS / TOTP MFA, devices remembered on request, a client secret and e-mail verification. */
    private fun pool(): Triple<Pool, String, String> {
        val poolId = Emulator.call(
            "CreateUserPool",
            JSONObject()
                .put("PoolName", "kotlin-leak-scan")
                .put("MfaConfiguration", "OPTIONAL")
                .put("AutoVerifiedAttributes", JSONArray(listOf("email")))
                .put(
                    "DeviceConfiguration",
                    JSONObject().put("ChallengeRequiredOnNewDevice", true).put("DeviceOnlyRememberedOnUserPrompt", true),
                ),
        ).getJSONObject("UserPool").getString("Id")
        Emulator.call(
            "SetUserPoolMfaConfig",
            JSONObject()
                .put("UserPoolId", poolId)
                .put("MfaConfiguration", "OPTIONAL")
                .put(
                    "SmsMfaConfiguration",
                    JSONObject().put("SmsConfiguration", JSONObject().put("SnsCallerArn", "arn:aws:iam::123456789012:role/sns")),
                )
                .put("SoftwareTokenMfaConfiguration", JSONObject().put("Enabled", true)),
        )
        val client = Emulator.call(
            "CreateUserPoolClient",
            JSONObject()
                .put("UserPoolId", poolId)
                .put("ClientName", "kotlin-leak-scan")
                .put("GenerateSecret", true)
                .put(
                    "ExplicitAuthFlows",
                    JSONArray(listOf("ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")),
                ),
        ).getJSONObject("UserPoolClient")
        return Triple(Pool(poolId, client.getString("ClientId")), client.getString("ClientSecret"), "kotlin-leak-scan")
    }

    private fun client(pool: Pool, secret: String, store: InMemorySecretStore, endpoint: String = Emulator.endpoint): AuthClient =
        CognitoAuth.builder(pool.poolId, pool.clientId)
            .endpointUrl(endpoint)
            .clientSecret(secret)
            .deviceName("kotlin leak scan")
            .store(store)
            .onEvent { LeakScan.printed(it) }
            .build()

    @Test
    fun `every operation, its results and its errors, with the logs at TRACE`() = runBlocking<Unit> {
        val (pool, clientSecret, _) = pool()
        val user = uniqueUser("kira")
        Emulator.user(pool, user)
        Emulator.call(
            "AdminUpdateUserAttributes",
            JSONObject().put("UserPoolId", pool.poolId).put("Username", user).put(
                "UserAttributes",
                JSONArray()
                    .put(JSONObject().put("Name", "email").put("Value", "kira@example.com"))
                    .put(JSONObject().put("Name", "email_verified").put("Value", "true")),
            ),
        )
        Emulator.call(
            "AdminSetUserMFAPreference",
            JSONObject().put("UserPoolId", pool.poolId).put("Username", user)
                .put("SMSMfaSettings", JSONObject().put("Enabled", true).put("PreferredMfa", true)),
        )
        LeakScan.printed(
            AuthConfig(Endpoint.Url(Emulator.endpoint), pool.poolId, pool.clientId, clientSecret = clientSecret),
        )
        val store = InMemorySecretStore()
        val auth = client(pool, clientSecret, store)

        // Before signing in.
        ok { auth.fetchAuthSession() }
        fails { auth.getCurrentUser() }
        fails { auth.fetchDevices() }
        fails { auth.setUpTotp() }
        ok { auth.currentDeviceStatus() }
        fails { auth.confirmSignIn("123456") }
        fails { auth.signIn(user, "") }
        fails { auth.signIn(user, wrongPassword) }
        fails { auth.signIn(uniqueUser("nobody"), PASSWORD) }

        // SMS MFA: a wrong code, then the right one; the device is tracked, then remembered.
        val started = ok { auth.signIn(user, PASSWORD) }
        assertTrue(started.nextStep is SignInNextStep.ConfirmSignInWithSmsMfaCode, started.toString())
        ok { auth.pendingSignInStep() }
        var code = Emulator.lastCode(pool, user)
        fails { auth.confirmSignIn(wrongCode(code)) }
        assertTrue(ok { auth.confirmSignIn(code) }.isSignedIn)
        val session = ok { auth.fetchAuthSession() }
        LeakScan.printed(session.tokens)
        ok { auth.fetchAuthSession(forceRefresh = true) }
        ok { auth.getCurrentUser() }
        ok { auth.currentDeviceStatus() }
        ok { auth.rememberDevice() }
        val deviceSecret = JSONObject(store.snapshot().entries.first { it.key.endsWith("/device") }.value)
            .getString("device_secret")
        ok { auth.fetchDevices() }
        ok { auth.stopRememberingDevice() }
        ok { auth.rememberDevice() }
        fails { auth.forgetDevice("us-east-1_not-a-device") }

        // TOTP: a wrong code, then the right one; preferences.
        val totp = ok { auth.setUpTotp() }
        val right = Totp.code(totp.sharedSecret)
        fails { auth.verifyTotpSetup(wrongCode(right), "phone") }
        ok { auth.verifyTotpSetup(right, "phone") }
        ok { auth.fetchMfaPreference() }
        fails { auth.updateMfaPreference(sms = MfaPreference.PREFERRED, totp = MfaPreference.PREFERRED) }
        ok { auth.updateMfaPreference(sms = MfaPreference.PREFERRED) }

        // Attributes.
        ok { auth.fetchUserAttributes() }
        fails { auth.updateUserAttributes(emptyMap()) }
        ok { auth.updateUserAttributes(mapOf("email" to "kira2@example.com", "nickname" to "ki")) }
        code = Emulator.lastCode(pool, user)
        fails { auth.confirmUserAttribute("email", wrongCode(code)) }
        ok { auth.confirmUserAttribute("email", code) }
        ok { auth.sendUserAttributeVerificationCode("email") }
        fails { auth.deleteUserAttributes(emptyList()) }
        ok { auth.deleteUserAttributes(listOf("nickname")) }

        // Passwords.
        fails { auth.updatePassword(wrongPassword, "Next-Passw0rd!") }
        fails { auth.updatePassword(PASSWORD, "weak") }
        ok { auth.updatePassword(PASSWORD, "Next-Passw0rd!") }
        ok { auth.updatePassword("Next-Passw0rd!", PASSWORD) }

        // Offline: the session stays (tokens kept), the user is known, a sign-in fails, sign-out
        // signs out here.
        val offline = client(pool, clientSecret, store, offlineEndpoint())
        fails { offline.fetchAuthSession(forceRefresh = true) }
        ok { offline.getCurrentUser() }
        fails { offline.signIn(user, PASSWORD) }
        ok { offline.signOut(global = true) }
        assertFalse(ok { auth.fetchAuthSession() }.isSignedIn)

        // Back (the remembered device: no MFA), then every way out.
        assertTrue(ok { auth.signIn(user, PASSWORD) }.isSignedIn)
        ok { auth.forgetDevice() }
        ok { auth.signOut(global = true) }
        fails { auth.fetchUserAttributes() }
        ok { auth.signIn(user, PASSWORD) }
        ok { auth.cancelSignIn() }
        ok { auth.resetLocalState() }

        // An account from sign-up (auto sign-in) to deletion, with a password reset.
        val mara = uniqueUser("mara")
        val options = SignUpOptions(userAttributes = mapOf("email" to "mara@example.com"), autoSignIn = true)
        val account = client(pool, clientSecret, InMemorySecretStore())
        fails { account.signUp(mara, "weak", options) }
        ok { account.signUp(mara, PASSWORD, options) }
        fails { account.signUp(mara, PASSWORD, options) }
        ok { account.resendSignUpCode(mara) }
        code = Emulator.lastCode(pool, mara)
        fails { account.confirmSignUp(mara, wrongCode(code)) }
        val confirmed = ok { account.confirmSignUp(mara, code) }
        assertTrue(confirmed.signIn?.isSignedIn == true, confirmed.toString())
        ok { account.resetPassword(mara) }
        code = Emulator.lastCode(pool, mara)
        fails { account.confirmResetPassword(mara, "Reset-Passw0rd!", wrongCode(code)) }
        fails { account.confirmResetPassword(mara, "weak", code) }
        ok { account.confirmResetPassword(mara, "Reset-Passw0rd!", code) }
        fails { account.signIn(mara, PASSWORD) }
        ok { account.signIn(mara, "Reset-Passw0rd!") }
        ok { account.deleteUser() }
        fails { account.deleteUser() }

        // What was scanned is real: the core's records were captured, and every kind of secret
        // used here is searched for.
        val totals = LeakScan.check()
        assertTrue(totals.printedForms >= 60, totals.toString())
        assertTrue(LeakScan.recordsContaining("operation=RespondToAuthChallenge").isNotEmpty(), "no core record captured")
        val secrets = LeakScan.secrets()
        for ((what, secret) in listOf(
            "password" to PASSWORD, "wrong password" to wrongPassword, "code" to code,
            "access token" to session.tokens!!.accessToken, "TOTP secret" to totp.sharedSecret, "TOTP code" to right,
            "client secret" to clientSecret, "device secret" to deviceSecret,
        )) {
            assertTrue(secret in secrets, "the $what is not searched for")
        }
        println("leak-scan: kotlin, LeakScanTest: $totals")
    }

    @Test
    fun `the scan finds a secret in any text, and a code only as a whole number`() {
        val token = "eyJraWQiOiJ0ZXN0In0.payload.signature"
        assertTrue(LeakScan.containsSecret("Bearer $token;", token))
        assertTrue(LeakScan.containsSecret("code 123456 sent", "123456"))
        assertTrue(LeakScan.containsSecret("123456", "123456"))
        assertFalse(LeakScan.containsSecret("at 1712345678 s", "123456"))
        assertFalse(LeakScan.containsSecret("id 9123456", "123456"))
        assertFalse(LeakScan.containsSecret("nothing here", token))
    }
}
