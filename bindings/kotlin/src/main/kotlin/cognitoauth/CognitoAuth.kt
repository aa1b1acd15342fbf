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

/**
 * Builds an [AuthClient]:
 *
 * ```kotlin
 * val auth = CognitoAuth.builder(userPoolId = "eu-west-1_AbCdEf123", clientId = "app-client-id")
 *     .region("eu-west-1")
 *     .store(myKeystoreBackedStore)
 *     .onEvent { event -> Log.i("auth", event.toString()) }
 *     .build()
 * ```
 */
object CognitoAuth {
    /** A builder for the app client [clientId] of the pool [userPoolId]. */
    fun builder(userPoolId: String, clientId: String): Builder = Builder(userPoolId, clientId)

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
        private var store: SecretStore? = null
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

        /** Where tokens and device secrets are kept (required). */
        fun store(store: SecretStore) = apply { this.store = store }

        /** Adds a listener for [AuthEvent]s (called on a Rust thread: post to your own). */
        fun onEvent(listener: (AuthEvent) -> Unit) = apply {
            listeners += object : AuthEventListener {
                override fun onAuthEvent(event: AuthEvent) = listener(event)
            }
        }

        /** The client; throws [cognitoauth.ffi.AuthException] for an invalid endpoint. */
        fun build(): AuthClient {
            val defaults = AuthConfig(
                endpoint = requireNotNull(endpoint) { "call region() or endpointUrl()" },
                userPoolId = userPoolId,
                clientId = clientId,
                clientSecret = clientSecret,
                deviceName = deviceName,
            )
            val config = refreshMarginSeconds?.let { defaults.copy(refreshMarginSeconds = it) } ?: defaults
            val client = AuthClient(config, requireNotNull(store) { "call store()" })
            listeners.forEach(client::addListener)
            return client
        }
    }
}
