package cognitoauth

import cognitoauth.ffi.AuthException
import cognitoauth.core.DeviceOutcome
import cognitoauth.ffi.SecretStore
import cognitoauth.ffi.StoreException
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** A SecretStore written in Kotlin, used by Rust for tokens and device secrets. */
class SecretStoreTest {
    /** Records every call Rust makes. */
    class RecordingStore : SecretStore {
        val inner = InMemorySecretStore()
        val calls = java.util.Collections.synchronizedList(mutableListOf<String>())
        override fun get(key: String): String? = inner.get(key).also { calls += "get $key" }
        override fun set(key: String, value: String) = inner.set(key, value).also { calls += "set $key" }
        override fun delete(key: String) = inner.delete(key).also { calls += "delete $key" }
    }

    @Test
    fun `Rust writes the device secret and tokens into the Kotlin store`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON", rememberDevices = true)
        Emulator.user(pool, "ivan")
        val store = RecordingStore()
        val auth = Emulator.client(pool, store)
        auth.signIn("ivan", PASSWORD)
        val done = auth.confirmSignIn(Emulator.lastCode(pool, "ivan"))
        val deviceKey = (done.device as DeviceOutcome.Tracked).deviceKey

        val prefix = "cognito-auth/${pool.poolId}/${pool.clientId}/"
        val device = JSONObject(store.inner.get("${prefix}user/ivan/device")!!)
        assertEquals(deviceKey, device.getString("device_key"))
        assertTrue(device.getString("device_secret").length >= 20, "Rust generated and saved the device secret")
        assertEquals("remembered", device.getString("state"))
        val tokens = JSONObject(store.inner.get("${prefix}user/ivan/tokens")!!)
        assertEquals(auth.fetchAuthSession().tokens!!.accessToken, tokens.getString("access_token"))
        assertEquals("ivan", store.inner.get("${prefix}current-user"))
        assertTrue(store.calls.contains("set ${prefix}user/ivan/device"))

        // Sign-out clears the tokens and keeps the device.
        auth.signOut()
        assertFalse(store.inner.keys().contains("${prefix}user/ivan/tokens"))
        assertTrue(store.inner.keys().contains("${prefix}user/ivan/device"))
    }

    @Test
    fun `a failing Kotlin store surfaces as AuthException Storage`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "OFF")
        Emulator.user(pool, "judy")
        val locked = object : SecretStore {
            override fun get(key: String): String? = null
            override fun set(key: String, value: String): Unit = throw StoreException.Failed("keystore is locked")
            override fun delete(key: String) {}
        }
        val auth = Emulator.client(pool, locked)
        val error = assertThrows<AuthException.Storage> { runBlocking { auth.signIn("judy", PASSWORD) } }
        assertTrue(error.detail.contains("keystore is locked"), error.detail)
        assertFalse(error.retryable)
    }

    @Test
    fun `an unexpected exception in the Kotlin store is a Storage error too`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "OFF")
        Emulator.user(pool, "ken")
        val broken = object : SecretStore {
            override fun get(key: String): String? = throw IllegalStateException("disk on fire")
            override fun set(key: String, value: String) {}
            override fun delete(key: String) {}
        }
        val auth = Emulator.client(pool, broken)
        val error = assertThrows<AuthException.Storage> { runBlocking { auth.signIn("ken", PASSWORD) } }
        assertTrue(error.detail.contains("disk on fire"), error.detail)
    }
}
