"""pycognito 2024.5.1 (with boto3) against the local cognito-emulator.

Scenario names follow tests/clients/README.md. Where pycognito has no API for a step the
test says so in its name and docstring, and only that step is done with the same boto3
client pycognito was given.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import (
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
)

from harness import (
    DEVICE_MFA_POOL,
    DEVICE_PLAIN_POOL,
    PASSWORD,
    PHONE,
    Pool,
    device_attr,
    jwt_claims,
    totp,
)


# ---- helpers -----------------------------------------------------------------------------
class Wire:
    """Records what a boto3 client sends and receives (botocore event hooks)."""

    def __init__(self, client):
        self.sent: list[tuple[str, dict]] = []
        self.received: list[tuple[str, dict]] = []
        client.meta.events.register("provide-client-params.cognito-idp.*", self._sent)
        client.meta.events.register("after-call.cognito-idp.*", self._received)

    def _sent(self, params, model, **_):
        self.sent.append((model.name, json.loads(json.dumps(params))))

    def _received(self, parsed, model, **_):
        self.received.append((model.name, parsed))

    def challenges_sent(self):
        return [p.get("ChallengeName") for op, p in self.sent if op == "RespondToAuthChallenge"]

    def last_auth_result(self):
        for op, parsed in reversed(self.received):
            if "AuthenticationResult" in parsed:
                return parsed
        raise AssertionError("no AuthenticationResult received")


def cognito(pool: Pool, username: str) -> Cognito:
    return Cognito(
        pool.id,
        pool.client_id,
        username=username,
        boto3_client_kwargs={
            "endpoint_url": pool.emu.url,
            "aws_access_key_id": "x",
            "aws_secret_access_key": "x",
        },
    )


def srp(pool: Pool, username: str, password: str = PASSWORD, device=None) -> tuple[AWSSRP, Wire]:
    client = pool.emu.boto()
    wire = Wire(client)
    kwargs = {}
    if device:
        kwargs = dict(
            device_key=device["key"],
            device_group_key=device["group"],
            device_password=device["password"],
        )
    return AWSSRP(username, password, pool.id, pool.client_id, client=client, **kwargs), wire


def sms_sign_in(pool: Pool, username: str):
    """pycognito sign-in through SMS_MFA; returns (Cognito, raw final boto3 response)."""
    c = cognito(pool, username)
    wire = Wire(c.client)
    before = len(pool.messages(username) or [])
    with pytest.raises(SMSMFAChallengeException) as challenge:
        c.authenticate(PASSWORD)
    params = challenge.value.get_tokens()["ChallengeParameters"]
    assert params["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert params["CODE_DELIVERY_DESTINATION"].endswith(PHONE[-4:])
    assert PHONE not in params["CODE_DELIVERY_DESTINATION"], "destination must be masked"
    code = pool.latest_code(username, "SMS", after=before)
    c.respond_to_sms_mfa_challenge(code)
    assert c.access_token and c.id_token and c.refresh_token
    return c, wire.last_auth_result()


def register_device(pool: Pool, username: str, raw: dict, redirect, remember=True) -> dict:
    """AWSSRP.confirm_device + update_device_status (redirected to the emulator)."""
    shim = redirect(pool.emu)
    meta = raw["AuthenticationResult"]["NewDeviceMetadata"]
    access = raw["AuthenticationResult"]["AccessToken"]
    aws, _ = srp(pool, username)
    resp, device_password = aws.confirm_device(raw, device_name="pycognito-test")
    assert resp.status_code == 200, resp.text
    confirm = resp.json()
    assert confirm["UserConfirmationNecessary"] is True  # DeviceOnlyRememberedOnUserPrompt
    if remember:
        aws.update_device_status(True, access, meta["DeviceKey"])
        assert shim.calls[-1]["status"] == 200, shim.calls[-1]
    assert [c["target"].split(".")[-1] for c in shim.calls] == (
        ["ConfirmDevice", "UpdateDeviceStatus"] if remember else ["ConfirmDevice"]
    )
    return {
        "key": meta["DeviceKey"],
        "group": meta["DeviceGroupKey"],
        "password": device_password,
        "access": access,
        "shim": shim,
    }


def error_code(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


def sms_user(pool: Pool) -> str:
    u = pool.create_user(phone=PHONE)
    pool.prefer_sms(u)
    return u


# ---- plain sign-in -----------------------------------------------------------------------
def test_srp_sign_in(emu):
    pool = Pool(emu)
    user = pool.create_user()
    c = cognito(pool, user)
    c.authenticate(PASSWORD)  # also verifies both JWTs against the pool's JWKS
    access, idt = jwt_claims(c.access_token), jwt_claims(c.id_token)
    assert access["token_use"] == "access" and idt["token_use"] == "id"
    assert access["client_id"] == pool.client_id and idt["aud"] == pool.client_id
    assert idt["email"] == user
    assert access["username"] == idt["sub"], "email-as-username pools sign in as the sub"
    assert access["iss"] == f"{emu.url}/{pool.id}"
    assert c.refresh_token


def test_wrong_password_rejected(emu):
    pool = Pool(emu)
    user = pool.create_user()
    c = cognito(pool, user)
    with pytest.raises(ClientError) as err:
        c.authenticate("Wrong-Password-1!")
    assert error_code(err.value) == "NotAuthorizedException"
    assert c.access_token is None


def test_refresh_renew_access_token(emu):
    """renew_access_token (REFRESH_TOKEN_AUTH without DEVICE_KEY) on a pool without devices."""
    pool = Pool(emu)
    user = pool.create_user()
    c = cognito(pool, user)
    c.authenticate(PASSWORD)
    old_access = c.access_token
    c.renew_access_token()
    assert c.access_token and c.access_token != old_access
    assert jwt_claims(c.access_token)["sub"] == jwt_claims(old_access)["sub"]


def test_refresh_of_device_bound_session_needs_device_key(emu, redirect_device_calls):
    """pycognito cannot refresh *with* a device key: renew_access_token never sends DEVICE_KEY.
    Cognito binds refresh tokens of a tracked device to that device, so the refresh must be
    refused (NotAuthorizedException) instead of silently succeeding."""
    pool = Pool(emu, device=DEVICE_PLAIN_POOL)
    user = pool.create_user()
    aws, _ = srp(pool, user)
    raw = aws.authenticate_user()
    register_device(pool, user, raw, redirect_device_calls)
    c = cognito(pool, user)
    c.refresh_token = raw["AuthenticationResult"]["RefreshToken"]
    with pytest.raises(ClientError) as err:
        c.renew_access_token()
    assert error_code(err.value) == "NotAuthorizedException"


# ---- devices ---------------------------------------------------------------------------
def test_confirm_device_and_remember(emu, redirect_device_calls):
    pool = Pool(emu, device=DEVICE_PLAIN_POOL)
    user = pool.create_user()
    aws, _ = srp(pool, user)
    raw = aws.authenticate_user()
    meta = raw["AuthenticationResult"]["NewDeviceMetadata"]
    assert meta["DeviceKey"].startswith("us-east-1_") and meta["DeviceGroupKey"]
    dev = register_device(pool, user, raw, redirect_device_calls)
    # the device calls carried the hard-coded AWS URL and were redirected
    assert all("amazonaws.com" in c["original_url"] for c in dev["shim"].calls)
    devices = pool.list_devices(user)
    assert [d["DeviceKey"] for d in devices] == [dev["key"]]
    assert device_attr(devices[0], "dev:device_remembered_status") == "remembered"
    assert device_attr(devices[0], "device_name") == "pycognito-test"
    # and the user sees the same through ListDevices with the access token
    own = pool.emu.boto().list_devices(AccessToken=dev["access"])["Devices"]
    assert [d["DeviceKey"] for d in own] == [dev["key"]]


def test_device_srp_strict_rejects_missing_session(emu, redirect_device_calls):
    """Default (strict) emulator: pycognito omits Session on DEVICE_SRP_AUTH -> clear error."""
    pool = Pool(emu, mfa="ON", device=DEVICE_MFA_POOL)
    user = sms_user(pool)
    _, raw = sms_sign_in(pool, user)
    dev = register_device(pool, user, raw, redirect_device_calls)
    aws, wire = srp(pool, user, device=dev)
    with pytest.raises(ClientError) as err:
        aws.authenticate_user()
    assert wire.challenges_sent() == ["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH"]
    sent = wire.sent[-1][1]
    assert "Session" not in sent
    assert error_code(err.value) in ("NotAuthorizedException", "InvalidParameterException")
    assert "session" in str(err.value).lower(), f"error does not name the session: {err.value}"


def test_device_srp_replaces_mfa_lenient(emu_lenient, redirect_device_calls):
    pool = Pool(emu_lenient, mfa="ON", device=DEVICE_MFA_POOL)
    user = sms_user(pool)
    _, raw = sms_sign_in(pool, user)
    dev = register_device(pool, user, raw, redirect_device_calls)
    sms_before = len(pool.messages(user))
    aws, wire = srp(pool, user, device=dev)
    tokens = aws.authenticate_user()
    assert wire.challenges_sent() == [
        "PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"
    ]
    result = tokens["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"]
    assert "NewDeviceMetadata" not in result
    assert len(pool.messages(user)) == sms_before, "no MFA code may be sent"
    assert jwt_claims(result["AccessToken"]).get("device_key") == dev["key"]


def test_not_remembered_device_still_gets_mfa(emu, redirect_device_calls):
    """A confirmed device that was never remembered does not replace MFA."""
    pool = Pool(emu, mfa="ON", device=DEVICE_MFA_POOL)
    user = sms_user(pool)
    _, raw = sms_sign_in(pool, user)
    dev = register_device(pool, user, raw, redirect_device_calls, remember=False)
    aws, wire = srp(pool, user, device=dev)
    with pytest.raises(SMSMFAChallengeException):
        aws.authenticate_user()
    assert wire.challenges_sent() == ["PASSWORD_VERIFIER"]
    assert wire.sent[-1][1]["ChallengeResponses"]["DEVICE_KEY"] == dev["key"]


def test_forget_device_then_mfa_again(emu_lenient, redirect_device_calls):
    pool = Pool(emu_lenient, mfa="ON", device=DEVICE_MFA_POOL)
    user = sms_user(pool)
    _, raw = sms_sign_in(pool, user)
    dev = register_device(pool, user, raw, redirect_device_calls)
    # the device works before it is forgotten
    aws, _ = srp(pool, user, device=dev)
    access = aws.authenticate_user()["AuthenticationResult"]["AccessToken"]
    aws.forget_device(access, dev["key"])
    assert dev["shim"].calls[-1]["target"].endswith("ForgetDevice")
    assert dev["shim"].calls[-1]["status"] == 200, dev["shim"].calls[-1]
    assert pool.list_devices(user) == []
    # signing in with the forgotten key must not skip MFA
    aws, wire = srp(pool, user, device=dev)
    try:
        out = aws.authenticate_user()
        raise AssertionError(f"forgotten device still signs in: {out}")
    except SMSMFAChallengeException:
        pass
    except ClientError as e:
        assert error_code(e) == "ResourceNotFoundException", e
    assert "DEVICE_SRP_AUTH" not in wire.challenges_sent()
    # and an ordinary sign-in is asked for the SMS code again
    sms_sign_in(pool, user)


def test_wrong_device_secret_rejected(emu_lenient, redirect_device_calls):
    pool = Pool(emu_lenient, mfa="ON", device=DEVICE_MFA_POOL)
    user = sms_user(pool)
    _, raw = sms_sign_in(pool, user)
    dev = register_device(pool, user, raw, redirect_device_calls)
    tampered = dict(dev, password=dev["password"][:-4] + ("AAAA" if not dev["password"].endswith("AAAA") else "BBBB"))
    aws, wire = srp(pool, user, device=tampered)
    with pytest.raises(ClientError) as err:
        aws.authenticate_user()
    assert error_code(err.value) == "NotAuthorizedException"
    assert wire.challenges_sent()[-1] == "DEVICE_PASSWORD_VERIFIER"


def test_device_verifier_padding_variants(emu_lenient, redirect_device_calls):
    """pycognito's ConfirmDevice Salt is 16 or 17 bytes and its PasswordVerifier 384 or 385
    bytes (a leading 0x00 when the top bit is set). Register devices until every variant was
    seen, and sign in with device SRP after each (MFA off: a confirmed device gets
    DEVICE_SRP_AUTH)."""
    pool = Pool(emu_lenient, device=DEVICE_PLAIN_POOL)
    seen_salt, seen_verifier = set(), set()
    for _ in range(16):
        user = pool.create_user()
        aws, _ = srp(pool, user)
        raw = aws.authenticate_user()
        dev = register_device(pool, user, raw, redirect_device_calls, remember=False)
        body = json.loads(dev["shim"].calls[0]["request"])
        cfg = body["DeviceSecretVerifierConfig"]
        seen_salt.add(len(base64.b64decode(cfg["Salt"])))
        seen_verifier.add(len(base64.b64decode(cfg["PasswordVerifier"])))
        aws, wire = srp(pool, user, device=dev)
        tokens = aws.authenticate_user()
        assert wire.challenges_sent() == [
            "PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"
        ], (cfg, wire.challenges_sent())
        assert tokens["AuthenticationResult"]["AccessToken"]
        if {16, 17} <= seen_salt and {384, 385} <= seen_verifier:
            break
    assert {16, 17} <= seen_salt and {384, 385} <= seen_verifier, (seen_salt, seen_verifier)


# ---- MFA -------------------------------------------------------------------------------
def test_sms_mfa(emu):
    pool = Pool(emu, mfa="ON")
    user = sms_user(pool)
    c, raw = sms_sign_in(pool, user)
    msgs = pool.messages(user)
    assert msgs[-1]["channel"] == "SMS" and msgs[-1]["destination"] == PHONE
    assert jwt_claims(c.id_token)["email"] == user


def test_sms_mfa_wrong_code_rejected(emu):
    pool = Pool(emu, mfa="ON")
    user = sms_user(pool)
    c = cognito(pool, user)
    with pytest.raises(SMSMFAChallengeException):
        c.authenticate(PASSWORD)
    real = pool.latest_code(user, "SMS")
    wrong = f"{(int(real) + 1) % 1_000_000:06d}"
    with pytest.raises(ClientError) as err:
        c.respond_to_sms_mfa_challenge(wrong)
    assert error_code(err.value) == "CodeMismatchException"
    assert c.access_token is None


def _enable_totp_post_login(pool: Pool, c: Cognito, totp_clock) -> str:
    """pycognito's TOTP setup for a signed-in user (AccessToken variant)."""
    secret = c.associate_software_token()
    assert secret
    assert c.verify_software_token(totp_clock.fresh_code(secret), "pycognito-totp")
    return secret


def test_totp_mfa(emu, totp_clock):
    """TOTP set up after sign-in (associate/verify/set preference), then TOTP sign-in."""
    pool = Pool(emu, mfa="ON")
    user = sms_user(pool)
    c, _ = sms_sign_in(pool, user)
    secret = _enable_totp_post_login(pool, c, totp_clock)
    c.set_user_mfa_preference(sms_mfa=False, software_token_mfa=True, preferred="SOFTWARE_TOKEN")
    c2 = cognito(pool, user)
    sms_before = len(pool.messages(user))
    with pytest.raises(SoftwareTokenMFAChallengeException):
        c2.authenticate(PASSWORD)
    c2.respond_to_software_token_mfa_challenge(totp_clock.fresh_code(secret))
    assert c2.access_token and jwt_claims(c2.access_token)["username"] == jwt_claims(c.access_token)["username"]
    assert len(pool.messages(user)) == sms_before, "TOTP sign-in must not send an SMS"


def test_totp_mfa_wrong_code_rejected(emu, totp_clock):
    pool = Pool(emu, mfa="ON")
    user = sms_user(pool)
    c, _ = sms_sign_in(pool, user)
    secret = _enable_totp_post_login(pool, c, totp_clock)
    c.set_user_mfa_preference(sms_mfa=False, software_token_mfa=True, preferred="SOFTWARE_TOKEN")
    c2 = cognito(pool, user)
    with pytest.raises(SoftwareTokenMFAChallengeException):
        c2.authenticate(PASSWORD)
    good = totp(secret, time.time())
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    with pytest.raises(ClientError) as err:
        c2.respond_to_software_token_mfa_challenge(wrong)
    assert error_code(err.value) == "CodeMismatchException"


def test_select_mfa_type_not_supported_by_pycognito(emu, totp_clock):
    """pycognito has no SELECT_MFA_TYPE support: AWSSRP.authenticate_user returns the raw
    challenge. The test checks the emulator's challenge and finishes it with the same boto3
    client (ANSWER=SOFTWARE_TOKEN_MFA, then the TOTP code)."""
    pool = Pool(emu, mfa="ON")
    user = sms_user(pool)
    c, _ = sms_sign_in(pool, user)
    secret = _enable_totp_post_login(pool, c, totp_clock)
    pool.admin.admin_set_user_mfa_preference(
        UserPoolId=pool.id, Username=user,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    aws, wire = srp(pool, user)
    out = aws.authenticate_user()
    assert out["ChallengeName"] == "SELECT_MFA_TYPE"
    assert sorted(json.loads(out["ChallengeParameters"]["MFAS_CAN_CHOOSE"])) == [
        "SMS_MFA", "SOFTWARE_TOKEN_MFA"
    ]
    assert out["Session"]
    # what pycognito's high-level API does with it
    with pytest.raises(KeyError):
        cognito(pool, user).authenticate(PASSWORD)
    client = aws.client
    username = user  # the e-mail alias, as pycognito itself answers MFA challenges
    nxt = client.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="SELECT_MFA_TYPE", Session=out["Session"],
        ChallengeResponses={"USERNAME": username, "ANSWER": "SOFTWARE_TOKEN_MFA"},
    )
    assert nxt["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = client.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=nxt["Session"],
        ChallengeResponses={"USERNAME": username,
                            "SOFTWARE_TOKEN_MFA_CODE": totp_clock.fresh_code(secret)},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_mfa_setup_in_sign_in_not_supported_by_pycognito(emu, totp_clock):
    """pycognito has no MFA_SETUP support in sign-in (its associate/verify calls need an
    AccessToken). The test checks the emulator's MFA_SETUP challenge and completes it with
    the same boto3 client: AssociateSoftwareToken(Session) -> VerifySoftwareToken(Session) ->
    RespondToAuthChallenge(MFA_SETUP)."""
    pool = Pool(emu, mfa="ON")
    user = pool.create_user()  # no phone, no MFA yet
    aws, _ = srp(pool, user)
    out = aws.authenticate_user()
    assert out["ChallengeName"] == "MFA_SETUP"
    assert "SOFTWARE_TOKEN_MFA" in json.loads(out["ChallengeParameters"]["MFAS_CAN_SETUP"])
    with pytest.raises(KeyError):
        cognito(pool, user).authenticate(PASSWORD)
    client = aws.client
    assoc = client.associate_software_token(Session=out["Session"])
    secret = assoc["SecretCode"]
    verify = client.verify_software_token(
        Session=assoc["Session"], UserCode=totp_clock.fresh_code(secret),
        FriendlyDeviceName="pycognito-setup",
    )
    assert verify["Status"] == "SUCCESS"
    done = client.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="MFA_SETUP", Session=verify["Session"],
        ChallengeResponses={"USERNAME": user},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    # from now on pycognito's own TOTP path works
    c = cognito(pool, user)
    with pytest.raises(SoftwareTokenMFAChallengeException):
        c.authenticate(PASSWORD)
    c.respond_to_software_token_mfa_challenge(totp_clock.fresh_code(secret))
    assert c.access_token
