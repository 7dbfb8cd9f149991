import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { retryDelayMs } from './backoff.ts';

describe('retryDelayMs', () => {
  it('grows exponentially with jitter, capped, and honours a longer Retry-After', () => {
    const policy = { baseMs: 1000, maxMs: 60_000 };
    assert.equal(retryDelayMs(1, 0, policy), 500);
    assert.equal(retryDelayMs(1, 0.999999, policy), 1000);
    assert.equal(retryDelayMs(3, 0, policy), 2000);
    assert.equal(retryDelayMs(50, 1, policy), 60_000);
    assert.equal(retryDelayMs(1, 0, policy, 30_000), 30_000);
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (attempt, random) => {
      const delay = retryDelayMs(attempt, random, policy);
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      assert.ok(delay >= ceiling / 2 && delay <= ceiling);
    }));
  });
});
