// A SecretStore in memory: a test helper (it is not in the library artifacts).
package cognitoauth

import cognitoauth.ffi.SecretStore
import java.util.concurrent.ConcurrentHashMap

/**
 * A [SecretStore] in process memory: everything is lost when the process ends. **For tests and
 * prototypes only** — apps use the Android Keystore (e.g. EncryptedSharedPreferences) or the
 * Keychain. See bindings/README.md.
 */
class InMemorySecretStore : SecretStore {
    private val values = ConcurrentHashMap<String, String>()

    override fun get(key: String): String? = values[key]

    override fun set(key: String, value: String) {
        LeakScan.secretsInRecord(value) // device secrets and tokens: never in a log or printed form
        values[key] = value
    }

    override fun delete(key: String) {
        values.remove(key)
    }

    /** The keys present, sorted (for tests). */
    fun keys(): List<String> = values.keys.sorted()

    /** A copy of everything stored (for tests). */
    fun snapshot(): Map<String, String> = HashMap(values)
}
