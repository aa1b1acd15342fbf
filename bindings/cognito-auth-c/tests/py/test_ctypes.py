"""The C ABI of cognito-auth driven from Python ctypes the way the Dart package drives it.

* One completion callback for every operation; `user_data` carries a request id that finds the
  waiting future (Dart: one `NativeCallable.listener` + a map of `Completer`s).
* The result `char*` is copied, then freed with `cognito_string_free` (ownership rule).
* The secret store is a `CognitoSecretStore` vtable whose callbacks return at once and complete
  the request later from another thread (Dart: `NativeCallable.listener` callbacks).

    python3 test_ctypes.py LIBRARY_PATH http://127.0.0.1:PORT

Prints "ok - ..." per check and "py-ctypes: N passed, M failed"; exits 1 on a failure.
Standard library only; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import ctypes as C
import hashlib
import hmac
import json
import pathlib
import re
import struct
import sys
import threading
import urllib.parse
import urllib.request
import uuid

PASSWORD = "Correct-Horse-9!"
PHONE = "+15555550123"

# The codes and operations come from the header, as a C caller (and the Dart package's tested
# copy) gets them: no second list here.
HEADER = (pathlib.Path(__file__).resolve().parents[2] / "include" / "cognito_auth.h").read_text()
CODES = {name: int(value) for name, value in re.findall(
    r"COGNITO_ERROR_CODE_([A-Z0-9_]+)(?: =|) (\d+)", HEADER)}
OPERATIONS = {name.lower(): int(value) for name, value in re.findall(
    r"COGNITO_OPERATION_([A-Z0-9_]+) = (\d+)", HEADER)}
OK, NULL_ARGUMENT, INVALID_JSON = CODES["OK"], CODES["NULL_ARGUMENT"], CODES["INVALID_JSON"]
INVALID_HANDLE, STORAGE, SIGNED_OUT = CODES["INVALID_HANDLE"], CODES["STORAGE"], CODES["SIGNED_OUT"]
NOT_AUTHORIZED, CODE_MISMATCH = CODES["NOT_AUTHORIZED"], CODES["CODE_MISMATCH"]
LOCAL_STATE_UNREADABLE = CODES["LOCAL_STATE_UNREADABLE"]
STORE_UNREADABLE = int(re.search(r"#define COGNITO_STORE_UNREADABLE (\d+)", HEADER).group(1))

COMPLETION = C.CFUNCTYPE(None, C.c_void_p, C.c_int32, C.c_void_p)
EVENT = C.CFUNCTYPE(None, C.c_void_p, C.c_void_p)
GET = C.CFUNCTYPE(None, C.c_void_p, C.c_uint64, C.c_char_p)
SET = C.CFUNCTYPE(None, C.c_void_p, C.c_uint64, C.c_char_p, C.c_char_p)
REMOVE = C.CFUNCTYPE(None, C.c_void_p, C.c_uint64, C.c_char_p)
RELEASE = C.CFUNCTYPE(None, C.c_void_p)


class SecretStoreVTable(C.Structure):
    _fields_ = [
        ("context", C.c_void_p),
        ("get", GET),
        ("set", SET),
        ("remove", REMOVE),
        ("release", RELEASE),
    ]


class Library:
    def __init__(self, path: str):
        lib = C.CDLL(path)
        self.lib = lib
        lib.cognito_client_new.argtypes = [C.c_char_p, C.POINTER(SecretStoreVTable),
                                           C.POINTER(C.c_uint64), C.POINTER(C.c_void_p)]
        lib.cognito_client_new.restype = C.c_int32
        lib.cognito_client_new_in_memory_for_tests.argtypes = [C.c_char_p, C.POINTER(C.c_uint64),
                                                     C.POINTER(C.c_void_p)]
        lib.cognito_client_new_in_memory_for_tests.restype = C.c_int32
        lib.cognito_client_free.argtypes = [C.c_uint64]
        lib.cognito_client_free.restype = C.c_int32
        lib.cognito_client_set_event_callback.argtypes = [C.c_uint64, EVENT, C.c_void_p]
        lib.cognito_client_set_event_callback.restype = C.c_int32
        lib.cognito_string_free.argtypes = [C.c_void_p]
        lib.cognito_string_free.restype = None
        lib.cognito_store_complete.argtypes = [C.c_uint64, C.c_int32, C.c_char_p]
        lib.cognito_store_complete.restype = C.c_int32
        lib.cognito_error_code_name.argtypes = [C.c_int32]
        lib.cognito_error_code_name.restype = C.c_char_p
        lib.cognito_call.argtypes = [C.c_uint64, C.c_int32, C.c_char_p, COMPLETION, C.c_void_p]
        lib.cognito_call.restype = C.c_int32

        self.pending: dict[int, tuple[threading.Event, list]] = {}
        self.called: set[str] = set()  # the operations this run started
        # Every string the library handed back: results, errors and events (the leak scan).
        self.returned: list[str] = []
        self.next_id = 1
        self.lock = threading.Lock()
        self.completion = COMPLETION(self._on_complete)  # kept alive for the library's lifetime

    def take_string(self, ptr: int | None) -> str | None:
        """Copies a library-owned string and frees it (the ownership rule)."""
        if not ptr:
            return None
        text = C.string_at(ptr).decode("utf-8")
        self.lib.cognito_string_free(ptr)
        with self.lock:
            self.returned.append(text)  # for the secret-leak scan
        return text

    def _on_complete(self, user_data, code, json_ptr):
        text = self.take_string(json_ptr)
        with self.lock:
            event, slot = self.pending.pop(user_data)
        slot.extend([code, json.loads(text), threading.get_ident()])
        event.set()

    def call(self, operation: str, client: int, request: dict | None = None):
        """Starts an operation and waits for its callback: (code, json)."""
        self.called.add(operation)
        with self.lock:
            request_id = self.next_id
            self.next_id += 1
            event, slot = threading.Event(), []
            self.pending[request_id] = (event, slot)
        body = None if request is None else json.dumps(request).encode()
        started = self.lib.cognito_call(
            client, OPERATIONS[operation], body, self.completion, C.c_void_p(request_id))
        if started != OK:
            with self.lock:
                self.pending.pop(request_id)
            return started, None
        assert event.wait(60), f"{operation}: no callback within 60 s"
        code, value, thread = slot
        assert thread != threading.get_ident(), "the callback ran on the calling thread"
        return code, value


class PyStore:
    """A secret store in Python whose callbacks complete later, from another thread."""

    instances: list["PyStore"] = []  # every store of the run (their device secrets: the leak scan)

    def __init__(self, lib: Library, fail_writes: bool = False):
        PyStore.instances.append(self)
        self.lib = lib
        self.values: dict[str, str] = {}
        self.fail_writes = fail_writes
        # Stored records whose key ends with this are reported unreadable (a damaged record).
        self.unreadable: str | None = None
        self.released = threading.Event()
        self.calls = 0
        self.vtable = SecretStoreVTable(
            None, GET(self._get), SET(self._set), REMOVE(self._remove), RELEASE(self._release))

    def _later(self, request: int, status: int, value: str | None):
        def complete():
            arg = None if value is None else value.encode()
            rc = self.lib.lib.cognito_store_complete(request, status, arg)
            assert rc == OK, rc
        threading.Thread(target=complete, daemon=True).start()

    def _get(self, _ctx, request, key):
        self.calls += 1
        if self.unreadable and key.decode().endswith(self.unreadable) and key.decode() in self.values:
            self._later(request, STORE_UNREADABLE, "the record was written with another key")
            return
        self._later(request, 0, self.values.get(key.decode()))

    def _set(self, _ctx, request, key, value):
        self.calls += 1
        if self.fail_writes:
            self._later(request, 1, "the vault is locked")
            return
        self.values[key.decode()] = value.decode()
        self._later(request, 0, None)

    def _remove(self, _ctx, request, key):
        self.calls += 1
        self.values.pop(key.decode(), None)
        self._later(request, 0, None)

    def _release(self, _ctx):
        self.released.set()


class Emulator:
    def __init__(self, url: str):
        host = urllib.parse.urlparse(url).hostname
        assert host in ("127.0.0.1", "localhost"), f"not a loopback emulator: {url}"
        self.url = url.rstrip("/")

    def admin(self, operation: str, body: dict) -> dict:
        req = urllib.request.Request(
            self.url + "/", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/x-amz-json-1.1",
                     "X-Amz-Target": "AWSCognitoIdentityProviderService." + operation})
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw.strip() else {}

    def messages(self, pool_id: str, username: str) -> list:
        q = urllib.parse.urlencode({"userPoolId": pool_id, "username": username})
        with urllib.request.urlopen(f"{self.url}/_emulator/messages?{q}", timeout=10) as resp:
            return json.loads(resp.read() or b"[]")

    def pool(self) -> tuple[str, str]:
        pool_id = self.admin("CreateUserPool", {
            "PoolName": "py-ctypes-" + uuid.uuid4().hex[:6], "MfaConfiguration": "ON",
            "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True,
                                    "DeviceOnlyRememberedOnUserPrompt": True},
        })["UserPool"]["Id"]
        self.admin("SetUserPoolMfaConfig", {
            "UserPoolId": pool_id, "MfaConfiguration": "ON",
            "SmsMfaConfiguration": {"SmsConfiguration": {
                "SnsCallerArn": "arn:aws:iam::123456789012:role/sns"}},
            "SoftwareTokenMfaConfiguration": {"Enabled": True},
        })
        client_id = self.admin("CreateUserPoolClient", {
            "UserPoolId": pool_id, "ClientName": "py-ctypes", "GenerateSecret": False,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        })["UserPoolClient"]["ClientId"]
        return pool_id, client_id

    def open_pool(self) -> tuple[str, str]:
        """A pool without required MFA, with TOTP and e-mail verification, for the account
        operations."""
        pool_id = self.admin("CreateUserPool", {
            "PoolName": "py-ctypes-account-" + uuid.uuid4().hex[:6], "MfaConfiguration": "OPTIONAL",
            "AutoVerifiedAttributes": ["email"],
        })["UserPool"]["Id"]
        self.admin("SetUserPoolMfaConfig", {
            "UserPoolId": pool_id, "MfaConfiguration": "OPTIONAL",
            "SoftwareTokenMfaConfiguration": {"Enabled": True},
        })
        client_id = self.admin("CreateUserPoolClient", {
            "UserPoolId": pool_id, "ClientName": "py-ctypes-account", "GenerateSecret": False,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        })["UserPoolClient"]["ClientId"]
        return pool_id, client_id

    def advance(self, seconds: int):
        req = urllib.request.Request(
            f"{self.url}/_emulator/clock", data=json.dumps({"advanceSeconds": seconds}).encode(),
            method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=10).read()

    def now(self) -> int:
        with urllib.request.urlopen(f"{self.url}/_emulator/clock", timeout=10) as resp:
            return int(json.loads(resp.read())["now"])

    def user(self, pool_id: str, username: str):
        self.admin("AdminCreateUser", {
            "UserPoolId": pool_id, "Username": username, "MessageAction": "SUPPRESS",
            "UserAttributes": [
                {"Name": "phone_number", "Value": PHONE},
                {"Name": "phone_number_verified", "Value": "true"},
            ]})
        self.admin("AdminSetUserPassword", {
            "UserPoolId": pool_id, "Username": username, "Password": PASSWORD,
            "Permanent": True})


def totp(secret: str, now: int) -> str:
    """RFC 6238: HMAC-SHA1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", now // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# The Dart package: the operations its methods start and the symbols it looks up.
FLUTTER = pathlib.Path(__file__).resolve().parents[3] / "flutter" / "lib" / "src"
DART_OPERATIONS = {re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower() for name in re.findall(
    r"CognitoOperation\.(\w+)", (FLUTTER / "cognito_auth.dart").read_text())}
DART_SYMBOLS = set(re.findall(r"'(cognito_\w+)'", (FLUTTER / "native.dart").read_text()))
C_TEST = (pathlib.Path(__file__).resolve().parents[1] / "c" / "test_flow.c").read_text()


class Suite:
    def __init__(self, lib: Library, emu: Emulator):
        self.lib, self.emu = lib, emu
        self.passed = self.failed = 0
        self.pool_id, self.client_id = emu.pool()
        self.username = "bob"
        emu.user(self.pool_id, self.username)

    def check(self, ok: bool, name: str, detail=None):
        if ok:
            self.passed += 1
            print(f"ok - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok - {name}: {detail}", flush=True)

    def config(self) -> bytes:
        return json.dumps({"endpoint": {"url": self.emu.url}, "userPoolId": self.pool_id,
                           "clientId": self.client_id}).encode()

    def new_client(self, store: PyStore | None) -> int:
        handle, error = C.c_uint64(0), C.c_void_p()
        if store is None:
            rc = self.lib.lib.cognito_client_new_in_memory_for_tests(self.config(), C.byref(handle),
                                                           C.byref(error))
        else:
            rc = self.lib.lib.cognito_client_new(self.config(), C.byref(store.vtable),
                                                 C.byref(handle), C.byref(error))
        assert rc == OK, self.lib.take_string(error.value)
        return handle.value

    def sms_count(self) -> int:
        return len(self.emu.messages(self.pool_id, self.username))

    def latest_code(self) -> str:
        return self.emu.messages(self.pool_id, self.username)[-1]["code"]

    def sign_in(self, client: int) -> tuple[bool, dict]:
        """Signs in, answering SMS MFA from the outbox; returns (mfa asked, result)."""
        code, result = self.lib.call("sign_in", client,
                                     {"username": self.username, "password": PASSWORD})
        assert code == OK, result
        if result["isSignedIn"]:
            return False, result
        code, result = self.lib.call("confirm_sign_in", client,
                                     {"challengeResponse": self.latest_code()})
        assert code == OK, result
        return True, result

    def run(self):
        lib = self.lib
        store = PyStore(lib)
        client = self.new_client(store)
        events: list[dict] = []

        def on_event(_ud, ptr):
            events.append(json.loads(lib.take_string(ptr)))
        event_cb = EVENT(on_event)
        self.check(lib.lib.cognito_client_set_event_callback(client, event_cb, None) == OK,
                   "event callback set")

        # SMS MFA with a wrong code first.
        code, r = lib.call("sign_in", client, {"username": self.username, "password": PASSWORD})
        step = r["nextStep"] if code == OK else {}
        self.check(code == OK and step["signInStep"] == "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
                   and step["codeDeliveryDetails"]["deliveryMedium"] == "SMS"
                   and PHONE not in json.dumps(r),
                   "sign_in -> CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE, masked destination", r)
        code, err = lib.call("confirm_sign_in", client, {"challengeResponse": "000000"})
        self.check(code == CODE_MISMATCH and err["code"] == CODE_MISMATCH
                   and err["kind"] == "SERVICE"
                   and err["exceptionName"] == "CodeMismatchException"
                   and err["retryable"] is False and err["message"],
                   "a wrong code -> CODE_MISMATCH with exception name and message", (code, err))
        code, r = lib.call("confirm_sign_in", client, {"challengeResponse": self.latest_code()})
        device = (r or {}).get("device") or {}
        self.check(code == OK and r["isSignedIn"] and device.get("type") == "TRACKED"
                   and device.get("status") == "NOT_REMEMBERED" and device["askUserToRemember"],
                   "the outbox code signs in; device tracked, not yet remembered", r)
        this_device = device.get("deviceKey")
        self.check(any(k.endswith("/device") for k in store.values)
                   and any(k.endswith("/tokens") for k in store.values),
                   "tokens and device secret are in the Python store (async completions)",
                   sorted(store.values))

        # Concurrent session fetches share one client.
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            lib.call("fetch_auth_session", client, {"forceRefresh": False})))
            for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.check(len(results) == 4 and all(c == OK and s["tokens"]["accessToken"]
                                             for c, s in results),
                   "four concurrent fetch_auth_session calls", results)

        # Remember the device; the next sign-in skips MFA.
        code, _ = lib.call("remember_device", client)
        code2, status = lib.call("current_device_status", client)
        self.check(code == OK and code2 == OK and status["status"] == "REMEMBERED",
                   "remember_device -> REMEMBERED", status)
        lib.call("sign_out", client, {"globalSignOut": False})
        before = self.sms_count()
        asked, r = self.sign_in(client)
        self.check(not asked and r["isSignedIn"] and self.sms_count() == before,
                   "the remembered device signs in without MFA (no SMS)", r)
        code, user = lib.call("get_current_user", client)
        self.check(code == OK and user["username"] == self.username, "get_current_user", user)

        # Another device (in-memory store), then list and forget devices.
        other = self.new_client(None)
        asked, r = self.sign_in(other)
        other_device = ((r or {}).get("device") or {}).get("deviceKey")
        self.check(asked and r["isSignedIn"] and other_device, "a second device signs in with MFA", r)
        code, devices = lib.call("fetch_devices", client)
        self.check(code == OK and len(devices) == 2
                   and [d["id"] for d in devices if d["isCurrentDevice"]] == [this_device],
                   "fetch_devices: two devices, this one current", devices)
        code, _ = lib.call("forget_device", client, {"deviceId": other_device})
        code2, devices = lib.call("fetch_devices", client)
        self.check(code == OK and code2 == OK and [d["id"] for d in devices] == [this_device],
                   "forget_device(other) removes it from the list", devices)
        code, _ = lib.call("forget_device", client)
        code2, status = lib.call("current_device_status", client)
        self.check(code == OK and status["status"] == "FORGOTTEN"
                   and not any(json.loads(v).get("device_secret")
                               for k, v in store.values.items() if k.endswith("/device")),
                   "forget_device() forgets this device and deletes its secret", status)
        lib.call("sign_out", client)
        asked, _ = self.sign_in(client)
        self.check(asked, "after forgetting, MFA is asked again")
        names = [e["event"] for e in events]
        self.check("SIGNED_IN" in names and "DEVICE_REMEMBERED" in names
                   and "DEVICE_FORGOTTEN" in names and "SIGNED_OUT" in names,
                   "events reached the event callback", names)

        # Error paths.
        fresh = self.new_client(None)
        code, err = lib.call("sign_in", fresh,
                             {"username": self.username, "password": "Wrong-Password-1!"})
        self.check(code == NOT_AUTHORIZED and err["exceptionName"] == "NotAuthorizedException",
                   "a wrong password -> NOT_AUTHORIZED", err)
        code, err = lib.call("fetch_devices", fresh)
        self.check(code == SIGNED_OUT and err["kind"] == "SIGNED_OUT", "signed out -> SIGNED_OUT", err)
        code, err = lib.call("sign_in", fresh, {"username": 42})
        self.check(code == INVALID_JSON and "username" in err["message"],
                   "a mistyped request -> INVALID_JSON", err)
        self.check(lib.lib.cognito_call(fresh, OPERATIONS["sign_in"], b"{}", COMPLETION(),
                                        None) == NULL_ARGUMENT,
                   "a NULL callback is refused")
        self.check(len(OPERATIONS) >= 28 and "reset_local_state" in OPERATIONS
                   and len(CODES) > 40,
                   "the header lists the operations and the codes", (OPERATIONS, CODES))

        # A store whose records can never be read again (a backup restored elsewhere): a typed
        # error, and resetting the local state lets the user sign in again.
        restored = PyStore(lib)
        victim = self.new_client(restored)
        asked, r = self.sign_in(victim)
        restored.unreadable = "/tokens"
        code, err = lib.call("fetch_auth_session", victim)
        self.check(code == LOCAL_STATE_UNREADABLE and err["kind"] == "LOCAL_STATE_UNREADABLE"
                   and "reset" in err["message"] and err["retryable"] is False,
                   "unreadable records -> LOCAL_STATE_UNREADABLE naming the way out", (code, err))
        code, _ = lib.call("reset_local_state", victim)
        restored.unreadable = None
        code2, session = lib.call("fetch_auth_session", victim)
        self.check(code == OK and code2 == OK and session["isSignedIn"] is False
                   and not any(k.endswith("/tokens") for k in restored.values),
                   "reset_local_state clears the session", (code, code2, session))
        lib.lib.cognito_client_free(victim)
        failing = PyStore(lib, fail_writes=True)
        broken = self.new_client(failing)
        code, err = lib.call("sign_in", broken, {"username": self.username, "password": PASSWORD})
        if code == OK:  # the MFA step is kept in memory; the store is written after the answer
            code, err = lib.call("confirm_sign_in", broken,
                                 {"challengeResponse": self.latest_code()})
        self.check(code == STORAGE and "the vault is locked" in err["message"],
                   "a store that fails -> STORAGE with its message", (code, err))
        self.check(lib.lib.cognito_error_code_name(CODE_MISMATCH) == b"CODE_MISMATCH",
                   "cognito_error_code_name")

        # Free: handles become invalid, stores are released.
        for handle in (client, other, fresh, broken):
            lib.lib.cognito_client_free(handle)
        code, err = lib.call("fetch_devices", client)
        self.check(code == INVALID_HANDLE, "a freed handle -> INVALID_HANDLE", err)
        self.check(lib.lib.cognito_client_free(client) == INVALID_HANDLE,
                   "freeing twice -> INVALID_HANDLE")
        self.check(store.released.wait(5) and failing.released.wait(5),
                   "the stores were released")

        self.every_operation_as_dart_sends_it()
        missing = sorted(DART_OPERATIONS - lib.called)
        self.check(not missing and DART_OPERATIONS <= set(OPERATIONS),
                   f"every operation the Dart package starts was run here ({len(DART_OPERATIONS)})",
                   missing)
        self.check(set(OPERATIONS) <= DART_OPERATIONS,
                   "every operation of the header has its Dart method",
                   sorted(set(OPERATIONS) - DART_OPERATIONS))
        own = pathlib.Path(__file__).read_text()
        unused = sorted(sym for sym in DART_SYMBOLS
                        if f"{sym}(" not in own and f"{sym}(" not in C_TEST)
        self.check(not unused and len(DART_SYMBOLS) >= 10,
                   f"every symbol the Dart package looks up is called by the C or ctypes test "
                   f"({len(DART_SYMBOLS)})", unused)

    def every_operation_as_dart_sends_it(self):
        """The operations the main flow does not reach, with the request JSON the Dart methods
        build (bindings/flutter/lib/src/cognito_auth.dart), against the emulator."""
        lib, emu = self.lib, self.emu
        ok = lambda code: code == OK  # noqa: E731

        # On the MFA pool: stop remembering a remembered device.
        client = self.new_client(PyStore(lib))
        self.sign_in(client)
        code, _ = lib.call("remember_device", client)
        code2, _ = lib.call("stop_remembering_device", client)
        code3, status = lib.call("current_device_status", client)
        self.check(ok(code) and ok(code2) and status == {"status": "NOT_REMEMBERED"},
                   "stop_remembering_device", (code, code2, status))
        lib.lib.cognito_client_free(client)

        # The account operations, on a pool with optional MFA.
        pool_id, client_id = emu.open_pool()
        user, password, email = "carol", PASSWORD, "carol@example.com"
        config = json.dumps({"endpoint": {"url": emu.url}, "userPoolId": pool_id,
                             "clientId": client_id}).encode()
        handle, error = C.c_uint64(0), C.c_void_p()
        assert lib.lib.cognito_client_new_in_memory_for_tests(
            config, C.byref(handle), C.byref(error)) == OK
        c = handle.value
        code_for = lambda purpose: [m for m in emu.messages(pool_id, user)  # noqa: E731
                                    if m.get("purpose") == purpose][-1]["code"]

        code, r = lib.call("sign_up", c, {"username": user, "password": password,
                                          "options": {"userAttributes": {"email": email}}})
        self.check(ok(code) and r["nextStep"]["signUpStep"] == "CONFIRM_SIGN_UP",
                   "sign_up", (code, r))
        code, r = lib.call("resend_sign_up_code", c, {"username": user})
        self.check(ok(code) and r["codeDeliveryDetails"]["deliveryMedium"] == "EMAIL",
                   "resend_sign_up_code", (code, r))
        code, r = lib.call("confirm_sign_up", c,
                           {"username": user, "confirmationCode": code_for("SIGN_UP")})
        self.check(ok(code) and r["isSignUpComplete"] and r["signIn"] is None,
                   "confirm_sign_up", (code, r))
        code, r = lib.call("sign_in", c, {"username": user, "password": password,
                                          "options": {}})
        self.check(ok(code) and r["isSignedIn"], "sign_in on the new account", (code, r))
        code, r = lib.call("pending_sign_in_step", c)
        self.check(ok(code) and r == {"nextStep": None}, "pending_sign_in_step", (code, r))

        code, r = lib.call("update_user_attributes", c,
                           {"attributes": {"nickname": "caz", "email": "carol2@example.com"}})
        self.check(ok(code) and [d["attributeName"] for d in r["codeDeliveryDetailsList"]]
                   == ["email"], "update_user_attributes", (code, r))
        code, r = lib.call("send_user_attribute_verification_code", c, {"attributeName": "email"})
        self.check(ok(code) and r["codeDeliveryDetails"]["attributeName"] == "email",
                   "send_user_attribute_verification_code", (code, r))
        verify = [m for m in emu.messages(pool_id, user)][-1]["code"]
        code, r = lib.call("confirm_user_attribute", c,
                           {"attributeName": "email", "confirmationCode": verify})
        self.check(ok(code), "confirm_user_attribute", (code, r))
        code, r = lib.call("delete_user_attributes", c, {"attributeNames": ["nickname"]})
        code2, attrs = lib.call("fetch_user_attributes", c)
        names = {a["name"]: a["value"] for a in attrs or []}
        self.check(ok(code) and ok(code2) and "nickname" not in names
                   and names.get("email") == "carol2@example.com"
                   and names.get("email_verified") == "true",
                   "delete_user_attributes, fetch_user_attributes", (code, r, attrs))

        code, details = lib.call("set_up_totp", c)
        secret = (details or {}).get("sharedSecret", "")
        code2, r = lib.call("verify_totp_setup", c, {"code": totp(secret, emu.now()),
                                                     "friendlyDeviceName": "py"})
        self.check(ok(code) and ok(code2), "set_up_totp, verify_totp_setup", (code, code2, r))
        code, r = lib.call("update_mfa_preference", c, {"totp": "PREFERRED"})
        code2, prefs = lib.call("fetch_mfa_preference", c)
        self.check(ok(code) and prefs == {"enabled": ["TOTP"], "preferred": "TOTP"},
                   "update_mfa_preference, fetch_mfa_preference", (code, r, prefs))

        new_password = "Battery-Staple-7!"
        code, r = lib.call("update_password", c,
                           {"oldPassword": password, "newPassword": new_password})
        self.check(ok(code), "update_password", (code, r))
        code, r = lib.call("sign_out", c, {"globalSignOut": False})
        self.check(ok(code) and r == {"globalSignOutError": None, "revokeTokenError": None},
                   "sign_out returns what the server did not do (nothing)", (code, r))

        code, r = lib.call("reset_password", c, {"username": user})
        self.check(ok(code) and r["codeDeliveryDetails"] is not None, "reset_password", (code, r))
        password = "Correct-Staple-8!"
        code, r = lib.call("confirm_reset_password", c, {
            "username": user, "newPassword": password,
            "confirmationCode": code_for("FORGOT_PASSWORD")})
        self.check(ok(code), "confirm_reset_password", (code, r))

        code, r = lib.call("sign_in", c, {"username": user, "password": password})
        self.check(ok(code) and r["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE",
                   "the new password and TOTP sign in", (code, r))
        code, _ = lib.call("cancel_sign_in", c)
        code2, r = lib.call("pending_sign_in_step", c)
        self.check(ok(code) and r == {"nextStep": None}, "cancel_sign_in", (code, code2, r))
        code, r = lib.call("sign_in", c, {"username": user, "password": password})
        emu.advance(30)  # VerifySoftwareToken used this step's code: the next one
        code, r = lib.call("confirm_sign_in", c, {"challengeResponse": totp(secret, emu.now())})
        self.check(ok(code) and r["isSignedIn"], "a TOTP sign-in", (code, r))
        code, r = lib.call("delete_user", c)
        code2, session = lib.call("fetch_auth_session", c)
        self.check(ok(code) and ok(code2) and session["isSignedIn"] is False,
                   "delete_user", (code, r, session))
        lib.lib.cognito_client_free(c)


def contains_secret(text: str, secret: str) -> bool:
    """Whether `text` holds `secret`: anywhere, or for an all-digit secret (a code) as a whole
    number (so timestamps and counters cannot pass for a code)."""
    if not secret.isdigit():
        return secret in text
    return re.search(rf"(?<![0-9]){re.escape(secret)}(?![0-9])", text) is not None


def stored_secrets(value) -> set[str]:
    """The secret fields (device_secret, tokens, ...) of a record the core stored."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, field in value.items():
            name = key.replace("_", "").lower()
            if isinstance(field, str) and field and name.endswith(("password", "code", "token", "secret")):
                found.add(field)
            else:
                found |= stored_secrets(field)
    elif isinstance(value, list):
        for item in value:
            found |= stored_secrets(item)
    return found


# The fields whose purpose is to hand a secret to the app (the Dart package's toString redacts
# them): fetch_auth_session's tokens, set_up_totp's shared secret. Everything else is scanned.
DELIVERED = {"accessToken", "idToken", "refreshToken", "sharedSecret"}


def without_delivered(value):
    """`value` with the DELIVERED fields' values replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: "<delivered>" if k in DELIVERED and isinstance(v, str) else without_delivered(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [without_delivered(v) for v in value]
    return value


def scanned_form(text: str) -> str:
    try:
        return json.dumps(without_delivered(json.loads(text)))
    except ValueError:
        return text


def leak_scan(suite: Suite, min_length: int = 6):
    """The secret-leak scan: every string the library returned (results, errors, events) searched
    for every secret that crossed the emulator (GET /_emulator/secrets) and every secret the
    stores hold, except in the fields that deliver a secret to the app (DELIVERED). The C ABI
    forwards no log records (no tracing subscriber in the library)."""
    with urllib.request.urlopen(suite.emu.url + "/_emulator/secrets", timeout=10) as resp:
        answer = json.loads(resp.read())
    secrets = set(answer["secrets"])
    device_secrets: set[str] = set()
    for store in PyStore.instances:
        for value in list(store.values.values()):
            try:
                record = json.loads(value)
            except ValueError:
                continue
            found = stored_secrets(record)
            secrets |= found
            if isinstance(record, dict) and isinstance(record.get("device_secret"), str):
                device_secrets.add(record["device_secret"])
    searched = [s for s in secrets if len(s) >= min_length]
    texts = [scanned_form(text) for text in suite.lib.returned]
    hits = [(len(secret), text[:40]) for text in texts for secret in searched if contains_secret(text, secret)]
    totals = (f"{len(texts)} returned strings (results, errors, events), {len(searched)} secrets "
              f"({len(secrets) - len(searched)} shorter than {min_length} not searched), {len(hits)} hits")
    print(f"leak-scan: c/ctypes: {totals}", flush=True)
    suite.check(not answer["truncated"], "leak scan: the emulator kept every secret")
    suite.check(PASSWORD in secrets and device_secrets and len(texts) > 50,
                "leak scan: passwords, device secrets and the run's output are searched",
                (len(device_secrets), len(texts)))
    suite.check(contains_secret("code 123456.", "123456") and not contains_secret("t=1123456", "123456"),
                "leak scan: a code matches as a whole number only")
    suite.check(not hits, "leak scan: no secret in any result, error or event", hits[:5])


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    suite = Suite(Library(sys.argv[1]), Emulator(sys.argv[2]))
    try:
        suite.run()
    except Exception as e:  # a crash of the suite is a failure, reported like the others
        suite.check(False, "suite ran to the end", repr(e))
    leak_scan(suite)
    print(f"py-ctypes: {suite.passed} passed, {suite.failed} failed", flush=True)
    sys.exit(1 if suite.failed else 0)


if __name__ == "__main__":
    main()
