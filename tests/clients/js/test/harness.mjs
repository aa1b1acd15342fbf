// Harness for driving amazon-cognito-identity-js against a local cognito-emulator.
// Every request must go to 127.0.0.1: a loopback guard records and blocks anything else.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import acij from 'amazon-cognito-identity-js';

export const { CognitoUserPool, CognitoUser, AuthenticationDetails, CognitoRefreshToken } = acij;

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..', '..', '..');
export const PASSWORD = 'Correct-Horse-9!';
export const PHONE = '+15555550199';

// ---- loopback guard ----------------------------------------------------------------------
export const violations = [];

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // node defaults to localhost
  const h = String(host).replace(/^\[|\]$/g, '').split('%')[0];
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

function refuse(what) {
  const msg = `${what} blocked by the test harness: only 127.0.0.1 may be reached`;
  violations.push(msg);
  throw new Error(msg);
}

const realSocketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = args[0];
  if (Array.isArray(opts)) opts = opts[0]; // node's internally normalized arguments
  let host;
  if (opts && typeof opts === 'object') {
    if (opts.path) return realSocketConnect.apply(this, args); // unix socket
    host = opts.host;
  } else if (typeof opts === 'number' || (typeof opts === 'string' && /^\d+$/.test(opts))) {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  } else if (typeof opts === 'string') {
    return realSocketConnect.apply(this, args); // unix socket path
  }
  if (!isLoopback(host)) refuse(`TCP connect to ${host}`);
  return realSocketConnect.apply(this, args);
};

const realFetch = globalThis.fetch;
/** Every fetch the client makes: {target, body, response} (response filled in later). */
export const wire = [];
globalThis.fetch = async function guardedFetch(input, init = {}) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
  if (!isLoopback(url.hostname)) refuse(`fetch ${url.href}`);
  const headers = new Headers(init.headers || {});
  const entry = {
    url: url.href,
    target: (headers.get('x-amz-target') || '').split('.').pop(),
    body: init.body ? safeJson(init.body) : undefined,
  };
  wire.push(entry);
  const resp = await realFetch(input, init);
  entry.status = resp.status;
  try {
    entry.response = await resp.clone().json();
  } catch {
    entry.response = undefined;
  }
  return resp;
};

function safeJson(s) {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export function assertNoViolations() {
  assert.deepEqual(violations, [], 'test traffic left 127.0.0.1');
}

// ---- emulator process --------------------------------------------------------------------
export function emulatorBin() {
  return process.env.COGNITO_EMULATOR_BIN || path.join(REPO_ROOT, 'target', 'debug', 'cognito-emulator');
}

export class Emulator {
  static async start(...extra) {
    const bin = emulatorBin();
    if (!fs.existsSync(bin)) {
      throw new Error(`cognito-emulator binary not found at ${bin}; build it with \`cargo build -p cognito-emulator\` or set COGNITO_EMULATOR_BIN`);
    }
    const proc = spawn(bin, ['--host', '127.0.0.1', '--port', '0', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const e = new Emulator(proc);
    e.url = await e.#listening();
    const u = new URL(e.url);
    if (!isLoopback(u.hostname)) {
      await e.stop();
      throw new Error(`emulator is not on loopback: ${e.url}`);
    }
    return e;
  }

  constructor(proc) {
    this.proc = proc;
    this.log = '';
    this.advanced = 0;
    proc.stderr.on('data', (d) => (this.log = (this.log + d).slice(-8000)));
  }

  #listening() {
    return new Promise((resolve, reject) => {
      let buf = '';
      let done = false;
      const timer = setTimeout(() => fail(new Error(`emulator printed no listening line: ${buf}${this.log}`)), 120000); // debug builds generate an RSA key at start (~10 s)
      const fail = (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(err);
      };
      this.proc.on('exit', (code) => fail(new Error(`emulator exited with ${code}: ${buf}${this.log}`)));
      this.proc.stdout.on('data', (d) => {
        if (done) return;
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const first = buf.slice(0, nl).trim();
        done = true;
        clearTimeout(timer);
        const m = /^listening on (http:\/\/\S+?)\/?$/.exec(first);
        if (!m) reject(new Error(`unexpected first stdout line: ${JSON.stringify(first)}`));
        else resolve(m[1]);
      });
    });
  }

  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await once(this.proc, 'exit');
      clearTimeout(t);
    }
  }

  async call(op, body) {
    const resp = await realFetch(this.url + '/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`,
      },
      body: JSON.stringify(body),
    });
    const text = await resp.text();
    const data = text ? JSON.parse(text) : {};
    if (!resp.ok) {
      const err = new Error(`${op} failed (${resp.status}): ${text}`);
      err.code = String(data.__type || '').split('#').pop();
      throw err;
    }
    return data;
  }

  async hook(method, p, body) {
    const resp = await realFetch(this.url + p, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await resp.text();
    if (!resp.ok) throw new Error(`${method} ${p} failed (${resp.status}): ${text}`);
    return text.trim() ? JSON.parse(text) : null;
  }

  messages(poolId, username) {
    return this.hook('GET', `/_emulator/messages?userPoolId=${encodeURIComponent(poolId)}&username=${encodeURIComponent(username)}`);
  }

  async advanceClock(seconds) {
    await this.hook('POST', '/_emulator/clock', { advanceSeconds: seconds });
    this.advanced += seconds;
  }

  /** The emulator clock in (fractional) seconds: its offset from GET /_emulator/clock. */
  async now() {
    const c = await this.hook('GET', '/_emulator/clock');
    return Date.now() / 1000 + Number(c.offsetSeconds);
  }
}

// ---- TOTP (RFC 6238 SHA-1, 6 digits, 30 s) -------------------------------------------------
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`bad base32 character ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totp(secret, atSeconds) {
  const counter = Math.floor(atSeconds / 30);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const digest = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = digest[digest.length - 1] & 0x0f;
  const code = (digest.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

/** A TOTP code never used before for `secret`: moves the emulator clock to a new window. */
const usedWindows = new Map();
export async function freshTotp(emu, secret) {
  const used = usedWindows.get(secret) || new Set();
  usedWindows.set(secret, used);
  for (;;) {
    const now = await emu.now();
    const w = Math.floor(now / 30);
    if (!used.has(w) && now % 30 < 28.5) {
      used.add(w);
      return totp(secret, now);
    }
    await emu.advanceClock(Math.ceil((w + 1) * 30 - now) + 1);
  }
}

// ---- pools / clients / users over the wire -----------------------------------------------
export const DEVICE_MFA_POOL = { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true };
export const DEVICE_PLAIN_POOL = { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true };
const SMS_CONFIG = {
  SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms',
  ExternalId: 'cognito-emulator-tests',
};

export class Pool {
  static async create(emu, { mfa = 'OFF', device } = {}) {
    const req = {
      PoolName: `pool-${crypto.randomBytes(4).toString('hex')}`,
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: mfa,
    };
    if (mfa !== 'OFF') req.SmsConfiguration = SMS_CONFIG;
    if (device) req.DeviceConfiguration = device;
    const { UserPool } = await emu.call('CreateUserPool', req);
    if (mfa !== 'OFF') {
      await emu.call('SetUserPoolMfaConfig', {
        UserPoolId: UserPool.Id,
        MfaConfiguration: mfa,
        SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG },
        SoftwareTokenMfaConfiguration: { Enabled: true },
      });
    }
    const { UserPoolClient } = await emu.call('CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'acij',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    return new Pool(emu, UserPool.Id, UserPoolClient.ClientId);
  }

  constructor(emu, id, clientId) {
    this.emu = emu;
    this.id = id;
    this.clientId = clientId;
  }

  async createUser({ phone } = {}) {
    const email = `user-${crypto.randomBytes(4).toString('hex')}@example.com`;
    const attrs = [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ];
    if (phone) {
      attrs.push({ Name: 'phone_number', Value: phone }, { Name: 'phone_number_verified', Value: 'true' });
    }
    await this.emu.call('AdminCreateUser', {
      UserPoolId: this.id,
      Username: email,
      UserAttributes: attrs,
      MessageAction: 'SUPPRESS',
    });
    await this.emu.call('AdminSetUserPassword', {
      UserPoolId: this.id,
      Username: email,
      Password: PASSWORD,
      Permanent: true,
    });
    return email;
  }

  async smsUser() {
    const u = await this.createUser({ phone: PHONE });
    await this.emu.call('AdminSetUserMFAPreference', {
      UserPoolId: this.id,
      Username: u,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    return u;
  }

  async messages(username) {
    return (await this.emu.messages(this.id, username)) || [];
  }

  async latestCode(username, channel = 'SMS', after = 0) {
    const msgs = (await this.messages(username)).slice(after).filter((m) => m.channel === channel);
    assert.ok(msgs.length > 0, `no ${channel} message in the outbox for ${username}`);
    return msgs[msgs.length - 1].code;
  }

  async adminListDevices(username) {
    return (await this.emu.call('AdminListDevices', { UserPoolId: this.id, Username: username })).Devices;
  }

  /** An acij CognitoUserPool pointed at the emulator, with in-memory storage. */
  userPool(storage = new MemoryStorage()) {
    return new CognitoUserPool({
      UserPoolId: this.id,
      ClientId: this.clientId,
      endpoint: this.emu.url + '/',
      Storage: storage,
    });
  }
}

export class MemoryStorage {
  constructor(init = {}) {
    this.data = { ...init };
  }
  setItem(k, v) {
    this.data[k] = String(v);
    return this.data[k];
  }
  getItem(k) {
    return Object.prototype.hasOwnProperty.call(this.data, k) ? this.data[k] : null;
  }
  removeItem(k) {
    return delete this.data[k];
  }
  clear() {
    this.data = {};
    return this.data;
  }
  snapshot() {
    return { ...this.data };
  }
}

// ---- acij sign-in as a promise -----------------------------------------------------------
/**
 * Runs authenticateUser and resolves with the first callback that fires:
 * {kind: 'success'|'failure'|'mfaRequired'|'totpRequired'|'selectMFAType'|'mfaSetup'|..., ...}.
 */
export function signIn(user, username, password = PASSWORD) {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks(resolve));
  });
}

export function callbacks(resolve) {
  return {
    onSuccess: (session, userConfirmationNecessary) => resolve({ kind: 'success', session, userConfirmationNecessary }),
    onFailure: (err) => resolve({ kind: 'failure', err }),
    mfaRequired: (name, params) => resolve({ kind: 'mfaRequired', name, params }),
    totpRequired: (name, params) => resolve({ kind: 'totpRequired', name, params }),
    selectMFAType: (name, params) => resolve({ kind: 'selectMFAType', name, params }),
    mfaSetup: (name, params) => resolve({ kind: 'mfaSetup', name, params }),
    newPasswordRequired: (attrs) => resolve({ kind: 'newPasswordRequired', attrs }),
    customChallenge: (params) => resolve({ kind: 'customChallenge', params }),
    associateSecretCode: (secret) => resolve({ kind: 'associateSecretCode', secret }),
  };
}

export function sendMFACode(user, code, type) {
  return new Promise((resolve) => user.sendMFACode(code, callbacks(resolve), type));
}

export function expectKind(result, kind) {
  if (result.kind !== kind) {
    const detail = result.err ? `${result.err.code || result.err.name}: ${result.err.message}` : JSON.stringify(result.params || {});
    assert.fail(`expected ${kind}, got ${result.kind} (${detail})`);
  }
  return result;
}

/** Promise wrapper for acij's {onSuccess, onFailure} style calls. */
export function cb(fn) {
  return new Promise((resolve, reject) => fn({ onSuccess: resolve, onFailure: reject }));
}

export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

export function deviceAttr(device, name) {
  return (device.DeviceAttributes || []).find((a) => a.Name === name)?.Value;
}

export function wireSince(mark) {
  return wire.slice(mark);
}

export function challengesSent(entries) {
  return entries.filter((e) => e.target === 'RespondToAuthChallenge').map((e) => e.body.ChallengeName);
}
