package cognitoauth

import cognitoauth.core.AuthEvent
import cognitoauth.core.DeviceOutcome
import cognitoauth.ffi.LogLevel
import cognitoauth.ffi.LogRecord
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.Collections

/** Auth events and the core's log lines reach Kotlin; secrets never do. */
class EventsAndLoggingTest {
    @Test
    fun `events and logs of a sign-in, a device and a sign-out`() = runBlocking<Unit> {
        val pool = Emulator.pool(mfa = "ON", rememberDevices = true)
        Emulator.user(pool, "leo")
        val events = Collections.synchronizedList(mutableListOf<AuthEvent>())
        val logs = Collections.synchronizedList(mutableListOf<LogRecord>())
        // The run's leak scan (LeakScan) keeps seeing the records while this handler is set.
        CognitoAuth.setLogHandler(LogLevel.DEBUG) { logs += it; LeakScan.record(it) }
        try {
            val auth = CognitoAuth.builder(pool.poolId, pool.clientId)
                .endpointUrl(Emulator.endpoint)
                .store(InMemorySecretStore())
                .onEvent { events += it }
                .build()
            auth.signIn("leo", PASSWORD)
            val code = Emulator.lastCode(pool, "leo")
            val done = auth.confirmSignIn(code)
            val deviceKey = (done.device as DeviceOutcome.Tracked).deviceKey
            auth.fetchAuthSession(forceRefresh = true)
            auth.signOut()

            assertEquals(
                listOf(
                    AuthEvent.SignedIn("leo"),
                    AuthEvent.DeviceRemembered(deviceKey),
                    AuthEvent.TokensRefreshed,
                    AuthEvent.SignedOut,
                ),
                events.toList(),
            )
            // A snapshot: the logger is process-wide, and Rust threads may still be logging.
            val logged = synchronized(logs) { logs.toList() }
            val core = logged.filter { it.target.startsWith("cognito_auth_core") }
            assertTrue(core.any { it.level == LogLevel.DEBUG && it.message.contains("operation=InitiateAuth") }, "$core")
            assertTrue(core.any { it.level == LogLevel.INFO && it.message.contains("signed in") }, "$core")
            for (record in logged) {
                assertTrue(!record.message.contains(PASSWORD) && !record.message.contains(code), "secret logged: $record")
                assertTrue(!record.message.contains("eyJ"), "token logged: $record")
            }
        } finally {
            LeakScan.install() // back to the run's TRACE capture
        }
    }
}
