// amazon-cognito-identity-js 6.3.x against the local cognito-emulator.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  CognitoUser,
  DEVICE_MFA_POOL,
  DEVICE_PLAIN_POOL,
  Emulator,
  MemoryStorage,
  PHONE,
  Pool,
  assertNoViolations,
  callbacks,
  cb,
  challengesSent,
  claims,
  deviceAttr,
  expectKind,
  freshTotp,
  sendMFACode,
  signIn,
  wire,
  wireSince,
} from './harness.mjs';

let emu;
before(async () => {
  emu = await Emulator.start();
});
after(async () => {
  if (emu) await emu.stop();
});
afterEach(() => assertNoViolations());

function newUser(pool, username, storage) {
  const userPool = pool.userPool(storage);
  return new CognitoUser({ Username: username, Pool: userPool, Storage: userPool.storage });
}

async function smsSignIn(pool, user, username) {
  const before = (await pool.messages(username)).length;
  const r = expectKind(await signIn(user, username), 'mfaRequired');
  assert.equal(r.name, 'SMS_MFA');
  assert.equal(r.params.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
  assert.ok(r.params.CODE_DELIVERY_DESTINATION.endsWith(PHONE.slice(-4)));
  assert.ok(!r.params.CODE_DELIVERY_DESTINATION.includes(PHONE), 'destination must be masked');
  const code = await pool.latestCode(username, 'SMS', before);
  return expectKind(await sendMFACode(user, code, 'SMS_MFA'), 'success');
}

function storedKey(storage, suffix) {
  const k = Object.keys(storage.data).find((key) => key.endsWith(`.${suffix}`));
  return k;
}

/** Signs in (SMS MFA), lets acij confirm the device, remembers it. */
async function rememberedSmsDevice(pool) {
  const username = await pool.smsUser();
  const storage = new MemoryStorage();
  const user = newUser(pool, username, storage);
  const mark = wire.length;
  const res = await smsSignIn(pool, user, username);
  const confirm = wireSince(mark).find((e) => e.target === 'ConfirmDevice');
  assert.ok(confirm, 'acij did not call ConfirmDevice');
  assert.equal(confirm.status, 200, JSON.stringify(confirm.response));
  assert.equal(res.userConfirmationNecessary, true);
  await cb((c) => user.setDeviceStatusRemembered(c));
  const deviceKey = storage.getItem(storedKey(storage, 'deviceKey'));
  assert.ok(deviceKey);
  return { username, storage, user, deviceKey };
}

describe('amazon-cognito-identity-js', () => {
  test('SRP sign-in', async () => {
    const pool = await Pool.create(emu);
    const username = await pool.createUser();
    const user = newUser(pool, username);
    const mark = wire.length;
    const { session } = expectKind(await signIn(user, username), 'success');
    assert.ok(session.isValid());
    const access = claims(session.getAccessToken().getJwtToken());
    const id = claims(session.getIdToken().getJwtToken());
    assert.equal(access.token_use, 'access');
    assert.equal(access.client_id, pool.clientId);
    assert.equal(id.aud, pool.clientId);
    assert.equal(id.email, username);
    assert.equal(access.username, id.sub);
    assert.equal(access.iss, `${emu.url}/${pool.id}`);
    assert.ok(session.getRefreshToken().getToken());
    const sent = wireSince(mark);
    assert.deepEqual(sent.map((e) => e.target), ['InitiateAuth', 'RespondToAuthChallenge']);
    assert.equal(sent[1].body.ChallengeResponses.USERNAME, id.sub, 'acij answers as USER_ID_FOR_SRP');
  });

  test('wrong password is rejected with NotAuthorizedException', async () => {
    const pool = await Pool.create(emu);
    const username = await pool.createUser();
    const r = expectKind(await signIn(newUser(pool, username), username, 'Wrong-Password-1!'), 'failure');
    assert.equal(r.err.code, 'NotAuthorizedException');
  });

  test('ConfirmDevice and remember (UpdateDeviceStatus)', async () => {
    const pool = await Pool.create(emu, { device: DEVICE_PLAIN_POOL });
    const username = await pool.createUser();
    const storage = new MemoryStorage();
    const user = newUser(pool, username, storage);
    const mark = wire.length;
    const r = expectKind(await signIn(user, username), 'success');
    assert.equal(r.userConfirmationNecessary, true, 'DeviceOnlyRememberedOnUserPrompt=true');
    const confirm = wireSince(mark).find((e) => e.target === 'ConfirmDevice');
    assert.ok(confirm && confirm.status === 200, JSON.stringify(confirm));
    const deviceKey = storage.getItem(storedKey(storage, 'deviceKey'));
    assert.equal(deviceKey, confirm.body.DeviceKey);
    assert.ok(storage.getItem(storedKey(storage, 'randomPasswordKey')));
    assert.ok(storage.getItem(storedKey(storage, 'deviceGroupKey')));

    let got = await cb((c) => user.getDevice(c));
    assert.equal(got.Device.DeviceKey, deviceKey);
    assert.equal(deviceAttr(got.Device, 'dev:device_remembered_status'), 'not_remembered');

    await cb((c) => user.setDeviceStatusRemembered(c));
    got = await cb((c) => user.getDevice(c));
    assert.equal(deviceAttr(got.Device, 'dev:device_remembered_status'), 'remembered');
    assert.equal(deviceAttr(got.Device, 'device_name'), confirm.body.DeviceName);

    const listed = await new Promise((resolve, reject) =>
      user.listDevices(10, null, { onSuccess: resolve, onFailure: reject }),
    );
    assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [deviceKey]);
    const admin = await pool.adminListDevices(username);
    assert.deepEqual(admin.map((d) => d.DeviceKey), [deviceKey]);
  });

  test('remembered device: device SRP replaces MFA', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON', device: DEVICE_MFA_POOL });
    const { username, storage, deviceKey } = await rememberedSmsDevice(pool);
    const smsBefore = (await pool.messages(username)).length;
    const user = newUser(pool, username, storage);
    const mark = wire.length;
    const { session } = expectKind(await signIn(user, username), 'success');
    const sent = wireSince(mark);
    assert.deepEqual(challengesSent(sent), ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
    assert.equal(sent[1].body.ChallengeResponses.DEVICE_KEY, deviceKey);
    assert.ok(!sent.some((e) => e.target === 'ConfirmDevice'), 'a remembered device is not confirmed again');
    assert.equal((await pool.messages(username)).length, smsBefore, 'no MFA code may be sent');
    assert.equal(claims(session.getAccessToken().getJwtToken()).device_key, deviceKey);
  });

  test('confirmed but not remembered device: MFA is still asked', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON', device: DEVICE_MFA_POOL });
    const username = await pool.smsUser();
    const storage = new MemoryStorage();
    await smsSignIn(pool, newUser(pool, username, storage), username);
    const deviceKey = storage.getItem(storedKey(storage, 'deviceKey'));
    assert.ok(deviceKey, 'acij confirmed the device');
    const user = newUser(pool, username, storage);
    const mark = wire.length;
    const { session } = await smsSignIn(pool, user, username);
    const sent = wireSince(mark);
    assert.deepEqual(challengesSent(sent), ['PASSWORD_VERIFIER', 'SMS_MFA']);
    assert.equal(sent.find((e) => e.body?.ChallengeName === 'SMS_MFA').body.ChallengeResponses.DEVICE_KEY, deviceKey);
    assert.ok(!sent.some((e) => e.target === 'ConfirmDevice'), 'no new device for a known one');
    assert.equal(claims(session.getAccessToken().getJwtToken()).device_key, deviceKey);
  });

  test('device verifier padding variants (Salt 16/17 bytes, verifier 384/385 bytes)', async () => {
    // acij pads salt and verifier like pycognito (leading 0x00 when the top bit is set).
    // Register devices until every variant was seen; each one must then pass device SRP
    // (MFA off: a confirmed device gets DEVICE_SRP_AUTH).
    const pool = await Pool.create(emu, { device: DEVICE_PLAIN_POOL });
    const salts = new Set();
    const verifiers = new Set();
    for (let i = 0; i < 16; i++) {
      const username = await pool.createUser();
      const storage = new MemoryStorage();
      let mark = wire.length;
      expectKind(await signIn(newUser(pool, username, storage), username), 'success');
      const confirm = wireSince(mark).find((e) => e.target === 'ConfirmDevice');
      const cfg = confirm.body.DeviceSecretVerifierConfig;
      salts.add(Buffer.from(cfg.Salt, 'base64').length);
      verifiers.add(Buffer.from(cfg.PasswordVerifier, 'base64').length);
      mark = wire.length;
      const r = await signIn(newUser(pool, username, storage), username);
      assert.deepEqual(
        challengesSent(wireSince(mark)),
        ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER'],
        JSON.stringify(cfg),
      );
      expectKind(r, 'success');
      if (salts.has(16) && salts.has(17) && verifiers.has(384) && verifiers.has(385)) break;
    }
    assert.ok(salts.has(16) && salts.has(17), `salt lengths seen: ${[...salts]}`);
    assert.ok(verifiers.has(384) && verifiers.has(385), `verifier lengths seen: ${[...verifiers]}`);
  });

  test('SMS MFA with the code from the outbox', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON' });
    const username = await pool.smsUser();
    const user = newUser(pool, username);
    const { session } = await smsSignIn(pool, user, username);
    const msgs = await pool.messages(username);
    assert.equal(msgs.at(-1).channel, 'SMS');
    assert.equal(msgs.at(-1).destination, PHONE);
    assert.equal(claims(session.getIdToken().getJwtToken()).email, username);
  });

  test('SMS MFA: wrong code is rejected with CodeMismatchException', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON' });
    const username = await pool.smsUser();
    const user = newUser(pool, username);
    expectKind(await signIn(user, username), 'mfaRequired');
    const real = await pool.latestCode(username, 'SMS');
    const wrong = String((Number(real) + 1) % 1000000).padStart(6, '0');
    const r = expectKind(await sendMFACode(user, wrong, 'SMS_MFA'), 'failure');
    assert.equal(r.err.code, 'CodeMismatchException');
  });

  async function setupTotpInSignIn(pool, username, user) {
    const r = expectKind(await signIn(user, username), 'mfaSetup');
    assert.equal(r.name, 'MFA_SETUP');
    assert.ok(JSON.parse(r.params.MFAS_CAN_SETUP).includes('SOFTWARE_TOKEN_MFA'));
    const { secret } = expectKind(
      await new Promise((resolve) => user.associateSoftwareToken(callbacks(resolve))),
      'associateSecretCode',
    );
    assert.match(secret, /^[A-Z2-7]+=*$/);
    const code = await freshTotp(emu, secret);
    const done = expectKind(
      await new Promise((resolve) => user.verifySoftwareToken(code, 'acij-totp', callbacks(resolve))),
      'success',
    );
    return { secret, session: done.session };
  }

  test('MFA setup inside sign-in (MFA_SETUP -> AssociateSoftwareToken/VerifySoftwareToken)', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON' });
    const username = await pool.createUser();
    const user = newUser(pool, username);
    const mark = wire.length;
    const { session } = await setupTotpInSignIn(pool, username, user);
    assert.ok(session.isValid());
    const sent = wireSince(mark).map((e) => e.target);
    assert.deepEqual(sent, [
      'InitiateAuth',
      'RespondToAuthChallenge',
      'AssociateSoftwareToken',
      'VerifySoftwareToken',
      'RespondToAuthChallenge',
    ]);
    const admin = await emu.call('AdminGetUser', { UserPoolId: pool.id, Username: username });
    assert.ok((admin.UserMFASettingList || []).includes('SOFTWARE_TOKEN_MFA'), JSON.stringify(admin));
  });

  test('TOTP MFA with a computed code', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON' });
    const username = await pool.createUser();
    const { secret } = await setupTotpInSignIn(pool, username, newUser(pool, username));
    const user = newUser(pool, username);
    const r = expectKind(await signIn(user, username), 'totpRequired');
    assert.equal(r.name, 'SOFTWARE_TOKEN_MFA');
    const { session } = expectKind(await sendMFACode(user, await freshTotp(emu, secret), 'SOFTWARE_TOKEN_MFA'), 'success');
    assert.ok(session.isValid());
  });

  test('TOTP MFA: wrong code is rejected with CodeMismatchException', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON' });
    const username = await pool.createUser();
    const { secret } = await setupTotpInSignIn(pool, username, newUser(pool, username));
    const user = newUser(pool, username);
    expectKind(await signIn(user, username), 'totpRequired');
    const good = await freshTotp(emu, secret);
    const wrong = String((Number(good) + 1) % 1000000).padStart(6, '0');
    const r = expectKind(await sendMFACode(user, wrong, 'SOFTWARE_TOKEN_MFA'), 'failure');
    assert.equal(r.err.code, 'CodeMismatchException');
  });

  test('MFA selection (SELECT_MFA_TYPE), both answers', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON' });
    const username = await pool.smsUser();
    // sign in with SMS, then add TOTP with the access token
    const first = newUser(pool, username);
    await smsSignIn(pool, first, username);
    const { secret } = expectKind(
      await new Promise((resolve) => first.associateSoftwareToken(callbacks(resolve))),
      'associateSecretCode',
    );
    const setupCode = await freshTotp(emu, secret);
    await new Promise((resolve, reject) =>
      first.verifySoftwareToken(setupCode, 'acij-totp', { onSuccess: resolve, onFailure: reject }),
    );
    await emu.call('AdminSetUserMFAPreference', {
      UserPoolId: pool.id,
      Username: username,
      SMSMfaSettings: { Enabled: true, PreferredMfa: false },
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
    });

    // answer SOFTWARE_TOKEN_MFA
    let user = newUser(pool, username);
    let r = expectKind(await signIn(user, username), 'selectMFAType');
    assert.equal(r.name, 'SELECT_MFA_TYPE');
    assert.deepEqual(JSON.parse(r.params.MFAS_CAN_CHOOSE).sort(), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    r = expectKind(await new Promise((resolve) => user.sendMFASelectionAnswer('SOFTWARE_TOKEN_MFA', callbacks(resolve))), 'totpRequired');
    expectKind(await sendMFACode(user, await freshTotp(emu, secret), 'SOFTWARE_TOKEN_MFA'), 'success');

    // answer SMS_MFA
    user = newUser(pool, username);
    expectKind(await signIn(user, username), 'selectMFAType');
    const before = (await pool.messages(username)).length;
    expectKind(await new Promise((resolve) => user.sendMFASelectionAnswer('SMS_MFA', callbacks(resolve))), 'mfaRequired');
    const code = await pool.latestCode(username, 'SMS', before);
    expectKind(await sendMFACode(user, code, 'SMS_MFA'), 'success');
  });

  test('refresh with the device key', async () => {
    const pool = await Pool.create(emu, { device: DEVICE_PLAIN_POOL });
    const username = await pool.createUser();
    const storage = new MemoryStorage();
    const user = newUser(pool, username, storage);
    const { session } = expectKind(await signIn(user, username), 'success');
    await cb((c) => user.setDeviceStatusRemembered(c));
    const deviceKey = storage.getItem(storedKey(storage, 'deviceKey'));
    const mark = wire.length;
    const refreshed = await new Promise((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))),
    );
    const req = wireSince(mark).find((e) => e.target === 'InitiateAuth');
    assert.equal(req.body.AuthFlow, 'REFRESH_TOKEN_AUTH');
    assert.equal(req.body.AuthParameters.DEVICE_KEY, deviceKey);
    assert.ok(refreshed.isValid());
    assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
    assert.equal(claims(refreshed.getAccessToken().getJwtToken()).sub, claims(session.getAccessToken().getJwtToken()).sub);
  });

  test('refresh with a wrong device key is rejected', async () => {
    const pool = await Pool.create(emu, { device: DEVICE_PLAIN_POOL });
    const username = await pool.createUser();
    const storage = new MemoryStorage();
    const user = newUser(pool, username, storage);
    const { session } = expectKind(await signIn(user, username), 'success');
    const k = storedKey(storage, 'deviceKey');
    storage.setItem(k, 'us-east-1_00000000-0000-4000-8000-000000000000');
    const err = await new Promise((resolve) =>
      user.refreshSession(session.getRefreshToken(), (e, s) => resolve(e || s)),
    );
    assert.ok(err instanceof Error, 'refresh with a foreign device key succeeded');
    assert.equal(err.code, 'NotAuthorizedException');
  });

  test('refresh token of a forgotten device is refused', async () => {
    const pool = await Pool.create(emu, { device: DEVICE_PLAIN_POOL });
    const username = await pool.createUser();
    const storage = new MemoryStorage();
    const user = newUser(pool, username, storage);
    const { session } = expectKind(await signIn(user, username), 'success');
    await cb((c) => user.setDeviceStatusRemembered(c));
    const stale = new MemoryStorage(storage.snapshot());
    await cb((c) => user.forgetDevice(c));
    // another copy of the storage still holds the forgotten key and the refresh token
    const other = newUser(pool, username, stale);
    const mark = wire.length;
    const err = await new Promise((resolve) =>
      other.refreshSession(session.getRefreshToken(), (e, s) => resolve(e || s)),
    );
    assert.ok(err instanceof Error, 'a forgotten device still refreshes');
    assert.equal(err.code, 'NotAuthorizedException');
    const req = wireSince(mark).find((e) => e.target === 'InitiateAuth');
    assert.ok(req.body.AuthParameters.DEVICE_KEY, 'the stale DEVICE_KEY was sent');
  });

  test('forget device, then MFA is asked again', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON', device: DEVICE_MFA_POOL });
    const { username, storage, user, deviceKey } = await rememberedSmsDevice(pool);
    await cb((c) => user.forgetDevice(c));
    assert.equal(storage.getItem(storedKey(storage, 'deviceKey') || 'none'), null);
    assert.deepEqual(await pool.adminListDevices(username), []);
    const again = newUser(pool, username, storage);
    const r = expectKind(await signIn(again, username), 'mfaRequired');
    assert.equal(r.name, 'SMS_MFA');
    assert.ok(deviceKey);
  });

  test('forgotten device key still in storage: acij drops it and MFA is asked', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON', device: DEVICE_MFA_POOL });
    const { username, storage, user, deviceKey } = await rememberedSmsDevice(pool);
    const stale = storage.snapshot();
    await cb((c) => user.forgetDevice(c));
    const other = new MemoryStorage(stale); // e.g. a second tab that still has the key
    const again = newUser(pool, username, other);
    const mark = wire.length;
    const r = expectKind(await signIn(again, username), 'mfaRequired');
    assert.equal(r.name, 'SMS_MFA');
    const pv = wireSince(mark).filter((e) => e.body && e.body.ChallengeName === 'PASSWORD_VERIFIER');
    assert.equal(pv[0].body.ChallengeResponses.DEVICE_KEY, deviceKey);
    assert.equal(pv[0].response.__type?.split('#').pop(), 'ResourceNotFoundException');
  });

  test('wrong device secret is rejected', async () => {
    const pool = await Pool.create(emu, { mfa: 'ON', device: DEVICE_MFA_POOL });
    const { username, storage } = await rememberedSmsDevice(pool);
    const k = storedKey(storage, 'randomPasswordKey');
    const real = storage.getItem(k);
    storage.setItem(k, real.slice(0, -4) + (real.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    const user = newUser(pool, username, storage);
    const mark = wire.length;
    const r = await signIn(user, username);
    assert.notEqual(r.kind, 'success', 'a tampered device secret signed in');
    expectKind(r, 'failure');
    assert.equal(r.err.code, 'NotAuthorizedException');
    assert.deepEqual(challengesSent(wireSince(mark)), ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
  });
});
