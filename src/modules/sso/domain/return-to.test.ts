import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { safeReturnTo } from './return-to.ts';

describe('return-to after single sign-on', () => {
  it('keeps paths of this site, with query and fragment', () => {
    assert.equal(safeReturnTo('/me'), '/me');
    assert.equal(safeReturnTo('/office/persons?q=mart#top'), '/office/persons?q=mart#top');
  });

  it('refuses anything that could leave the origin or loop', () => {
    for (const raw of ['https://evil.example/', '//evil.example', '/\\evil.example', '\\\\evil', 'javascript:alert(1)', '/\t/evil.example',
      '/\n/evil.example', '/.//evil.example', '/a/../..//evil.example', 'evil', '', '/auth/sso/cas/login', 42, null, undefined, `/${'a'.repeat(2001)}`]) {
      assert.equal(safeReturnTo(raw), null, JSON.stringify(raw));
    }
  });

  it('property: whatever it keeps is a same-origin path', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webPath(), fc.string().map((s) => `/${s}`)), (raw) => {
      const kept = safeReturnTo(raw);
      if (kept === null) return;
      assert.ok(kept.startsWith('/') && !kept.startsWith('//'));
      assert.equal(new URL(kept, 'https://campuscard.example').origin, 'https://campuscard.example');
      assert.equal(new URL(kept, 'http://other.example').host, 'other.example');
    }), { numRuns: 2000 });
  });
});
