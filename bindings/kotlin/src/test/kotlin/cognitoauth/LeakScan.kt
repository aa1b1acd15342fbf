// The secret-leak scan of the Kotlin run: every log record of the core at TRACE level, and the
// printed forms (toString, message) of what tests hand in, searched for every secret the run
// used. Registered for every test class by LeakScanExtension (JUnit's extension autodetection,
// src/test/resources), so the whole run is scanned.
package cognitoauth

import cognitoauth.ffi.LogLevel
import cognitoauth.ffi.LogRecord
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.extension.AfterAllCallback
import org.junit.jupiter.api.extension.BeforeAllCallback
import org.junit.jupiter.api.extension.ExtensionContext

/**
 * Secrets come from the emulator (`GET /_emulator/secrets`: every password, code — right or
 * wrong —, token, TOTP secret and client secret that crossed its API) and from the test stores
 * ([InMemorySecretStore] registers the device secrets and tokens the core writes). Secrets shorter
 * than [MIN_SECRET_LENGTH] are not searched for; all-digit ones (codes) match only as whole
 * numbers, so timestamps and counters cannot pass for a code.
 */
object LeakScan {
    const val MIN_SECRET_LENGTH = 6

    private val records = mutableListOf<String>()
    private val printed = mutableListOf<String>()
    private val localSecrets = mutableSetOf<String>()
    private var installed = false
    private val http: HttpClient = HttpClient.newHttpClient()

    /** The totals of a scan. */
    data class Totals(val logRecords: Int, val printedForms: Int, val secrets: Int, val shortSecrets: Int, val hits: Int) {
        override fun toString() =
            "$logRecords log records, $printedForms printed forms, $secrets secrets " +
                "($shortSecrets shorter than $MIN_SECRET_LENGTH not searched), $hits hits"
    }

    /** Forwards the core's log records at TRACE level to the scan (again, after a test replaced the logger). */
    @Synchronized
    fun install() {
        CognitoAuth.setLogHandler(LogLevel.TRACE) { record(it) }
        installed = true
    }

    @Synchronized
    fun installOnce() {
        if (!installed) install()
    }

    /** A log record (for a test that installs its own handler for a while: pass them on). */
    fun record(record: LogRecord) {
        val text = "${record.level} ${record.target}: ${record.message}"
        synchronized(records) { records += text }
    }

    /** Log records captured so far that contain [needle]. */
    fun recordsContaining(needle: String): List<String> = synchronized(records) { records.filter { needle in it } }

    /** Adds `toString()` of [value]; of an exception also its message. */
    fun printed(value: Any?) {
        val forms = mutableListOf(value.toString())
        if (value is Throwable) {
            forms += listOfNotNull(value.message, value.localizedMessage, value.cause?.toString())
        }
        synchronized(printed) { printed += forms }
    }

    /** Registers a secret the emulator cannot see (a device secret, a value a test made up). */
    fun secret(value: String) {
        synchronized(localSecrets) { localSecrets += value }
    }

    /** Registers the secret fields of a JSON record the core stored. */
    fun secretsInRecord(json: String) {
        val value = runCatching { JSONObject(json) }.getOrNull() ?: return
        collect(value)
    }

    private fun collect(value: Any?) {
        when (value) {
            is JSONObject -> value.keys().forEach { key ->
                val field = value.get(key)
                if (field is String && isSecretField(key) && field.isNotEmpty()) secret(field) else collect(field)
            }
            is JSONArray -> (0 until value.length()).forEach { collect(value.get(it)) }
        }
    }

    /** Field names holding secrets: the core's stored records (`device_secret`, `access_token`, ...). */
    private fun isSecretField(name: String): Boolean {
        val key = name.replace("_", "").lowercase()
        return listOf("password", "code", "token", "secret").any { key.endsWith(it) }
    }

    /** Whether [text] contains [secret]: anywhere, or for an all-digit secret as a whole number. */
    fun containsSecret(text: String, secret: String): Boolean {
        if (!secret.all { it.isDigit() }) return secret in text
        var at = text.indexOf(secret)
        while (at >= 0) {
            val before = text.getOrNull(at - 1)
            val after = text.getOrNull(at + secret.length)
            if (before?.isDigit() != true && after?.isDigit() != true) return true
            at = text.indexOf(secret, at + 1)
        }
        return false
    }

    /** The emulator's secrets and the local ones. */
    fun secrets(): Set<String> {
        val request = HttpRequest.newBuilder(URI.create("${Emulator.endpoint}/_emulator/secrets")).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "secrets hook: ${response.body()}" }
        val body = JSONObject(response.body())
        check(!body.getBoolean("truncated")) { "the emulator dropped secrets" }
        val list = body.getJSONArray("secrets")
        return (0 until list.length()).map { list.getString(it) }.toSet() + synchronized(localSecrets) { localSecrets.toSet() }
    }

    /** Searches every record and printed form for every secret; the totals, or an AssertionError naming the hits (masked). */
    fun check(): Totals {
        val all = secrets()
        val searched = all.filter { it.length >= MIN_SECRET_LENGTH }
        val texts = synchronized(records) { records.map { "log record" to it } } +
            synchronized(printed) { printed.map { "printed form" to it } }
        val hits = texts.mapNotNull { (kind, text) ->
            val found = searched.filter { containsSecret(text, it) }
            if (found.isEmpty()) {
                null
            } else {
                var masked = text
                found.forEach { masked = masked.replace(it, "<secret, ${it.length} chars>") }
                "$kind: $masked"
            }
        }
        val totals = Totals(
            logRecords = texts.count { it.first == "log record" },
            printedForms = texts.count { it.first == "printed form" },
            secrets = searched.size,
            shortSecrets = all.size - searched.size,
            hits = hits.size,
        )
        if (hits.isNotEmpty()) {
            throw AssertionError("leak-scan: secrets found ($totals):\n" + hits.joinToString("\n"))
        }
        return totals
    }
}

/**
 * Registered for every test class (autodetection): installs the TRACE capture before the class,
 * and after it scans everything captured so far in the run, failing the class on a hit and
 * printing the run's totals so far (the last line printed is the whole run's).
 */
class LeakScanExtension : BeforeAllCallback, AfterAllCallback {
    override fun beforeAll(context: ExtensionContext) {
        LeakScan.installOnce()
    }

    override fun afterAll(context: ExtensionContext) {
        val totals = LeakScan.check()
        println("leak-scan: kotlin, run so far (after ${context.requiredTestClass.simpleName}): $totals")
    }
}
