"""Self-check of the loopback guard (no packet leaves: the guard refuses before the syscall)."""

import socket

import pytest

import conftest


def test_loopback_guard_refuses_other_hosts():
    assert socket.socket.connect is conftest._guarded_connect, "guard not installed"
    assert socket.getaddrinfo is conftest._guarded_getaddrinfo, "guard not installed"
    before = len(conftest.VIOLATIONS)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(PermissionError):
            s.connect(("203.0.113.1", 9))
    finally:
        s.close()
    with pytest.raises(PermissionError):
        socket.getaddrinfo("cognito-idp.us-east-1.amazonaws.com", 443)
    assert len(conftest.VIOLATIONS) == before + 2
    del conftest.VIOLATIONS[before:]  # expected violations: do not fail this test
