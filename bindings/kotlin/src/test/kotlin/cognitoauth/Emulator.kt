// Test support: one cognito-emulator process for the whole run, pools and users on it, the
// outbox, and RFC 6238 TOTP codes computed here in Kotlin.
package cognitoauth

import cognitoauth.ffi.AuthClient
import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.ByteBuffer
import java.util.concurrent.TimeUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import org.json.JSONArray
import org.json.JSONObject

const val PASSWORD = "Passw0rd!"

/** A user pool and app client on the emulator. */
data class Pool(val poolId: String, val clientId: String)

object Emulator {
    /** `http://127.0.0.1:PORT` of the emulator process started for this test run. */
    val endpoint: String by lazy { start() }

    private val http: HttpClient = HttpClient.newHttpClient()

    private fun start(): String {
        val binary = System.getProperty("cognito.emulator.bin")
            ?: error("system property cognito.emulator.bin is not set (run scripts/test-kotlin)")
        val process = ProcessBuilder(binary, "--host", "127.0.0.1", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        Runtime.getRuntime().addShutdownHook(Thread {
            process.destroy()
            process.waitFor(5, TimeUnit.SECONDS)
        })
        val reader = BufferedReader(InputStreamReader(process.inputStream))
        val first = reader.readLine() ?: error("the emulator exited before listening")
        require(first.startsWith("listening on ")) { "unexpected first line: $first" }
        // Keep draining stdout so the emulator never blocks on a full pipe.
        Thread { reader.lineSequence().forEach { _ -> } }.apply { isDaemon = true }.start()
        return first.removePrefix("listening on ").trim()
    }

    /** Calls a Cognito operation on the emulator and expects success. */
    fun call(operation: String, body: JSONObject): JSONObject {
        val request = HttpRequest.newBuilder(URI.create("$endpoint/"))
            .header("X-Amz-Target", "AWSCognitoIdentityProviderService.$operation")
            .header("Content-Type", "application/x-amz-json-1.1")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "$operation failed: ${response.body()}" }
        return JSONObject(response.body())
    }

    /**
     * A pool and app client. [mfa] is `OFF`, `ON` or `OPTIONAL` (SMS and TOTP enabled);
     * [rememberDevices]: every device is remembered and a remembered device replaces MFA.
     */
    fun pool(mfa: String = "ON", rememberDevices: Boolean = false): Pool {
        val body = JSONObject().put("PoolName", "kotlin").put("MfaConfiguration", mfa)
        if (rememberDevices) {
            body.put(
                "DeviceConfiguration",
                JSONObject()
                    .put("ChallengeRequiredOnNewDevice", true)
                    .put("DeviceOnlyRememberedOnUserPrompt", false),
            )
        }
        val poolId = call("CreateUserPool", body).getJSONObject("UserPool").getString("Id")
        if (mfa != "OFF") {
            call(
                "SetUserPoolMfaConfig",
                JSONObject()
                    .put("UserPoolId", poolId)
                    .put("MfaConfiguration", mfa)
                    .put(
                        "SmsMfaConfiguration",
                        JSONObject().put(
                            "SmsConfiguration",
                            JSONObject().put("SnsCallerArn", "arn:aws:iam::123456789012:role/sns"),
                        ),
                    )
                    .put("SoftwareTokenMfaConfiguration", JSONObject().put("Enabled", true)),
            )
        }
        val client = call(
            "CreateUserPoolClient",
            JSONObject()
                .put("UserPoolId", poolId)
                .put("ClientName", "kotlin-tests")
                .put("GenerateSecret", false)
                .put("ExplicitAuthFlows", JSONArray(listOf("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"))),
        )
        return Pool(poolId, client.getJSONObject("UserPoolClient").getString("ClientId"))
    }

    /** A confirmed user with [PASSWORD] and, when given, a verified phone number. */
    fun user(pool: Pool, username: String, phone: String? = "+15555550100") {
        val attributes = JSONArray()
        if (phone != null) {
            attributes.put(JSONObject().put("Name", "phone_number").put("Value", phone))
            attributes.put(JSONObject().put("Name", "phone_number_verified").put("Value", "true"))
        }
        call(
            "AdminCreateUser",
            JSONObject()
                .put("UserPoolId", pool.poolId)
                .put("Username", username)
                .put("UserAttributes", attributes)
                .put("MessageAction", "SUPPRESS"),
        )
        call(
            "AdminSetUserPassword",
            JSONObject()
                .put("UserPoolId", pool.poolId)
                .put("Username", username)
                .put("Password", PASSWORD)
                .put("Permanent", true),
        )
    }

    /** Every message (SMS / e-mail) the emulator sent to [username], oldest first. */
    fun messages(pool: Pool, username: String): List<JSONObject> {
        val query = "userPoolId=${pool.poolId}&username=${URLEncoder.encode(username, "UTF-8")}"
        val request = HttpRequest.newBuilder(URI.create("$endpoint/_emulator/messages?$query")).GET().build()
        val array = JSONArray(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
        return (0 until array.length()).map { array.getJSONObject(it) }
    }

    /** The newest code sent to [username]. */
    fun lastCode(pool: Pool, username: String): String =
        messages(pool, username).lastOrNull()?.getString("code") ?: error("no code sent to $username")

    /** Marks [username] as having registered a passkey: USER_AUTH then offers `WEB_AUTHN`. */
    fun passkey(pool: Pool, username: String) {
        val body = JSONObject().put("userPoolId", pool.poolId).put("username", username)
        val request = HttpRequest.newBuilder(URI.create("$endpoint/_emulator/passkeys"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "passkey hook failed: ${response.body()}" }
    }

    /** An [AuthClient] for [pool] over the emulator, with [store]. */
    fun client(pool: Pool, store: cognitoauth.ffi.SecretStore = InMemorySecretStore()): AuthClient =
        CognitoAuth.builder(pool.poolId, pool.clientId)
            .endpointUrl(endpoint)
            .deviceName("kotlin test device")
            .store(store)
            .build()
}

/** RFC 6238 (HMAC-SHA1, 6 digits, 30-second steps), written here so the test checks Rust's and the emulator's. */
object Totp {
    fun code(secretBase32: String, unixSeconds: Long = System.currentTimeMillis() / 1000): String {
        val key = base32Decode(secretBase32)
        val counter = ByteBuffer.allocate(8).putLong(unixSeconds / 30).array()
        val mac = Mac.getInstance("HmacSHA1").apply { init(SecretKeySpec(key, "HmacSHA1")) }
        val hash = mac.doFinal(counter)
        val offset = hash[hash.size - 1].toInt() and 0x0f
        val binary = ((hash[offset].toInt() and 0x7f) shl 24) or
            ((hash[offset + 1].toInt() and 0xff) shl 16) or
            ((hash[offset + 2].toInt() and 0xff) shl 8) or
            (hash[offset + 3].toInt() and 0xff)
        return (binary % 1_000_000).toString().padStart(6, '0')
    }

    fun base32Decode(text: String): ByteArray {
        val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        val out = java.io.ByteArrayOutputStream()
        var buffer = 0
        var bits = 0
        for (char in text.trim().trimEnd('=').uppercase()) {
            val value = alphabet.indexOf(char)
            require(value >= 0) { "not base32: $char" }
            buffer = (buffer shl 5) or value
            bits += 5
            if (bits >= 8) {
                bits -= 8
                out.write((buffer shr bits) and 0xff)
            }
        }
        return out.toByteArray()
    }
}

/** A fresh username per test, so tests never share users. */
fun uniqueUser(prefix: String): String = "$prefix-${System.nanoTime()}"
