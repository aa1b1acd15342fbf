"""Harness for driving pycognito against a local cognito-emulator process.

Everything here talks to 127.0.0.1 only. The loopback guard in conftest.py turns any
attempt to reach another host into a test failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[3]  # tests/clients/py/tests -> repo root
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "cognito-emulator"

DUMMY_CREDS = dict(
    region_name="us-east-1",
    aws_access_key_id="x",
    aws_secret_access_key="x",
)
PASSWORD = "Correct-Horse-9!"
PHONE = "+15555550199"


def emulator_bin() -> str:
    return os.environ.get("COGNITO_EMULATOR_BIN") or str(DEFAULT_BIN)


class Emulator:
    """One emulator process on 127.0.0.1 with an OS-chosen port."""

    def __init__(self, *extra_args: str):
        binary = emulator_bin()
        if not os.path.exists(binary):
            raise RuntimeError(
                f"cognito-emulator binary not found at {binary}; "
                "build it with `cargo build -p cognito-emulator` or set COGNITO_EMULATOR_BIN"
            )
        self.log = tempfile.NamedTemporaryFile(
            prefix="cognito-emulator-", suffix=".log", delete=False
        )
        self.proc = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", *extra_args],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.url = self._wait_listening()
        host = self.url.split("://", 1)[1].split(":", 1)[0]
        if host not in ("127.0.0.1", "localhost"):
            self.stop()
            raise RuntimeError(f"emulator is not listening on loopback: {self.url}")
        self.advanced = 0  # seconds this harness pushed the emulator clock forward

    def _wait_listening(self) -> str:
        deadline = time.time() + 120  # debug builds generate an RSA key at start (~10 s)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"emulator exited with {self.proc.returncode}: {self.output()}"
                )
            with open(self.log.name, "r", encoding="utf-8", errors="replace") as f:
                first = f.readline()
            if first.endswith("\n"):
                first = first.strip()
                prefix = "listening on "
                if not first.startswith(prefix):
                    raise RuntimeError(f"unexpected first stdout line: {first!r}")
                return first[len(prefix):].rstrip("/")
            time.sleep(0.05)
        raise RuntimeError(f"emulator did not print its listening line: {self.output()}")

    def output(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass

    # ---- hooks -------------------------------------------------------------------------
    def _hook(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw.strip() else None

    def health(self):
        return self._hook("GET", "/_emulator/health")

    def messages(self, pool_id: str, username: str):
        from urllib.parse import urlencode

        q = urlencode({"userPoolId": pool_id, "username": username})
        return self._hook("GET", f"/_emulator/messages?{q}")

    def advance_clock(self, seconds: int):
        self._hook("POST", "/_emulator/clock", {"advanceSeconds": seconds})
        self.advanced += seconds

    def boto(self):
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.url,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            **DUMMY_CREDS,
        )


# ---- TOTP (RFC 6238, SHA-1, 6 digits, 30 s) ------------------------------------------------
def totp(secret_b32: str, at: float) -> str:
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int(at // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[off:off + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class TotpClock:
    """Hands out TOTP codes that were never used before for a given secret.

    pycognito verifies every JWT it receives against the *wall clock* (PyJWT rejects an
    `iat` in the future), so the py suite must not push the emulator clock forward.
    When a fresh code is needed in a window that was already used, wait for the next
    30 s window instead.
    """

    def __init__(self):
        self.used: dict[str, set[int]] = {}

    def fresh_code(self, secret: str) -> str:
        used = self.used.setdefault(secret, set())
        while True:
            now = time.time()
            window = int(now // 30)
            # avoid the last second of a window: the request could land in the next one
            if window not in used and (now % 30) < 28.5:
                used.add(window)
                return totp(secret, now)
            time.sleep((window + 1) * 30 - now + 0.3)


# ---- pools, clients, users over the wire --------------------------------------------------
class Pool:
    def __init__(self, emu: Emulator, *, mfa: str = "OFF", device: dict | None = None,
                 sms: bool = True, totp: bool = True):
        self.emu = emu
        self.admin = emu.boto()
        kwargs = dict(
            PoolName="pool-" + uuid.uuid4().hex[:8],
            UsernameAttributes=["email"],
            AutoVerifiedAttributes=["email"],
            MfaConfiguration=mfa,
        )
        if mfa != "OFF":
            kwargs["SmsConfiguration"] = {
                "SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms",
                "ExternalId": "cognito-emulator-tests",
            }
        if device is not None:
            kwargs["DeviceConfiguration"] = device
        self.id = self.admin.create_user_pool(**kwargs)["UserPool"]["Id"]
        if mfa != "OFF":
            cfg = dict(UserPoolId=self.id, MfaConfiguration=mfa)
            if sms:
                cfg["SmsMfaConfiguration"] = {
                    "SmsConfiguration": kwargs["SmsConfiguration"]
                }
            if totp:
                cfg["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
            self.admin.set_user_pool_mfa_config(**cfg)
        self.client_id = self.admin.create_user_pool_client(
            UserPoolId=self.id,
            ClientName="pycognito",
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]

    def create_user(self, email: str | None = None, *, phone: str | None = None,
                    password: str = PASSWORD) -> str:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        attrs = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ]
        if phone:
            attrs += [
                {"Name": "phone_number", "Value": phone},
                {"Name": "phone_number_verified", "Value": "true"},
            ]
        self.admin.admin_create_user(
            UserPoolId=self.id, Username=email, UserAttributes=attrs,
            MessageAction="SUPPRESS",
        )
        self.admin.admin_set_user_password(
            UserPoolId=self.id, Username=email, Password=password, Permanent=True
        )
        return email

    def prefer_sms(self, username: str):
        self.admin.admin_set_user_mfa_preference(
            UserPoolId=self.id, Username=username,
            SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
        )

    def messages(self, username: str):
        return self.emu.messages(self.id, username)

    def latest_code(self, username: str, channel: str = "SMS", after: int = 0) -> str:
        msgs = [m for m in (self.messages(username) or [])[after:] if m["channel"] == channel]
        assert msgs, f"no {channel} message in the outbox for {username}"
        return msgs[-1]["code"]

    def list_devices(self, username: str):
        return self.admin.admin_list_devices(UserPoolId=self.id, Username=username)["Devices"]


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def device_attr(device: dict, name: str):
    for a in device.get("DeviceAttributes", []):
        if a["Name"] == name:
            return a["Value"]
    return None


DEVICE_MFA_POOL = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
DEVICE_PLAIN_POOL = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True}
