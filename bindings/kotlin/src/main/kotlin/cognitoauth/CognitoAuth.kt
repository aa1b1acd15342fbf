// Hand-written convenience layer over the generated bindings: cognitoauth.core (the core's types:
// configuration, options, results, next steps, events) and cognitoauth.ffi (AuthClient, its
// AuthException, the host interfaces).
package cognitoauth

import cognitoauth.ffi.AuthClient
import cognitoauth.core.AuthConfig
import cognitoauth.core.AuthEvent
import cognitoauth.ffi.AuthEventListener
import cognitoauth.ffi.AuthLogger
import cognitoauth.core.Endpoint
import cognitoauth.ffi.LogLevel
import cognitoauth.ffi.LogRecord
import cognitoauth.ffi.SecretStore
import cognitoauth.ffi.setLogger
import java.io.File

/**
 * Builds an [AuthClient]. On Android, tokens and device secrets are kept in the Android Keystore
 * with nothing for the app to write:
 *
 * ```kotlin
 * val auth = CognitoAuth.builder(context, userPoolId = "eu-west-1_AbCdEf123", clientId = "app-client-id")
 *     .region("eu-west-1")
 *     .onEvent { event -> Log.i("auth", event.toString()) }
 *     .build()
 * ```
 */
object CognitoAuth {
    /** The folder of `Context.getFilesDir()` the Keystore-backed store uses. */
    const val STORE_DIRECTORY = "cognito-auth"

    /**
     * A builder for the app client [clientId] of the pool [userPoolId] whose tokens and device
     * secrets live in the Android Keystore: files in `context.filesDir/cognito-auth`, encrypted
     * with an AES-256-GCM key the Keystore holds. [context] is the app's `android.content.Context`
     * (only its `getFilesDir()` is used; the library is free of the Android SDK, so the type is
     * not spelled out). On a desktop JVM, anything with a `getFilesDir(): File` method works, and
     * the key is kept in a PKCS12 file there instead of a Keystore.
     */
    fun builder(context: Any, userPoolId: String, clientId: String): Builder =
        Builder(userPoolId, clientId).keystoreIn(File(filesDir(context), STORE_DIRECTORY))

    /** A builder for an app that brings its own [SecretStore] ([Builder.store]). */
    fun builder(userPoolId: String, clientId: String): Builder = Builder(userPoolId, clientId)

    private fun filesDir(context: Any): File {
        val method = try {
            context.javaClass.getMethod("getFilesDir")
        } catch (e: NoSuchMethodException) {
            throw IllegalArgumentException("context must be an android.content.Context (it has no getFilesDir())", e)
        }
        return method.invoke(context) as? File
            ?: throw IllegalArgumentException("context.getFilesDir() returned no directory")
    }

    /**
     * Loads the native library with `System.loadLibrary`, once, so that the JVM hands it the
     * `JavaVM` (`JNI_OnLoad`) the Keystore store needs; UniFFI's own loading (JNA) does not.
     */
    private val nativeLibraryLoaded: Unit by lazy { System.loadLibrary("cognito_auth_uniffi") }

    /**
     * Forwards the Rust core's log events at [level] and above to [log] (null stops forwarding).
     * The core never logs passwords, codes, tokens or device secrets.
     */
    fun setLogHandler(level: LogLevel = LogLevel.INFO, log: ((LogRecord) -> Unit)?) {
        val logger = log?.let { handler ->
            object : AuthLogger {
                override fun log(record: LogRecord) = handler(record)
            }
        }
        setLogger(logger, level)
    }

    class Builder internal constructor(
        private val userPoolId: String,
        private val clientId: String,
    ) {
        private var endpoint: Endpoint? = null
        private var clientSecret: String? = null
        private var deviceName: String? = null
        private var refreshMarginSeconds: ULong? = null
        private var allowInsecureHttp = false
        private var store: SecretStore? = null
        private var keystoreDirectory: File? = null
        private val listeners = mutableListOf<AuthEventListener>()

        /** Cognito's public endpoint in [region] (`eu-west-1`). */
        fun region(region: String) = apply { endpoint = Endpoint.Region(region) }

        /** A custom endpoint, such as the local emulator (`http://127.0.0.1:9229`). */
        fun endpointUrl(url: String) = apply { endpoint = Endpoint.Url(url) }

        /** The app client secret, for clients that have one. */
        fun clientSecret(secret: String?) = apply { clientSecret = secret }

        /** The name this device gets in the user's device list. */
        fun deviceName(name: String?) = apply { deviceName = name }

        /** Refresh tokens this many seconds before they expire (default 300). */
        fun refreshMarginSeconds(seconds: Long) = apply { refreshMarginSeconds = seconds.toULong() }

        /**
         * Allows a plain `http://` [endpointUrl] on another machine (a test server). Off by
         * default: without TLS, passwords and tokens can be read on the way; `http://` to this
         * machine (the local emulator) needs no opt-in.
         */
        fun allowInsecureHttp(allow: Boolean) = apply { allowInsecureHttp = allow }

        /** Keeps tokens and device secrets in [store] instead of the Android Keystore. */
        fun store(store: SecretStore) = apply { this.store = store }

        internal fun keystoreIn(directory: File) = apply { keystoreDirectory = directory }

        /** Adds a listener for [AuthEvent]s (called on a Rust thread: post to your own). */
        fun onEvent(listener: (AuthEvent) -> Unit) = apply {
            listeners += object : AuthEventListener {
                override fun onAuthEvent(event: AuthEvent) = listener(event)
            }
        }

        /**
         * The client; throws [cognitoauth.ffi.AuthException] for an invalid endpoint, or
         * `AuthException.Storage` when the Keystore cannot be opened (never a fallback to memory).
         */
        fun build(): AuthClient {
            val defaults = AuthConfig(
                endpoint = requireNotNull(endpoint) { "call region() or endpointUrl()" },
                userPoolId = userPoolId,
                clientId = clientId,
                clientSecret = clientSecret,
                deviceName = deviceName,
                allowInsecureHttp = allowInsecureHttp,
            )
            val config = refreshMarginSeconds?.let { defaults.copy(refreshMarginSeconds = it) } ?: defaults
            val own = store
            val directory = keystoreDirectory
            val client = when {
                own != null -> AuthClient(config, own)
                directory != null -> {
                    nativeLibraryLoaded
                    AuthClient.withAndroidKeystore(config, directory.path)
                }
                else -> throw IllegalStateException("use CognitoAuth.builder(context, ...) or call store()")
            }
            listeners.forEach(client::addListener)
            return client
        }
    }
}
