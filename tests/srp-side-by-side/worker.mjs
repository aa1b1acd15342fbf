// The client PASSWORD_VERIFIER step of a JavaScript Cognito client, as a worker for
// scripts/bench-srp-side-by-side. Same line protocol as core/examples/srp_step.rs:
//   {"cmd":"setup", a, pool_id, user_id, password, salt, srp_b, secret_block, timestamp}
//       -> {"signature"}           (A = g^a computed here, outside any timing)
//   {"cmd":"run","n":N}         -> {"ns":[...], "signature"}
//   {"cmd":"quit"}
//
// Usage: node worker.mjs acij|amplify
//   acij     amazon-cognito-identity-js: its AuthenticationHelper.getPasswordAuthenticationKey,
//            then the HMAC exactly as CognitoUser.authenticateUserDefaultAuth does it.
//   amplify  Amplify JS v6 (@aws-amplify/auth): its internal srp/AuthenticationHelper
//            .getPasswordAuthenticationKey and srp/getSignatureString, as
//            handlePasswordVerifierChallenge calls them.
// Each timed step starts from the challenge's strings (SRP_B, SALT, SECRET_BLOCK,
// USER_ID_FOR_SRP) and ends with the PASSWORD_CLAIM_SIGNATURE string; the fixed timestamp
// replaces the clock read.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const kind = process.argv[2];

// Amplify's SRP helpers are internal: not in the package's exports map, so import the files.
const amplifySrp = join(
  here,
  'node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp',
);
const load = (file) => import(pathToFileURL(join(amplifySrp, file)).href);

async function acijStep() {
  const { AuthenticationHelper } = require('amazon-cognito-identity-js');
  const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
  const { Sha256 } = require('@aws-crypto/sha256-js');
  const { Buffer } = require('buffer');
  return (input) => {
    const poolName = input.pool_id.split('_')[1];
    const helper = new AuthenticationHelper(poolName);
    // The helper made its own random a and A; use the fixed a instead.
    helper.smallAValue = new BigInteger(input.a, 16);
    helper.largeAValue = undefined;
    helper.getLargeAValue(() => {});
    return () =>
      new Promise((resolve, reject) => {
        const serverBValue = new BigInteger(input.srp_b, 16);
        const salt = new BigInteger(input.salt, 16);
        helper.getPasswordAuthenticationKey(
          input.user_id,
          input.password,
          serverBValue,
          salt,
          (err, hkdf) => {
            if (err) {
              reject(err);
              return;
            }
            const message = Buffer.concat([
              Buffer.from(poolName, 'utf8'),
              Buffer.from(input.user_id, 'utf8'),
              Buffer.from(input.secret_block, 'base64'),
              Buffer.from(input.timestamp, 'utf8'),
            ]);
            const mac = new Sha256(hkdf);
            mac.update(message);
            resolve(Buffer.from(mac.digestSync()).toString('base64'));
          },
        );
      });
  };
}

async function amplifyStep() {
  const { default: AuthenticationHelper } = await load(
    'AuthenticationHelper/AuthenticationHelper.mjs',
  );
  const { default: BigInteger } = await load('BigInteger/BigInteger.mjs');
  const { calculateA } = await load('calculate/calculateA.mjs');
  const { INIT_N } = await load('constants.mjs');
  const { getSignatureString } = await load('getSignatureString.mjs');
  return async (input) => {
    const userPoolName = input.pool_id.split('_')[1];
    // As getAuthenticationHelper does, with the fixed a instead of a random one.
    const N = new BigInteger(INIT_N, 16);
    const g = new BigInteger('2', 16);
    const a = new BigInteger(input.a, 16);
    const A = await calculateA({ a, g, N });
    const helper = new AuthenticationHelper({ userPoolName, a, g, A, N });
    const challengeParameters = {
      SRP_B: input.srp_b,
      SALT: input.salt,
      SECRET_BLOCK: input.secret_block,
      USER_ID_FOR_SRP: input.user_id,
    };
    return async () => {
      const serverBValue = new BigInteger(challengeParameters.SRP_B, 16);
      const salt = new BigInteger(challengeParameters.SALT, 16);
      const username = challengeParameters.USER_ID_FOR_SRP;
      const hkdf = await helper.getPasswordAuthenticationKey({
        username,
        password: input.password,
        serverBValue,
        salt,
      });
      return getSignatureString({
        userPoolName,
        username,
        challengeParameters,
        dateNow: input.timestamp,
        hkdf,
      });
    };
  };
}

const makers = { acij: acijStep, amplify: amplifyStep };
if (!makers[kind]) {
  console.error(`usage: node worker.mjs ${Object.keys(makers).join('|')}`);
  process.exit(2);
}
const prepare = await makers[kind]();
let step = null;

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  if (command.cmd === 'quit') break;
  let reply;
  try {
    if (command.cmd === 'setup') {
      step = await prepare(command);
      reply = { signature: await step() };
    } else if (command.cmd === 'run') {
      const ns = [];
      let signature = '';
      for (let i = 0; i < command.n; i++) {
        const start = process.hrtime.bigint();
        signature = await step();
        ns.push(Number(process.hrtime.bigint() - start));
      }
      reply = { ns, signature };
    } else {
      reply = { error: `unknown command ${command.cmd}` };
    }
  } catch (e) {
    reply = { error: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}
process.exit(0);
