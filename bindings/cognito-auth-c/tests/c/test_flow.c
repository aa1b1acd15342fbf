/*
 * The C ABI of cognito-auth exercised exactly as the Dart package calls it: JSON requests,
 * completion callbacks on library threads, owned result strings freed with cognito_string_free,
 * a secret store implemented here as a CognitoSecretStore vtable. Runs against a local
 * cognito-emulator:
 *
 *   test_flow http://127.0.0.1:PORT
 *
 * Prints "ok - name" / "not ok - name" per check and "c-ffi: N passed, M failed"; exits 1 on
 * any failure. Meant to run under valgrind --leak-check=full --error-exitcode=1 as well.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cognito_auth.h"

static int passed = 0, failed = 0;

static void check(int ok, const char *name, const char *detail) {
    if (ok) {
        passed++;
        printf("ok - %s\n", name);
    } else {
        failed++;
        printf("not ok - %s%s%s\n", name, detail ? ": " : "", detail ? detail : "");
    }
    fflush(stdout);
}

/* ---------------------------------------------------------------------------------------- */
/* A tiny HTTP/1.1 client for the emulator's admin API and outbox (127.0.0.1 only).           */

static char emu_host[64] = "127.0.0.1";
static int emu_port = 0;

static char *http(const char *method, const char *path, const char *target, const char *body) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)emu_port);
    inet_pton(AF_INET, emu_host, &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return NULL;
    }
    size_t body_len = body ? strlen(body) : 0;
    char *req = NULL;
    int n = asprintf(&req,
                     "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
                     "Content-Type: application/x-amz-json-1.1\r\n%s%s%sContent-Length: %zu\r\n\r\n%s",
                     method, path, emu_host, emu_port, target ? "X-Amz-Target: AWSCognitoIdentityProviderService." : "",
                     target ? target : "", target ? "\r\n" : "", body_len, body ? body : "");
    if (n < 0) {
        close(fd);
        return NULL;
    }
    for (size_t off = 0; off < (size_t)n;) {
        ssize_t w = write(fd, req + off, (size_t)n - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    free(req);
    size_t cap = 8192, len = 0;
    char *resp = malloc(cap);
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap *= 2;
            resp = realloc(resp, cap);
        }
        ssize_t r = read(fd, resp + len, 4096);
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    resp[len] = '\0';
    char *start = strstr(resp, "\r\n\r\n");
    char *out = strdup(start ? start + 4 : "");
    free(resp);
    return out;
}

static char *admin(const char *operation, const char *body) { return http("POST", "/", operation, body); }

/* The string value of "key" in a JSON text (no escapes expected), malloc'd; NULL if absent. */
static char *json_str(const char *json, const char *key) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *at = json ? strstr(json, pattern) : NULL;
    if (!at) return NULL;
    at += strlen(pattern);
    const char *end = strchr(at, '"');
    return end ? strndup(at, (size_t)(end - at)) : NULL;
}

static int count(const char *json, const char *needle) {
    int n = 0;
    for (const char *p = json; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* ---------------------------------------------------------------------------------------- */
/* Waiting for a completion callback, as Dart's Completer does.                                */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;
    int32_t code;
    char *json; /* owned: freed with cognito_string_free */
    pthread_t thread;
} Call;

static void on_complete(void *user_data, int32_t code, char *json) {
    Call *call = user_data;
    pthread_mutex_lock(&call->lock);
    call->code = code;
    call->json = json; /* ownership moves to the waiter */
    call->thread = pthread_self();
    call->done = 1;
    pthread_cond_signal(&call->cond);
    pthread_mutex_unlock(&call->lock);
}

/* Runs one operation through cognito_call and waits for its callback. The result JSON is
 * returned (owned). */
static int32_t run(int32_t op, uint64_t client, const char *request, char **json) {
    Call call = {.done = 0, .json = NULL};
    pthread_mutex_init(&call.lock, NULL);
    pthread_cond_init(&call.cond, NULL);
    /* The request is copied before the call returns: a stack buffer is fine. */
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", request ? request : "");
    CognitoErrorCode started = cognito_call(client, op, request ? copy : NULL, on_complete, &call);
    memset(copy, 0, sizeof copy);
    if (started != COGNITO_ERROR_CODE_OK) {
        *json = NULL;
        return started;
    }
    pthread_mutex_lock(&call.lock);
    while (!call.done) pthread_cond_wait(&call.cond, &call.lock);
    pthread_mutex_unlock(&call.lock);
    pthread_mutex_destroy(&call.lock);
    pthread_cond_destroy(&call.cond);
    if (pthread_equal(call.thread, pthread_self())) {
        fprintf(stderr, "callback ran on the calling thread\n");
        exit(2);
    }
    *json = call.json;
    return call.code;
}

/* ---------------------------------------------------------------------------------------- */
/* A secret store in C: a list under a mutex. get/set complete inside the callback; remove    */
/* completes later from another thread (as a Dart NativeCallable.listener would).              */

typedef struct Item {
    char *key, *value;
    struct Item *next;
} Item;

typedef struct {
    pthread_mutex_t lock;
    Item *items;
    int sets, gets, removes, released;
} Store;

static Item **find(Store *s, const char *key) {
    Item **at = &s->items;
    while (*at && strcmp((*at)->key, key) != 0) at = &(*at)->next;
    return at;
}

static void store_get(void *context, uint64_t request, const char *key) {
    Store *s = context;
    pthread_mutex_lock(&s->lock);
    s->gets++;
    Item **at = find(s, key);
    char *value = *at ? strdup((*at)->value) : NULL;
    pthread_mutex_unlock(&s->lock);
    cognito_store_complete(request, 0, value); /* copied by the library */
    free(value);
}

static void store_set(void *context, uint64_t request, const char *key, const char *value) {
    Store *s = context;
    pthread_mutex_lock(&s->lock);
    s->sets++;
    Item **at = find(s, key);
    if (*at) {
        free((*at)->value);
        (*at)->value = strdup(value);
    } else {
        Item *item = malloc(sizeof *item);
        item->key = strdup(key);
        item->value = strdup(value);
        item->next = NULL;
        *at = item;
    }
    pthread_mutex_unlock(&s->lock);
    cognito_store_complete(request, 0, NULL);
}

static void *complete_later(void *arg) {
    uint64_t request = *(uint64_t *)arg;
    free(arg);
    usleep(1000);
    cognito_store_complete(request, 0, NULL);
    return NULL;
}

static void store_remove(void *context, uint64_t request, const char *key) {
    Store *s = context;
    pthread_mutex_lock(&s->lock);
    s->removes++;
    Item **at = find(s, key);
    if (*at) {
        Item *gone = *at;
        *at = gone->next;
        free(gone->key);
        free(gone->value);
        free(gone);
    }
    pthread_mutex_unlock(&s->lock);
    uint64_t *arg = malloc(sizeof *arg);
    *arg = request;
    pthread_t t;
    pthread_create(&t, NULL, complete_later, arg);
    pthread_detach(t);
}

static void store_release(void *context) {
    Store *s = context;
    pthread_mutex_lock(&s->lock);
    s->released++;
    pthread_mutex_unlock(&s->lock);
}

static void store_init(Store *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
}

static int store_has_key_containing(Store *s, const char *part) {
    pthread_mutex_lock(&s->lock);
    int found = 0;
    for (Item *i = s->items; i; i = i->next)
        if (strstr(i->key, part)) found = 1;
    pthread_mutex_unlock(&s->lock);
    return found;
}

static void store_destroy(Store *s) {
    for (Item *i = s->items; i;) {
        Item *next = i->next;
        free(i->key);
        free(i->value);
        free(i);
        i = next;
    }
    pthread_mutex_destroy(&s->lock);
}

/* ---------------------------------------------------------------------------------------- */
/* Events.                                                                                     */

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static char events_seen[4096];

static void on_event(void *user_data, char *event_json) {
    (void)user_data;
    pthread_mutex_lock(&events_lock);
    strncat(events_seen, event_json, sizeof events_seen - strlen(events_seen) - 1);
    pthread_mutex_unlock(&events_lock);
    cognito_string_free(event_json);
}

/* ---------------------------------------------------------------------------------------- */

static const char *USERNAME = "alice";
static const char *PASSWORD = "Correct-Horse-9!";
static char pool_id[128], client_id[128];

static int message_count(void) {
    char path[512];
    snprintf(path, sizeof path, "/_emulator/messages?userPoolId=%s&username=%s", pool_id, USERNAME);
    char *body = http("GET", path, NULL, NULL);
    int n = count(body, "\"code\":");
    free(body);
    return n;
}

static char *latest_code(void) {
    char path[512];
    snprintf(path, sizeof path, "/_emulator/messages?userPoolId=%s&username=%s", pool_id, USERNAME);
    char *body = http("GET", path, NULL, NULL);
    char *code = NULL;
    for (const char *p = body; p && (p = strstr(p, "\"code\":\"")); p += 8) {
        free(code);
        code = json_str(p, "code");
    }
    free(body);
    return code;
}

static int set_up_pool(void) {
    char *r = admin("CreateUserPool",
                    "{\"PoolName\":\"c-ffi\",\"MfaConfiguration\":\"ON\",\"DeviceConfiguration\":"
                    "{\"ChallengeRequiredOnNewDevice\":true,\"DeviceOnlyRememberedOnUserPrompt\":true}}");
    char *id = json_str(r, "Id");
    free(r);
    if (!id) return 0;
    snprintf(pool_id, sizeof pool_id, "%s", id);
    free(id);
    char body[2048];
    snprintf(body, sizeof body,
             "{\"UserPoolId\":\"%s\",\"MfaConfiguration\":\"ON\",\"SmsMfaConfiguration\":{\"SmsConfiguration\":"
             "{\"SnsCallerArn\":\"arn:aws:iam::123456789012:role/sns\"}},\"SoftwareTokenMfaConfiguration\":{\"Enabled\":true}}",
             pool_id);
    free(admin("SetUserPoolMfaConfig", body));
    snprintf(body, sizeof body,
             "{\"UserPoolId\":\"%s\",\"ClientName\":\"c-ffi\",\"GenerateSecret\":false,\"ExplicitAuthFlows\":"
             "[\"ALLOW_USER_SRP_AUTH\",\"ALLOW_REFRESH_TOKEN_AUTH\"]}",
             pool_id);
    r = admin("CreateUserPoolClient", body);
    char *cid = json_str(r, "ClientId");
    free(r);
    if (!cid) return 0;
    snprintf(client_id, sizeof client_id, "%s", cid);
    free(cid);
    snprintf(body, sizeof body,
             "{\"UserPoolId\":\"%s\",\"Username\":\"%s\",\"MessageAction\":\"SUPPRESS\",\"UserAttributes\":["
             "{\"Name\":\"email\",\"Value\":\"alice@example.com\"},{\"Name\":\"email_verified\",\"Value\":\"true\"},"
             "{\"Name\":\"phone_number\",\"Value\":\"+15555550199\"},{\"Name\":\"phone_number_verified\",\"Value\":\"true\"}]}",
             pool_id, USERNAME);
    free(admin("AdminCreateUser", body));
    snprintf(body, sizeof body,
             "{\"UserPoolId\":\"%s\",\"Username\":\"%s\",\"Password\":\"%s\",\"Permanent\":true}", pool_id,
             USERNAME, PASSWORD);
    free(admin("AdminSetUserPassword", body));
    return 1;
}

static char config[1024];

static uint64_t new_client(Store *store) {
    CognitoSecretStore vtable = {
        .context = store, .get = store_get, .set = store_set, .remove = store_remove, .release = store_release};
    uint64_t client = 0;
    char *error = NULL;
    CognitoErrorCode code = cognito_client_new(config, &vtable, &client, &error);
    if (code != COGNITO_ERROR_CODE_OK) {
        fprintf(stderr, "cognito_client_new: %d %s\n", (int)code, error ? error : "");
        cognito_string_free(error);
        exit(2);
    }
    return client;
}

/* Signs in; answers SMS MFA from the outbox when asked. Returns 1 if MFA was asked. */
static int sign_in_answering_mfa(uint64_t client, char **final_json) {
    char request[256], *json = NULL;
    snprintf(request, sizeof request, "{\"username\":\"%s\",\"password\":\"%s\"}", USERNAME, PASSWORD);
    int32_t code = run(COGNITO_OPERATION_SIGN_IN, client, request, &json);
    if (code != COGNITO_ERROR_CODE_OK) {
        *final_json = json;
        return -1;
    }
    if (strstr(json, "\"isSignedIn\":true")) {
        *final_json = json;
        return 0;
    }
    cognito_string_free(json);
    char *sms = latest_code();
    snprintf(request, sizeof request, "{\"challengeResponse\":\"%s\"}", sms ? sms : "");
    free(sms);
    code = run(COGNITO_OPERATION_CONFIRM_SIGN_IN, client, request, &json);
    *final_json = json;
    return code == COGNITO_ERROR_CODE_OK ? 1 : -1;
}

static void test_abi_misuse(void) {
    char *json = NULL, *error = NULL;
    uint64_t client = 7;

    check(strcmp(cognito_version(), "0.1.0") == 0, "cognito_version is static and current", cognito_version());
    check(strcmp(cognito_error_code_name(COGNITO_ERROR_CODE_CODE_MISMATCH), "CODE_MISMATCH") == 0 &&
              strcmp(cognito_error_code_name(9999), "UNKNOWN") == 0,
          "cognito_error_code_name", NULL);
    char *name = cognito_default_device_name();
    check(name && strstr(name, "cognito-auth"), "default device name is an owned string", name);
    cognito_string_free(name);
    cognito_string_free(NULL);

    check(cognito_client_new(config, NULL, &client, &error) == COGNITO_ERROR_CODE_NULL_ARGUMENT && client == 0 &&
              error && strstr(error, "\"code\":1"),
          "a NULL store is refused with an error JSON", error);
    cognito_string_free(error);
    error = NULL;
    CognitoSecretStore incomplete = {0};
    check(cognito_client_new(config, &incomplete, &client, NULL) == COGNITO_ERROR_CODE_NULL_ARGUMENT,
          "a store without callbacks is refused", NULL);
    Store unused;
    store_init(&unused);
    CognitoSecretStore full = {
        .context = &unused, .get = store_get, .set = store_set, .remove = store_remove, .release = store_release};
    check(cognito_client_new("{\"endpoint\":1}", &full, &client, NULL) == COGNITO_ERROR_CODE_INVALID_JSON &&
              unused.released == 1 && unused.gets == 0,
          "a failed cognito_client_new releases the store it copied", NULL);
    store_destroy(&unused);
    check(cognito_client_new(NULL, NULL, NULL, NULL) == COGNITO_ERROR_CODE_NULL_ARGUMENT,
          "NULL out_client is refused", NULL);
    /* The platform store on this Linux host: no Keychain, and no JVM for the Android Keystore —
     * a STORAGE error that says why, never a client over memory. */
    check(cognito_client_new_with_platform_store(config, "{\"directory\":\"/tmp/cognito-c-test\"}", &client,
                                                 &error) == COGNITO_ERROR_CODE_STORAGE &&
              client == 0 && error && strstr(error, "System.loadLibrary"),
          "the platform store without a JVM -> STORAGE, no fallback to memory", error);
    cognito_string_free(error);
    error = NULL;
    check(cognito_client_new_with_platform_store(config, NULL, &client, &error) == COGNITO_ERROR_CODE_INVALID_JSON &&
              error && strstr(error, "directory"),
          "the platform store without a directory (Android) -> INVALID_JSON naming it", error);
    cognito_string_free(error);
    error = NULL;
    check(strcmp(cognito_error_code_name(COGNITO_ERROR_CODE_LOCAL_STATE_UNREADABLE), "LOCAL_STATE_UNREADABLE") == 0,
          "LOCAL_STATE_UNREADABLE has its name", NULL);
    check(cognito_client_new_in_memory_for_tests("{not json", &client, &error) == COGNITO_ERROR_CODE_INVALID_JSON && error,
          "malformed configuration JSON -> INVALID_JSON", error);
    cognito_string_free(error);
    error = NULL;
    check(cognito_client_new_in_memory_for_tests("{\"userPoolId\":\"p\",\"clientId\":\"c\"}", &client, &error) ==
                  COGNITO_ERROR_CODE_INVALID_JSON &&
              strstr(error, "endpoint"),
          "a configuration without endpoint or region is refused", error);
    cognito_string_free(error);
    error = NULL;

    check(cognito_call(123456, COGNITO_OPERATION_SIGN_IN, "{}", NULL, NULL) == COGNITO_ERROR_CODE_NULL_ARGUMENT,
          "a NULL callback is refused and never called", NULL);
    check(cognito_call(123456, 999, "{}", on_complete, NULL) == COGNITO_ERROR_CODE_UNKNOWN_OPERATION &&
              cognito_call(123456, 0, "{}", on_complete, NULL) == COGNITO_ERROR_CODE_UNKNOWN_OPERATION,
          "an unknown operation is refused and the callback never called", NULL);
    int32_t code = run(COGNITO_OPERATION_FETCH_DEVICES, 123456, NULL, &json);
    check(code == COGNITO_ERROR_CODE_INVALID_HANDLE && strstr(json, "\"kind\":\"USAGE\""),
          "an unknown client handle -> INVALID_HANDLE through the callback", json);
    cognito_string_free(json);

    check(cognito_client_new_in_memory_for_tests(config, &client, NULL) == COGNITO_ERROR_CODE_OK && client != 0,
          "in-memory client for tests", NULL);
    code = run(COGNITO_OPERATION_SIGN_IN, client, "[1,2]", &json);
    check(code == COGNITO_ERROR_CODE_INVALID_JSON, "a request that is not an object -> INVALID_JSON", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_SIGN_IN, client, "{\"password\":\"x\"}", &json);
    check(code == COGNITO_ERROR_CODE_INVALID_JSON && strstr(json, "username"),
          "a request without username -> INVALID_JSON naming it", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_SIGN_IN, client, "{\"username\":\"a\",\"pasword\":\"x\"}", &json);
    check(code == COGNITO_ERROR_CODE_INVALID_JSON && strstr(json, "pasword"),
          "a misspelt request field -> INVALID_JSON naming it (nothing sent)", json);
    cognito_string_free(json);
    const char bad_utf8[] = {'{', '"', 'u', '"', ':', '"', (char)0xff, '"', '}', 0};
    code = run(COGNITO_OPERATION_SIGN_IN, client, bad_utf8, &json);
    check(code == COGNITO_ERROR_CODE_INVALID_UTF8, "a request that is not UTF-8 -> INVALID_UTF8", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_CONFIRM_SIGN_IN, client, "{\"challengeResponse\":\"123456\"}", &json);
    check(code == COGNITO_ERROR_CODE_INVALID_STATE, "confirm_sign_in with no sign-in -> INVALID_STATE", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_FETCH_DEVICES, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_SIGNED_OUT, "fetch_devices signed out -> SIGNED_OUT", json);
    cognito_string_free(json);
    char request[256];
    snprintf(request, sizeof request, "{\"username\":\"%s\",\"password\":\"Wrong-Password-1!\"}", USERNAME);
    code = run(COGNITO_OPERATION_SIGN_IN, client, request, &json);
    check(code == COGNITO_ERROR_CODE_NOT_AUTHORIZED && strstr(json, "\"exceptionName\":\"NotAuthorizedException\""),
          "a wrong password -> NOT_AUTHORIZED with the exception name", json);
    cognito_string_free(json);

    check(cognito_client_free(client) == COGNITO_ERROR_CODE_OK, "cognito_client_free", NULL);
    check(cognito_client_free(client) == COGNITO_ERROR_CODE_INVALID_HANDLE,
          "a second cognito_client_free -> INVALID_HANDLE (no double free)", NULL);
    check(cognito_store_complete(UINT64_MAX, 0, NULL) == COGNITO_ERROR_CODE_UNKNOWN_STORE_REQUEST,
          "completing an unknown store request -> UNKNOWN_STORE_REQUEST", NULL);

    char *uri = NULL;
    check(cognito_totp_setup_uri("{\"sharedSecret\":\"ABC\",\"username\":\"alice\"}", "My App", &uri) ==
                  COGNITO_ERROR_CODE_OK &&
              uri && strcmp(uri, "otpauth://totp/My%20App:alice?secret=ABC&issuer=My%20App") == 0,
          "cognito_totp_setup_uri", uri);
    cognito_string_free(uri);
    check(cognito_totp_setup_uri(NULL, "x", &uri) == COGNITO_ERROR_CODE_NULL_ARGUMENT && uri == NULL,
          "cognito_totp_setup_uri with NULL details", NULL);
}

static void test_flows(void) {
    Store store, other_store;
    store_init(&store);
    store_init(&other_store);
    char *json = NULL, request[256];
    int32_t code;

    uint64_t client = new_client(&store);
    check(cognito_client_set_event_callback(client, on_event, NULL) == COGNITO_ERROR_CODE_OK, "event callback set",
          NULL);

    /* 1. SMS MFA, with a wrong code first. */
    snprintf(request, sizeof request, "{\"username\":\"%s\",\"password\":\"%s\"}", USERNAME, PASSWORD);
    code = run(COGNITO_OPERATION_SIGN_IN, client, request, &json);
    check(code == COGNITO_ERROR_CODE_OK && strstr(json, "\"signInStep\":\"CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE\"") &&
              strstr(json, "\"deliveryMedium\":\"SMS\"") && !strstr(json, "+15555550199"),
          "sign_in -> CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE (masked destination)", json);
    cognito_string_free(json);

    code = run(COGNITO_OPERATION_CONFIRM_SIGN_IN, client, "{\"challengeResponse\":\"000000\"}", &json);
    check(code == COGNITO_ERROR_CODE_CODE_MISMATCH && strstr(json, "\"exceptionName\":\"CodeMismatchException\"") &&
              strstr(json, "\"code\":105") && strstr(json, "\"retryable\":false"),
          "a wrong SMS code -> CODE_MISMATCH (105, CodeMismatchException)", json);
    cognito_string_free(json);

    code = run(COGNITO_OPERATION_PENDING_SIGN_IN_STEP, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK && strstr(json, "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"),
          "the same step is still pending after the wrong code", json);
    cognito_string_free(json);

    char *sms = latest_code();
    snprintf(request, sizeof request, "{\"challengeResponse\":\"%s\"}", sms ? sms : "");
    free(sms);
    code = run(COGNITO_OPERATION_CONFIRM_SIGN_IN, client, request, &json);
    check(code == COGNITO_ERROR_CODE_OK && strstr(json, "\"isSignedIn\":true") &&
              strstr(json, "\"signInStep\":\"DONE\"") && strstr(json, "\"type\":\"TRACKED\"") &&
              strstr(json, "\"askUserToRemember\":true"),
          "the SMS code from the outbox signs in; the device is tracked (opt-in)", json);
    char *first_device = json_str(json, "deviceKey");
    cognito_string_free(json);

    check(store_has_key_containing(&store, "/device") && store_has_key_containing(&store, "/tokens"),
          "tokens and device secret went into the C store", NULL);

    code = run(COGNITO_OPERATION_FETCH_AUTH_SESSION, client, "{\"forceRefresh\":false}", &json);
    check(code == COGNITO_ERROR_CODE_OK && strstr(json, "\"isSignedIn\":true") && strstr(json, "\"accessToken\":\""),
          "fetch_auth_session has tokens", NULL);
    cognito_string_free(json);

    code = run(COGNITO_OPERATION_GET_CURRENT_USER, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK && strstr(json, "\"username\":\"alice\""), "get_current_user", json);
    cognito_string_free(json);

    /* 2. Remember the device; the next sign-in skips MFA. */
    code = run(COGNITO_OPERATION_REMEMBER_DEVICE, client, "{}", &json);
    check(code == COGNITO_ERROR_CODE_OK, "remember_device", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_CURRENT_DEVICE_STATUS, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK && strstr(json, "\"status\":\"REMEMBERED\""), "the device is REMEMBERED",
          json);
    cognito_string_free(json);

    code = run(COGNITO_OPERATION_SIGN_OUT, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK, "sign_out", json);
    cognito_string_free(json);

    int before = message_count();
    int asked = sign_in_answering_mfa(client, &json);
    check(asked == 0 && strstr(json, "\"isSignedIn\":true") && message_count() == before,
          "signing in again on the remembered device skips MFA (no SMS sent)", json);
    cognito_string_free(json);

    /* 3. A second device (another store); list and forget devices. */
    uint64_t other = new_client(&other_store);
    asked = sign_in_answering_mfa(other, &json);
    check(asked == 1 && strstr(json, "\"isSignedIn\":true"), "a second device signs in with SMS MFA", json);
    char *second_device = json_str(json, "deviceKey");
    cognito_string_free(json);

    code = run(COGNITO_OPERATION_FETCH_DEVICES, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK && count(json, "\"id\":") == 2 && count(json, "\"isCurrentDevice\":true") == 1 &&
              first_device && strstr(json, first_device),
          "fetch_devices lists both devices, this one marked current", json);
    cognito_string_free(json);

    snprintf(request, sizeof request, "{\"deviceId\":\"%s\"}", second_device ? second_device : "");
    code = run(COGNITO_OPERATION_FORGET_DEVICE, client, request, &json);
    check(code == COGNITO_ERROR_CODE_OK, "forget_device(other device)", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_FETCH_DEVICES, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK && count(json, "\"id\":") == 1 && second_device && !strstr(json, second_device),
          "the forgotten device is no longer listed", json);
    cognito_string_free(json);

    code = run(COGNITO_OPERATION_FORGET_DEVICE, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK, "forget_device(this device)", json);
    cognito_string_free(json);
    code = run(COGNITO_OPERATION_CURRENT_DEVICE_STATUS, client, NULL, &json);
    check(code == COGNITO_ERROR_CODE_OK &&
              strstr(json, "\"status\":\"FORGOTTEN\""),
          "this device is no longer tracked", json);
    cognito_string_free(json);
    check(store.removes > 0, "forgetting removed the device secret through the store (async completion)", NULL);

    code = run(COGNITO_OPERATION_SIGN_OUT, client, "{\"globalSignOut\":false}", &json);
    cognito_string_free(json);
    asked = sign_in_answering_mfa(client, &json);
    check(asked == 1, "after forgetting, MFA is asked again", json);
    cognito_string_free(json);

    pthread_mutex_lock(&events_lock);
    int saw_events = strstr(events_seen, "\"event\":\"SIGNED_IN\"") && strstr(events_seen, "DEVICE_REMEMBERED") &&
                     strstr(events_seen, "SIGNED_OUT");
    pthread_mutex_unlock(&events_lock);
    check(saw_events, "events SIGNED_IN, DEVICE_REMEMBERED, SIGNED_OUT reached the event callback", events_seen);

    /* 4. Free: the store is released once nothing uses it any more. */
    check(cognito_client_free(client) == COGNITO_ERROR_CODE_OK && cognito_client_free(other) == COGNITO_ERROR_CODE_OK,
          "both clients freed", NULL);
    for (int i = 0; i < 200 && !(store.released && other_store.released); i++) usleep(10000);
    check(store.released == 1 && other_store.released == 1, "each store's release was called exactly once", NULL);

    free(first_device);
    free(second_device);
    store_destroy(&store);
    store_destroy(&other_store);
}

int main(int argc, char **argv) {
    if (argc < 2 || sscanf(argv[1], "http://%63[^:]:%d", emu_host, &emu_port) != 2) {
        fprintf(stderr, "usage: %s http://127.0.0.1:PORT\n", argv[0]);
        return 2;
    }
    if (strcmp(emu_host, "127.0.0.1") != 0 && strcmp(emu_host, "localhost") != 0) {
        fprintf(stderr, "refusing a non-loopback emulator: %s\n", argv[1]);
        return 2;
    }
    if (strcmp(emu_host, "localhost") == 0) snprintf(emu_host, sizeof emu_host, "127.0.0.1");
    if (!set_up_pool()) {
        fprintf(stderr, "could not create the pool on %s\n", argv[1]);
        return 2;
    }
    snprintf(config, sizeof config,
             "{\"endpoint\":{\"url\":\"%s\"},\"userPoolId\":\"%s\",\"clientId\":\"%s\",\"deviceName\":\"C test device\"}",
             argv[1],
             pool_id, client_id);
    test_abi_misuse();
    test_flows();

    /* Stop the runtime so that its threads are joined before the leak check. */
    check(cognito_runtime_shutdown() == COGNITO_ERROR_CODE_OK, "cognito_runtime_shutdown", NULL);
    uint64_t late = 0;
    check(cognito_client_new_in_memory_for_tests(config, &late, NULL) == COGNITO_ERROR_CODE_RUNTIME_UNAVAILABLE && late == 0 &&
              cognito_call(1, COGNITO_OPERATION_SIGN_IN, "{}", on_complete, NULL) ==
                  COGNITO_ERROR_CODE_RUNTIME_UNAVAILABLE,
          "after shutdown: RUNTIME_UNAVAILABLE, and the callback is never called", NULL);
    printf("c-ffi: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
