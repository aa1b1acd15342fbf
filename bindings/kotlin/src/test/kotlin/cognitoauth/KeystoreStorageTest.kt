package cognitoauth

import cognitoauth.core.DeviceOutcome
import cognitoauth.core.DeviceStatus
import cognitoauth.ffi.AuthException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File

/**
 * The built-in store an Android app gets from `CognitoAuth.builder(context, ...)`, driven through
 * that very call on the desktop JVM: Rust opens the store through JNI (the JavaVM comes from
 * `JNI_OnLoad`, after the builder's `System.loadLibrary`), keeps the key in a Java KeyStore (on
 * the desktop: a PKCS12 file; on Android: the Android Keystore) and the values in AES-GCM files.
 */
class KeystoreStorageTest {
    /** Stands in for android.content.Context: the builder uses only getFilesDir(). */
    class FakeContext(private val filesDir: File) {
        @Suppress("unused")
        fun getFilesDir(): File = filesDir
    }

    private fun client(pool: Pool, filesDir: File) =
        CognitoAuth.builder(FakeContext(filesDir), pool.poolId, pool.clientId)
            .endpointUrl(Emulator.endpoint)
            .deviceName("keystore test device")
            .build()

    @Test
    fun `the keystore store keeps the session and the remembered device across restarts`(
        @TempDir filesDir: File,
    ) = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON", rememberDevices = true)
        val user = uniqueUser("keystore")
        Emulator.user(pool, user)
        val auth = client(pool, filesDir)

        auth.signIn(user, PASSWORD)
        val done = auth.confirmSignIn(Emulator.lastCode(pool, user))
        assertTrue(done.isSignedIn)
        assertEquals(DeviceStatus.REMEMBERED, (done.device as DeviceOutcome.Tracked).status)

        // The values are files in <filesDir>/cognito-auth, encrypted: no token in them.
        val directory = File(filesDir, CognitoAuth.STORE_DIRECTORY)
        val sealed = directory.listFiles { f -> f.name.endsWith(".gcm") }!!.toList()
        assertTrue(sealed.size >= 3, "tokens, device and current user are stored: $sealed")
        val accessToken = auth.fetchAuthSession().tokens!!.accessToken
        for (file in sealed) {
            val bytes = String(file.readBytes(), Charsets.ISO_8859_1)
            assertFalse(bytes.contains(accessToken.substring(0, 40)), "${file.name} holds the token in clear")
            assertFalse(bytes.contains(user), "${file.name} holds the user name in clear")
        }
        assertTrue(File(directory, "keystore.p12").isFile, "the key lives in the keystore file")

        // An app restart: a new client over the same directory is still signed in and its device
        // still skips MFA.
        val restarted = client(pool, filesDir)
        assertEquals(user, restarted.getCurrentUser().username)
        restarted.signOut()
        val codes = Emulator.messages(pool, user).size
        assertTrue(restarted.signIn(user, PASSWORD).isSignedIn, "the remembered device skipped MFA")
        assertEquals(codes, Emulator.messages(pool, user).size, "no SMS was sent")
    }

    @Test
    fun `a damaged record is a typed error and resetting the local state lets the user back in`(
        @TempDir filesDir: File,
    ) = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON", rememberDevices = true)
        val user = uniqueUser("restored")
        Emulator.user(pool, user)
        val auth = client(pool, filesDir)
        auth.signIn(user, PASSWORD)
        assertTrue(auth.confirmSignIn(Emulator.lastCode(pool, user)).isSignedIn)

        // Every value written with another key (a backup restored onto another phone): flip a
        // byte of each sealed file.
        val directory = File(filesDir, CognitoAuth.STORE_DIRECTORY)
        for (file in directory.listFiles { f -> f.name.endsWith(".gcm") }!!) {
            val bytes = file.readBytes()
            bytes[bytes.size - 1] = (bytes[bytes.size - 1].toInt() xor 0x01).toByte()
            file.writeBytes(bytes)
        }
        val error = assertThrows(AuthException.LocalStateUnreadable::class.java) {
            runBlocking { auth.fetchAuthSession() }
        }
        assertTrue(error.detail.contains("resetLocalState") || error.detail.contains("reset_local_state"), error.detail)
        assertFalse(error.retryable)

        auth.resetLocalState()
        assertFalse(auth.fetchAuthSession().isSignedIn)
        // The user signs in again (MFA is asked: the old device's secret is gone).
        val again = auth.signIn(user, PASSWORD)
        assertFalse(again.isSignedIn)
        assertTrue(auth.confirmSignIn(Emulator.lastCode(pool, user)).isSignedIn)
    }
}
