import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The part of semver used here; semver is already installed (fastify depends on it), it is not added for this test. */
interface SemverSatisfies { satisfies(version: string, range: string): boolean }
const semver = createRequire(import.meta.url)('semver') as SemverSatisfies;

interface LockEntry { version?: string; optional?: boolean; engines?: { node?: string } | string[] }
interface PackageJson { engines: { node: string } }

/**
 * The README promises Node >= 20.19 (package.json "engines"). npm only warns (EBADENGINE) when an
 * installed package wants a newer Node, and such a package may use syntax or APIs Node 20 lacks:
 * cookie 2 (through @fastify/cookie and light-my-request) wanted Node >= 22 and is pinned to 1.1.1
 * in "overrides". Optional packages are left out: npm does not check their engines and skips them
 * when they cannot be installed.
 */
describe('installed packages run on the oldest Node the package promises', () => {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as PackageJson;
  const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, LockEntry> };

  it('package.json promises Node >= 20.19', () => {
    assert.equal(semver.satisfies('20.19.0', pkg.engines.node), true);
    assert.equal(semver.satisfies('20.18.0', pkg.engines.node), false);
  });

  it('no package in package-lock.json excludes Node 20.19.0', () => {
    const excluding: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.optional === true) continue;
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (range !== undefined && !semver.satisfies('20.19.0', range)) {
        excluding.push(`${path}@${entry.version ?? '?'} wants node ${range}`);
      }
    }
    assert.deepEqual(excluding, []);
  });

  it('the check would catch cookie 2 (its range excludes Node 20)', () => {
    assert.equal(semver.satisfies('20.19.0', '>=22'), false);
    assert.equal(semver.satisfies('20.19.0', '^20.19.0 || >=22.12.0'), true);
  });
});
