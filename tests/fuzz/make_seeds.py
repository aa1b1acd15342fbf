#!/usr/bin/env python3
"""Writes the committed seed corpora of the fuzz targets (tests/fuzz/seeds/<target>/).

    python3 tests/fuzz/make_seeds.py [CAPTURES_DIR] [VECTORS_JSON]

The Cognito answers come from the wire captures of two independent clients (their responses
came from a test double, see the captures' README: shapes the clients accepted, not Cognito's
word) and hand-written error answers; the SRP fields from the public SRP test vectors. Without
the captures or the vectors, the hand-written seeds are still written. Each target's input
format is described at the top of its file in fuzz_targets/.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
CAPTURES = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "../../../shared/captures"
VECTORS = (pathlib.Path(sys.argv[2]) if len(sys.argv) > 2
           else HERE / "../../../shared/vectors/cognito-srp-public.json")
SEP = "\n---\n"


def write(target, name, text):
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode() if isinstance(text, str) else text)


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def short_tokens(value):
    """The captures' JWTs are long; a seed needs their shape, not their bytes: keep them (they
    are unsigned test-double tokens), but drop the signature part."""
    if isinstance(value, dict):
        return {k: short_tokens(v) for k, v in value.items()}
    if isinstance(value, list):
        return [short_tokens(v) for v in value]
    if isinstance(value, str) and value.startswith("eyJ") and value.count(".") == 2:
        head, payload, _ = value.split(".")
        return f"{head}.{payload}.c2ln"
    return value


def capture(path):
    return json.loads((CAPTURES / path).read_text())


def answer(record):
    status = record.get("response_status", 200)
    body = compact(short_tokens(record["response"]))
    return body if status == 200 else f"{status} -\n{body}"


ERRORS = {
    "not-authorized": '400 NotAuthorizedException:http://internal.amazon.com/coral/com.amazonaws.cognito/\n'
                      '{"__type":"NotAuthorizedException","message":"Incorrect username or password."}',
    "code-mismatch": '400 -\n{"__type":"com.amazonaws.cognito.identity.idp.model#CodeMismatchException",'
                     '"message":"Invalid code provided, please request a code again."}',
    "throttled": '400 TooManyRequestsException\n{"message":"Rate exceeded"}',
    "internal": "500 -\n",
    "html": "502 -\n<html><body>Bad Gateway</body></html>",
    "timestamp": '400 -\n{"__type":"NotAuthorizedException","Message":"TIMESTAMP is more than 5 minutes away"}',
}


def core_responses():
    flows = {
        # FLAGS OPS, then the capture files whose answers the operations get.
        "srp-new-device": ("0a", "acij/01-user-srp-new-device",
                           ["01-InitiateAuth-USER_SRP_AUTH", "02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                            "03-ConfirmDevice"]),
        "sms-mfa": ("0ae", "acij/06-mfa-sms",
                    ["01-InitiateAuth-USER_SRP_AUTH", "02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                     "03-RespondToAuthChallenge-SMS_MFA"]),
        "totp-mfa": ("0ae", "acij/07-mfa-totp",
                     ["01-InitiateAuth-USER_SRP_AUTH", "02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                      "03-RespondToAuthChallenge-SOFTWARE_TOKEN_MFA"]),
        "select-mfa": ("0afe", "acij/08-mfa-select",
                       ["01-InitiateAuth-USER_SRP_AUTH", "02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                        "03-RespondToAuthChallenge-SELECT_MFA_TYPE",
                        "04-RespondToAuthChallenge-SOFTWARE_TOKEN_MFA"]),
        "mfa-setup": ("0aep", "acij/09-mfa-setup",
                      ["01-InitiateAuth-USER_SRP_AUTH", "02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                       "03-AssociateSoftwareToken", "04-VerifySoftwareToken",
                       "05-RespondToAuthChallenge-MFA_SETUP"]),
        # A first sign-in tracks the device, the second one answers the device challenges.
        "device-srp": ("0aa", "acij/04-device-srp",
                       ["../01-user-srp-new-device/01-InitiateAuth-USER_SRP_AUTH",
                        "../01-user-srp-new-device/02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                        "../01-user-srp-new-device/03-ConfirmDevice",
                        "01-InitiateAuth-USER_SRP_AUTH", "02-RespondToAuthChallenge-PASSWORD_VERIFIER",
                        "03-RespondToAuthChallenge-DEVICE_SRP_AUTH",
                        "04-RespondToAuthChallenge-DEVICE_PASSWORD_VERIFIER"]),
    }
    tokens = None
    confirmed = '{"UserConfirmationNecessary":false}'
    for name, (head, folder, files) in flows.items():
        try:
            records = [capture(f"{folder}/{f}.json") for f in files]
        except FileNotFoundError:
            continue
        answers = [answer(r) for r in records]
        write("core_responses", name, SEP.join([head] + answers))
        for r in records:
            result = r["response"].get("AuthenticationResult")
            if result and tokens is None:
                tokens = compact({"AuthenticationResult": short_tokens(result), "ChallengeParameters": {}})
    if tokens is None:
        tokens = ('{"AuthenticationResult":{"AccessToken":"eyJhbGciOiJSUzI1NiJ9.'
                  'eyJ1c2VybmFtZSI6ImFsaWNlIiwic3ViIjoiczEiLCJleHAiOjE3MDAwMDM2MDB9.c2ln",'
                  '"ExpiresIn":3600,"RefreshToken":"r","TokenType":"Bearer"}}')
    try:
        devices = answer(capture("acij/02-device-mgmt/03-ListDevices.json"))
        refreshed = answer(capture("acij/03-refresh/01-InitiateAuth-REFRESH_TOKEN_AUTH.json"))
    except FileNotFoundError:
        devices = '{"Devices":[{"DeviceKey":"us-east-1_d","DeviceAttributes":[]}]}'
        refreshed = tokens
    # Signed in with USER_PASSWORD_AUTH, then what a session does.
    # (The captured tokens come with a new device: ConfirmDevice is the second call.)
    write("core_responses", "session", SEP.join(
        ["0bijkl", tokens, confirmed, refreshed, devices, "{}", "{}"]))
    write("core_responses", "refresh-missing", SEP.join(
        ["1bi", tokens, confirmed, '400 -\n{"__type":"UnknownOperationException"}', refreshed]))
    write("core_responses", "account", SEP.join([
        "0bsyqoA", tokens, confirmed,
        '{"UserConfirmed":false,"UserSub":"s","CodeDeliveryDetails":{"Destination":"b***@e***",'
        '"DeliveryMedium":"EMAIL","AttributeName":"email"}}',
        '{"Username":"alice","UserAttributes":[{"Name":"sub","Value":"s"},{"Name":"email"}],'
        '"UserMFASettingList":["SOFTWARE_TOKEN_MFA","SMS_MFA"],"PreferredMfaSetting":"SMS_MFA"}',
        '{"Username":"alice","UserMFASettingList":["EMAIL_OTP"]}',
        '{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"s"}',
        '{"CodeDeliveryDetailsList":[{"Destination":"+1***","DeliveryMedium":"SMS"}]}',
    ]))
    write("core_responses", "choice", SEP.join([
        "0cGe",
        '{"ChallengeName":"SELECT_CHALLENGE","Session":"s","AvailableChallenges":'
        '["PASSWORD","PASSWORD_SRP","EMAIL_OTP","SMS_OTP","WEB_AUTHN"],'
        '"ChallengeParameters":{"USERNAME":"alice"}}',
        '{"ChallengeName":"EMAIL_OTP","Session":"s2","ChallengeParameters":'
        '{"CODE_DELIVERY_DESTINATION":"a***@e***","CODE_DELIVERY_DELIVERY_MEDIUM":"EMAIL"}}',
        tokens,
    ]))
    write("core_responses", "new-password", SEP.join([
        "0bg",
        '{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"s","ChallengeParameters":'
        '{"USER_ID_FOR_SRP":"alice","requiredAttributes":"[\\"userAttributes.name\\"]",'
        '"userAttributes":"{\\"email\\":\\"a@e.com\\"}"}}',
        tokens,
    ]))
    write("core_responses", "custom", SEP.join([
        "0de",
        '{"ChallengeName":"CUSTOM_CHALLENGE","Session":"s","ChallengeParameters":{"question":"2+2"}}',
        '{"ChallengeName":"EMAIL_OTP_SETUP","Session":"s"}',
    ]))
    for name, error in ERRORS.items():
        write("core_responses", f"error-{name}", SEP.join(["0ab", error, error]))


def srp_inputs():
    try:
        vectors = json.loads(VECTORS.read_text())["vectors"]
    except FileNotFoundError:
        vectors = []
    for v in vectors:
        if v["kind"] == "user" and "secret_block" in v:
            fields = [f"us-east-1_{v['pool_name']}", v["user_id_for_srp"], v["salt"], v["B"],
                      v["secret_block"], v["timestamp"]]
            write("srp_inputs", f"claim-{v['name']}", "c" + SEP.join(fields))
            write("srp_inputs", f"verify-{v['name']}", "v" + SEP.join(
                [v["A"], "secret block bytes", v["timestamp"], "QwHbbUqF6Dqk0ZSktFhuEzQhVS8CAgYg7m1K3eL4QsI="]))
        if v["kind"] == "illegal_B":
            write("srp_inputs", "claim-illegal-B", "c" + SEP.join(
                ["us-east-1_x", "u", "01", v["B_values"][1], "AAAA", "Thu Jun 15 07:00:00 UTC 2017"]))
        if v["kind"] == "timestamp":
            case = v["cases"][0]
            write("srp_inputs", "timestamp", "t" + SEP.join([case["expected"], str(case["unix"])]))
        if v["kind"] == "secret_hash":
            write("srp_inputs", "secret-hash", "s" + SEP.join(
                ["a5" * 32, v["client_secret"], v["username"], v["client_id"]]))
    try:
        confirm = capture("acij/01-user-srp-new-device/03-ConfirmDevice.json")["body"]
        config = confirm["DeviceSecretVerifierConfig"]
        write("srp_inputs", "device-verifier", "d" + SEP.join(
            [config["Salt"], config["PasswordVerifier"], "00ff", "2"]))
    except (FileNotFoundError, KeyError):
        write("srp_inputs", "device-verifier", "d" + SEP.join(["AAECAw==", "Ag==", "00ff", "2"]))
    write("srp_inputs", "timestamp-leap", "t" + SEP.join(["Thu Feb 29 23:59:59 UTC 2024", "18446744073709551615"]))
    write("srp_inputs", "odd-hex", "c" + SEP.join(["us-east-1_x", "u", "f", "abc", "AA==", "x"]))


def jwt_claims():
    write("jwt_claims", "access-payload", "p" + compact({
        "sub": "0f8fad5b-d9cb-469f-a165-70867728950e", "username": "alice", "exp": 1700003600,
        "device_key": "us-east-1_d", "token_use": "access", "scope": "aws.cognito.signin.user.admin"}))
    write("jwt_claims", "id-payload-expires-in", "p" + compact({
        "sub": "s", "cognito:username": "alice", "exp": 1700003600, "email_verified": True})
        + SEP + "0")
    write("jwt_claims", "emulator-signed", "e" + compact({"sub": "s", "exp": 1, "nested": {"a": [1, 2.5]}}))
    write("jwt_claims", "token", "teyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIiwiZXhwIjo1fQ.c2ln")
    write("jwt_claims", "token-padded", "th.eyJzdWIiOiJzIn0=.s")


CONFIG = ('{"endpoint":{"url":"http://127.0.0.1:9229"},"userPoolId":"us-east-1_Fuzz12345",'
          '"clientId":"fuzzclient","clientSecret":"$SECRET","deviceName":"fuzz phone",'
          '"refreshMarginSeconds":300}')


def c_requests():
    def ops(*pairs):
        return SEP.join(f"{code}\n{compact(request)}" for code, request in pairs)

    sign_in = (1, {"username": "alice", "password": "$SECRET"})
    write("c_requests", "sign-in-session", CONFIG + SEP + ops(
        sign_in, (5, {"forceRefresh": True}), (7, {}), (11, {}), (12, {}), (6, {"globalSignOut": False})))
    write("c_requests", "sign-in-flows", "" + SEP + ops(
        (1, {"username": "alice", "password": "$SECRET",
             "options": {"authFlow": {"type": "USER_AUTH", "preferredFirstFactor": "EMAIL_OTP"},
                         "clientMetadata": {"k": "v"}}}),
        (2, {"challengeResponse": "$SECRET", "options": {"friendlyDeviceName": "phone",
                                                        "userAttributes": {"name": "A"}}}),
        (3, {}), (4, None)))
    write("c_requests", "account", CONFIG + SEP + ops(
        (17, {"username": "bob", "password": "$SECRET",
              "options": {"userAttributes": {"email": "b@e.com"}}}),
        (18, {"username": "bob", "confirmationCode": "$SECRET"}),
        (19, {"username": "bob"}), (20, {"username": "bob"}),
        (21, {"username": "bob", "newPassword": "$SECRET", "confirmationCode": "123456"})))
    write("c_requests", "signed-in", "" + SEP + ops(
        sign_in, (13, {}), (14, {"code": "$SECRET", "friendlyDeviceName": "x"}), (15, {}),
        (16, {"sms": "ENABLED", "totp": "PREFERRED", "email": "DISABLED"}),
        (22, {"oldPassword": "$SECRET", "newPassword": "$SECRET"}),
        (24, {"attributes": {"email": "new@e.com"}}),
        (25, {"attributeName": "email"})))
    write("c_requests", "devices", "" + SEP + ops(
        sign_in, (8, {}), (9, {}), (10, {"deviceId": "us-east-1_dev"}), (10, {}),
        (26, {"attributeName": "email", "confirmationCode": "1"}), (27, {}), (28, {})))
    write("c_requests", "bad-config", '{"endpoint":{"region":"eu-west-1"},"userPoolId":1}')
    write("c_requests", "bad-requests", "" + SEP + SEP.join(
        ["1\n[1]", "1\n{\"username\":3}", "2\nnull", "99\n{}", "5\n{\"forceRefresh\":\"yes\"}", "1\n{"]))


def emulator_requests():
    api = "POST /\nX-Amz-Target: AWSCognitoIdentityProviderService.{op}\n" \
          "Content-Type: application/x-amz-json-1.1\n\n{body}"

    def req(op, body):
        return api.format(op=op, body=compact(body))

    srp = req("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "%CLIENT%",
                               "AuthParameters": {"USERNAME": "alice", "SRP_A": "%SRP_A%"}})
    verifier = req("RespondToAuthChallenge", {
        "ChallengeName": "PASSWORD_VERIFIER", "ClientId": "%CLIENT%", "Session": "%SESSION%",
        "ChallengeResponses": {"USERNAME": "%USER_ID%", "PASSWORD_CLAIM_SECRET_BLOCK": "%SECRET_BLOCK%",
                               "TIMESTAMP": "%TIMESTAMP%", "PASSWORD_CLAIM_SIGNATURE": "%CLAIM%"}})
    confirm = req("ConfirmDevice", {
        "AccessToken": "%ACCESS%", "DeviceKey": "%DEVICE%", "DeviceName": "fuzz",
        "DeviceSecretVerifierConfig": {"Salt": "%DEVICE_SALT%", "PasswordVerifier": "%DEVICE_VERIFIER%"}})
    remember = req("UpdateDeviceStatus", {"AccessToken": "%ACCESS%", "DeviceKey": "%DEVICE%",
                                          "DeviceRememberedStatus": "remembered"})
    srp_device = req("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "%CLIENT%",
                                      "AuthParameters": {"USERNAME": "alice", "SRP_A": "%SRP_A%",
                                                         "DEVICE_KEY": "%DEVICE%"}})
    verifier_device = verifier.replace('"USERNAME":"%USER_ID%"', '"USERNAME":"%USER_ID%","DEVICE_KEY":"%DEVICE%"')
    device_srp = req("RespondToAuthChallenge", {
        "ChallengeName": "DEVICE_SRP_AUTH", "ClientId": "%CLIENT%", "Session": "%SESSION%",
        "ChallengeResponses": {"USERNAME": "%USER_ID%", "DEVICE_KEY": "%DEVICE%", "SRP_A": "%SRP_A%"}})
    device_verifier = req("RespondToAuthChallenge", {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ClientId": "%CLIENT%", "Session": "%SESSION%",
        "ChallengeResponses": {"USERNAME": "%USER_ID%", "DEVICE_KEY": "%DEVICE%",
                               "PASSWORD_CLAIM_SECRET_BLOCK": "%SECRET_BLOCK%", "TIMESTAMP": "%TIMESTAMP%",
                               "PASSWORD_CLAIM_SIGNATURE": "%DEVICE_CLAIM%"}})
    write("emulator_requests", "srp-device", SEP.join(
        [srp, verifier, confirm, remember, srp_device, verifier_device, device_srp, device_verifier]))
    password = lambda user, client="%CLIENT%", extra=None: req("InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
        "AuthParameters": {"USERNAME": user, "PASSWORD": "%PASSWORD%", **(extra or {})}})
    write("emulator_requests", "sms-mfa", SEP.join([password("carol"), req("RespondToAuthChallenge", {
        "ChallengeName": "SMS_MFA", "ClientId": "%CLIENT%", "Session": "%SESSION%",
        "ChallengeResponses": {"USERNAME": "carol", "SMS_MFA_CODE": "%CODE%"}})]))
    write("emulator_requests", "totp-setup", SEP.join([
        password("alice"), req("AssociateSoftwareToken", {"AccessToken": "%ACCESS%"}),
        req("VerifySoftwareToken", {"AccessToken": "%ACCESS%", "UserCode": "%TOTP%",
                                    "FriendlyDeviceName": "phone"}),
        req("SetUserMFAPreference", {"AccessToken": "%ACCESS%",
                                     "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}}),
        req("GetUser", {"AccessToken": "%ACCESS%"}),
        password("alice"),
        req("RespondToAuthChallenge", {"ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": "%CLIENT%",
                                       "Session": "%SESSION%",
                                       "ChallengeResponses": {"USERNAME": "alice",
                                                              "SOFTWARE_TOKEN_MFA_CODE": "%TOTP%"}})]))
    write("emulator_requests", "refresh-revoke", SEP.join([
        password("alice", "%SECRET_CLIENT%", {"SECRET_HASH": "%SECRET_HASH%"}),
        confirm,
        req("GetTokensFromRefreshToken", {"RefreshToken": "%REFRESH%", "ClientId": "%SECRET_CLIENT%",
                                          "ClientSecret": "%CLIENT_SECRET%", "DeviceKey": "%DEVICE%"}),
        req("InitiateAuth", {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "%SECRET_CLIENT%",
                             "AuthParameters": {"REFRESH_TOKEN": "%REFRESH%", "DEVICE_KEY": "%DEVICE%",
                                                "SECRET_HASH": "%SECRET_HASH%"}}),
        req("ListDevices", {"AccessToken": "%ACCESS%", "Limit": 10}),
        req("GlobalSignOut", {"AccessToken": "%ACCESS%"}),
        req("RevokeToken", {"Token": "%REFRESH%", "ClientId": "%SECRET_CLIENT%",
                            "ClientSecret": "%CLIENT_SECRET%"})]))
    write("emulator_requests", "sign-up", SEP.join([
        req("SignUp", {"ClientId": "%CLIENT%", "Username": "dave", "Password": "%PASSWORD%",
                       "UserAttributes": [{"Name": "email", "Value": "dave@example.com"}]}),
        req("ConfirmSignUp", {"ClientId": "%CLIENT%", "Username": "dave", "ConfirmationCode": "%CODE%"}),
        req("ForgotPassword", {"ClientId": "%CLIENT%", "Username": "alice"}),
        req("ConfirmForgotPassword", {"ClientId": "%CLIENT%", "Username": "alice",
                                      "ConfirmationCode": "%CODE%", "Password": "%PASSWORD%x"}),
        password("dave"), req("UpdateUserAttributes", {"AccessToken": "%ACCESS%", "UserAttributes": [
            {"Name": "email", "Value": "d2@example.com"}]}),
        req("VerifyUserAttribute", {"AccessToken": "%ACCESS%", "AttributeName": "email", "Code": "%CODE%"}),
        req("DeleteUser", {"AccessToken": "%ACCESS%"})]))
    write("emulator_requests", "choice", SEP.join([
        req("InitiateAuth", {"AuthFlow": "USER_AUTH", "ClientId": "%CLIENT%",
                             "AuthParameters": {"USERNAME": "alice", "PREFERRED_CHALLENGE": "EMAIL_OTP"}}),
        req("RespondToAuthChallenge", {"ChallengeName": "EMAIL_OTP", "ClientId": "%CLIENT%",
                                       "Session": "%SESSION%",
                                       "ChallengeResponses": {"USERNAME": "alice", "EMAIL_OTP_CODE": "%CODE%"}}),
        req("InitiateAuth", {"AuthFlow": "CUSTOM_AUTH", "ClientId": "%CLIENT%",
                             "AuthParameters": {"USERNAME": "alice"}})]))
    write("emulator_requests", "admin", SEP.join([
        req("AdminGetUser", {"UserPoolId": "%POOL%", "Username": "alice"}),
        req("AdminListDevices", {"UserPoolId": "%POOL%", "Username": "alice"}),
        req("DescribeUserPool", {"UserPoolId": "%POOL%"}),
        req("UpdateUserPool", {"UserPoolId": "%POOL%", "MfaConfiguration": "ON"}),
        req("AdminUpdateUserAttributes", {"UserPoolId": "%POOL%", "Username": "alice",
                                          "UserAttributes": [{"Name": "custom:x", "Value": "1"}]}),
        req("AdminDisableUser", {"UserPoolId": "%POOL%", "Username": "carol"})]))
    write("emulator_requests", "hooks", SEP.join([
        'POST /_emulator/clock\nContent-Type: application/json\n\n{"advanceSeconds":600}',
        'POST /_emulator/faults\nContent-Type: application/json\n\n'
        '{"operation":"InitiateAuth","error":"InternalErrorException","count":1}',
        password("alice"),
        'POST /_emulator/custom-auth\nContent-Type: application/json\n\n'
        '{"userPoolId":"%POOL%","challengeParameters":{"q":"1+1"},"answer":"2"}',
        "GET /_emulator/calls?operation=InitiateAuth\n\n",
        "GET /%POOL%/.well-known/jwks.json\n\n",
        "GET /_emulator/messages?userPoolId=%POOL%&username=alice\n\n"]))
    write("emulator_requests", "malformed", SEP.join([
        "GET /\n\n",
        "POST /\nX-Amz-Target: AWSCognitoIdentityProviderService.Nope\n\n{}",
        "POST /\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\n\n{\"AuthFlow\":",
        "POST /\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\n\n[]",
        "POST /\nHost: evil.example\nX-Amz-Target: AWSCognitoIdentityProviderService.GetUser\n\n{}",
        "POST /\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\n\n"
        '{"AuthFlow":"USER_SRP_AUTH","ClientId":"%CLIENT%","AuthParameters":{"USERNAME":"alice","SRP_A":"0"}}']))


if __name__ == "__main__":
    core_responses()
    srp_inputs()
    jwt_claims()
    c_requests()
    emulator_requests()
    total = sum(f.stat().st_size for f in SEEDS.rglob("*") if f.is_file())
    print(f"{sum(1 for f in SEEDS.rglob('*') if f.is_file())} seeds, {total} bytes")
