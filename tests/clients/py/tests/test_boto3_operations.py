"""Every emulated operation through boto3 (botocore parses each answer against Cognito's
service model). SRP maths comes from pycognito's AWSSRP; every call goes through boto3.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP, generate_hash_device

from harness import DEVICE_MFA_POOL, PASSWORD, PHONE, Pool, device_attr, totp


def code_of(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


def srp_password_step(pool: Pool, username: str, password: str = PASSWORD, device_key=None):
    """InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER through boto3."""
    boto = pool.admin
    srp = AWSSRP(username, password, pool.id, pool.client_id, client=boto)
    params = srp.get_auth_params()
    if device_key:
        params["DEVICE_KEY"] = device_key
    challenge = boto.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=params, ClientId=pool.client_id)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(challenge["ChallengeParameters"], params)
    if device_key:
        responses["DEVICE_KEY"] = device_key
    kwargs = dict(ClientId=pool.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)
    if challenge.get("Session"):
        kwargs["Session"] = challenge["Session"]
    return boto.respond_to_auth_challenge(**kwargs), challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]


def answer(pool: Pool, name: str, session: str, **responses):
    return pool.admin.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName=name, Session=session, ChallengeResponses=responses
    )


def test_pool_client_and_admin_operations(emu):
    pool = Pool(emu, mfa="OPTIONAL", device=DEVICE_MFA_POOL)
    boto = pool.admin
    described = boto.describe_user_pool(UserPoolId=pool.id)["UserPool"]
    assert described["MfaConfiguration"] == "OPTIONAL"
    boto.update_user_pool(UserPoolId=pool.id, MfaConfiguration="OPTIONAL")
    assert boto.get_user_pool_mfa_config(UserPoolId=pool.id)["SoftwareTokenMfaConfiguration"]["Enabled"]
    secret_client = boto.create_user_pool_client(UserPoolId=pool.id, ClientName="conf", GenerateSecret=True)
    assert secret_client["UserPoolClient"]["ClientSecret"]
    assert boto.describe_user_pool_client(
        UserPoolId=pool.id, ClientId=secret_client["UserPoolClient"]["ClientId"]
    )["UserPoolClient"]["ClientName"] == "conf"

    user = pool.create_user(phone=PHONE)
    got = boto.admin_get_user(UserPoolId=pool.id, Username=user)
    assert got["UserStatus"] == "CONFIRMED"
    boto.admin_update_user_attributes(UserPoolId=pool.id, Username=user, UserAttributes=[{"Name": "name", "Value": "Py"}])
    pool.prefer_sms(user)
    got = boto.admin_get_user(UserPoolId=pool.id, Username=user)
    assert got["PreferredMfaSetting"] == "SMS_MFA"
    assert {"Name": "name", "Value": "Py"} in got["UserAttributes"]

    mfa, user_id = srp_password_step(pool, user)
    assert mfa["ChallengeName"] == "SMS_MFA"
    done = answer(pool, "SMS_MFA", mfa["Session"], USERNAME=user_id, SMS_MFA_CODE=pool.latest_code(user))
    result = done["AuthenticationResult"]
    meta = result["NewDeviceMetadata"]
    _, verifier = generate_hash_device(meta["DeviceGroupKey"], meta["DeviceKey"])
    confirmed = boto.confirm_device(
        AccessToken=result["AccessToken"], DeviceKey=meta["DeviceKey"],
        DeviceSecretVerifierConfig=verifier, DeviceName="boto3",
    )
    assert confirmed["UserConfirmationNecessary"] is True
    devices = boto.admin_list_devices(UserPoolId=pool.id, Username=user)["Devices"]
    assert [d["DeviceKey"] for d in devices] == [meta["DeviceKey"]]
    assert hasattr(devices[0]["DeviceCreateDate"], "year"), "dates parse as timestamps"
    device = boto.admin_get_device(UserPoolId=pool.id, Username=user, DeviceKey=meta["DeviceKey"])["Device"]
    assert device_attr(device, "device_name") == "boto3"
    boto.admin_forget_device(UserPoolId=pool.id, Username=user, DeviceKey=meta["DeviceKey"])
    assert boto.admin_list_devices(UserPoolId=pool.id, Username=user)["Devices"] == []

    boto.admin_user_global_sign_out(UserPoolId=pool.id, Username=user)
    with pytest.raises(ClientError) as revoked:
        boto.get_user(AccessToken=result["AccessToken"])
    assert code_of(revoked.value) == "NotAuthorizedException"
    boto.admin_delete_user(UserPoolId=pool.id, Username=user)
    with pytest.raises(ClientError) as gone:
        boto.admin_get_user(UserPoolId=pool.id, Username=user)
    assert code_of(gone.value) == "UserNotFoundException"


def test_user_operations(emu):
    pool = Pool(emu)
    boto = pool.admin
    email = "py-user@example.com"
    signed_up = boto.sign_up(ClientId=pool.client_id, Username=email, Password=PASSWORD,
                             UserAttributes=[{"Name": "email", "Value": email}])
    assert signed_up["UserConfirmed"] is False
    boto.resend_confirmation_code(ClientId=pool.client_id, Username=email)
    boto.confirm_sign_up(ClientId=pool.client_id, Username=email,
                         ConfirmationCode=pool.latest_code(email, channel="EMAIL"))

    done, _ = srp_password_step(pool, email)
    tokens = done["AuthenticationResult"]
    access = tokens["AccessToken"]
    me = boto.get_user(AccessToken=access)
    assert any(a["Name"] == "email" and a["Value"] == email for a in me["UserAttributes"])
    boto.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "name", "Value": "Py"}])
    assert {"Name": "name", "Value": "Py"} in boto.get_user(AccessToken=access)["UserAttributes"]
    boto.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    boto.verify_user_attribute(AccessToken=access, AttributeName="email",
                               Code=pool.latest_code(email, channel="EMAIL"))
    boto.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword="Next-Passw0rd!")
    boto.forgot_password(ClientId=pool.client_id, Username=email)
    boto.confirm_forgot_password(ClientId=pool.client_id, Username=email, Password=PASSWORD,
                                 ConfirmationCode=pool.latest_code(email, channel="EMAIL"))

    done, _ = srp_password_step(pool, email)
    tokens = done["AuthenticationResult"]
    refreshed = boto.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=pool.client_id,
                                   AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert refreshed["AuthenticationResult"]["AccessToken"]
    again = boto.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=pool.client_id)
    assert again["AuthenticationResult"]["IdToken"]
    boto.revoke_token(Token=tokens["RefreshToken"], ClientId=pool.client_id)
    with pytest.raises(ClientError) as revoked:
        boto.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=pool.client_id)
    assert code_of(revoked.value) == "NotAuthorizedException"

    done, _ = srp_password_step(pool, email)
    access = done["AuthenticationResult"]["AccessToken"]
    boto.global_sign_out(AccessToken=access)
    done, _ = srp_password_step(pool, email)
    boto.delete_user(AccessToken=done["AuthenticationResult"]["AccessToken"])


def test_mfa_and_device_operations(emu, totp_clock):
    pool = Pool(emu, mfa="ON", device=DEVICE_MFA_POOL)
    boto = pool.admin
    user = pool.create_user(phone=PHONE)
    mfa, user_id = srp_password_step(pool, user)
    assert mfa["ChallengeName"] == "SMS_MFA"
    done = answer(pool, "SMS_MFA", mfa["Session"], USERNAME=user_id, SMS_MFA_CODE=pool.latest_code(user))
    access = done["AuthenticationResult"]["AccessToken"]
    secret = boto.associate_software_token(AccessToken=access)["SecretCode"]
    status = boto.verify_software_token(AccessToken=access, UserCode=totp_clock.fresh_code(secret),
                                        FriendlyDeviceName="py")["Status"]
    assert status == "SUCCESS"
    boto.set_user_mfa_preference(
        AccessToken=access,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    boto.admin_set_user_mfa_preference(
        UserPoolId=pool.id, Username=user, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False}
    )
    assert sorted(boto.get_user(AccessToken=access)["UserMFASettingList"]) == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]

    select, user_id = srp_password_step(pool, user)
    assert select["ChallengeName"] == "SELECT_MFA_TYPE"
    totp_step = answer(pool, "SELECT_MFA_TYPE", select["Session"], USERNAME=user_id, ANSWER="SOFTWARE_TOKEN_MFA")
    assert totp_step["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = answer(pool, "SOFTWARE_TOKEN_MFA", totp_step["Session"], USERNAME=user_id,
                  SOFTWARE_TOKEN_MFA_CODE=totp_clock.fresh_code(secret))
    result = done["AuthenticationResult"]
    access = result["AccessToken"]
    meta = result["NewDeviceMetadata"]
    device_password, verifier = generate_hash_device(meta["DeviceGroupKey"], meta["DeviceKey"])
    boto.confirm_device(AccessToken=access, DeviceKey=meta["DeviceKey"],
                        DeviceSecretVerifierConfig=verifier, DeviceName="py-device")
    boto.update_device_status(AccessToken=access, DeviceKey=meta["DeviceKey"], DeviceRememberedStatus="remembered")
    got = boto.get_device(AccessToken=access, DeviceKey=meta["DeviceKey"])["Device"]
    assert device_attr(got, "dev:device_remembered_status") == "remembered"
    assert len(boto.list_devices(AccessToken=access, Limit=10)["Devices"]) == 1

    # DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, through boto3 with pycognito's maths.
    step, user_id = srp_password_step(pool, user, device_key=meta["DeviceKey"])
    assert step["ChallengeName"] == "DEVICE_SRP_AUTH"
    srp = AWSSRP(user, PASSWORD, pool.id, pool.client_id, client=boto, device_key=meta["DeviceKey"],
                 device_group_key=meta["DeviceGroupKey"], device_password=device_password)
    a_hex = format(srp.large_a_value, "x")
    verifier_step = answer(pool, "DEVICE_SRP_AUTH", step["Session"], USERNAME=user_id,
                           DEVICE_KEY=meta["DeviceKey"], SRP_A=a_hex)
    assert verifier_step["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    responses = srp.process_device_challenge(verifier_step["ChallengeParameters"])
    done = answer(pool, "DEVICE_PASSWORD_VERIFIER", verifier_step["Session"], **responses)
    assert done["AuthenticationResult"]["AccessToken"], "the remembered device replaced MFA"

    boto.forget_device(AccessToken=access, DeviceKey=meta["DeviceKey"])
    assert boto.list_devices(AccessToken=access, Limit=10)["Devices"] == []


def test_new_password_and_mfa_setup_challenges(emu, totp_clock):
    pool = Pool(emu, mfa="ON", sms=False)
    boto = pool.admin
    boto.admin_create_user(UserPoolId=pool.id, Username="new@example.com", TemporaryPassword="Temp-Passw0rd!",
                           MessageAction="SUPPRESS",
                           UserAttributes=[{"Name": "email", "Value": "new@example.com"}])
    first, user_id = srp_password_step(pool, "new@example.com", "Temp-Passw0rd!")
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    setup = answer(pool, "NEW_PASSWORD_REQUIRED", first["Session"], USERNAME=user_id, NEW_PASSWORD=PASSWORD)
    assert setup["ChallengeName"] == "MFA_SETUP"
    associated = boto.associate_software_token(Session=setup["Session"])
    verified = boto.verify_software_token(Session=associated["Session"],
                                          UserCode=totp_clock.fresh_code(associated["SecretCode"]))
    assert verified["Status"] == "SUCCESS"
    done = answer(pool, "MFA_SETUP", verified["Session"], USERNAME=user_id)
    assert done["AuthenticationResult"]["AccessToken"]
