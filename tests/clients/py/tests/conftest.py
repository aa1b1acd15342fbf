"""pytest fixtures: emulator processes, loopback guard, pycognito URL redirection."""

from __future__ import annotations

import ipaddress
import re
import socket

import pytest
import requests

import pycognito.aws_srp as aws_srp

from harness import Emulator, TotpClock

# --------------------------------------------------------------------------------------
# Loopback guard: every socket connect and every name lookup must target loopback.
# A violation raises at the call site AND is recorded so that a client that swallows the
# exception still fails the test at teardown.
# --------------------------------------------------------------------------------------
VIOLATIONS: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_real_create_connection = socket.create_connection


def _is_loopback_host(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _check(address, what: str):
    if isinstance(address, tuple) and address:
        host = address[0]
        if not _is_loopback_host(host):
            msg = f"{what} to non-loopback host {address!r} blocked by the test harness"
            VIOLATIONS.append(msg)
            raise PermissionError(msg)


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address, "socket.connect")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address, "socket.connect_ex")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not _is_loopback_host(host):
        msg = f"name lookup of non-loopback host {host!r} blocked by the test harness"
        VIOLATIONS.append(msg)
        raise PermissionError(msg)
    return _real_getaddrinfo(host, *args, **kwargs)


def _guarded_create_connection(address, *args, **kwargs):
    _check(address, "socket.create_connection")
    return _real_create_connection(address, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
socket.create_connection = _guarded_create_connection


@pytest.fixture(autouse=True)
def loopback_only():
    start = len(VIOLATIONS)
    yield
    new = VIOLATIONS[start:]
    assert not new, "test traffic left 127.0.0.1: " + "; ".join(new)


# --------------------------------------------------------------------------------------
# Emulators: one strict (default) and one started with --lenient-device-session.
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def emu():
    e = Emulator()
    yield e
    e.stop()


@pytest.fixture(scope="session")
def emu_lenient():
    e = Emulator("--lenient-device-session")
    yield e
    e.stop()


@pytest.fixture(scope="session")
def totp_clock():
    return TotpClock()


# --------------------------------------------------------------------------------------
# pycognito's AWSSRP.confirm_device / update_device_status / forget_device post with
# `requests` to a hard-coded https://cognito-idp.<region>.amazonaws.com/. Redirect exactly
# that URL to the emulator and record each redirected call; anything else is refused.
# --------------------------------------------------------------------------------------
AWS_IDP_URL = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/?$")


class RedirectingRequests:
    def __init__(self, target_url: str):
        self.target = target_url.rstrip("/") + "/"
        self.calls: list[dict] = []

    def post(self, url, *args, **kwargs):
        if not AWS_IDP_URL.match(url):
            VIOLATIONS.append(f"pycognito posted to unexpected URL {url!r}")
            raise PermissionError(f"unexpected URL {url!r}")
        headers = kwargs.get("headers") or {}
        resp = requests.post(self.target, *args, **kwargs)
        self.calls.append(
            {
                "original_url": url,
                "target": headers.get("X-Amz-Target"),
                "request": kwargs.get("data"),
                "status": resp.status_code,
                "body": resp.text,
            }
        )
        return resp


@pytest.fixture
def redirect_device_calls(monkeypatch):
    """Returns a function(emulator) that installs the redirect and returns the recorder."""

    def install(emulator):
        shim = RedirectingRequests(emulator.url)
        monkeypatch.setattr(aws_srp, "requests", shim)
        return shim

    return install
