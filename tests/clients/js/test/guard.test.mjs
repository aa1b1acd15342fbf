// Self-check of the loopback guard (no packet leaves: the guard refuses before the syscall).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import { violations } from './harness.mjs';

test('loopback guard refuses other hosts', async () => {
  assert.equal(net.Socket.prototype.connect.name, 'guardedConnect', 'socket guard not installed');
  assert.equal(globalThis.fetch.name, 'guardedFetch', 'fetch guard not installed');
  const before = violations.length;
  assert.throws(() => net.connect({ host: '203.0.113.1', port: 9 }), /blocked by the test harness/);
  await assert.rejects(globalThis.fetch('https://cognito-idp.us-east-1.amazonaws.com/'), /blocked by the test harness/);
  assert.equal(violations.length, before + 2);
  violations.splice(before);
});
