import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_TYPES_PATH, generateApiTypes } from '../../scripts/generate-api-types.ts';

describe('web API types (web/src/api/openapi.gen.ts)', { timeout: 120_000 }, () => {
  let fresh: string;
  before(async () => { fresh = await generateApiTypes(); });

  it('are the ones generated from the current route schemas', () => {
    const committed = readFileSync(new URL(`../../${API_TYPES_PATH}`, import.meta.url), 'utf8');
    if (committed === fresh) return;
    // A plain equality would print both 350 KB texts; name the first line that differs instead.
    const [before, after] = [committed.split('\n'), fresh.split('\n')];
    const line = before.findIndex((text, index) => text !== after[index]);
    const at = line === -1 ? before.length : line;
    assert.fail(`${API_TYPES_PATH} is stale (line ${at + 1}: committed ${JSON.stringify(before[at])}, `
      + `generated ${JSON.stringify(after[at])}): run npm run gen:api`);
  });

  it('describe the routes the web app calls, with the literal unions the server guarantees', () => {
    for (const path of ['/api/v1/persons/{id}', '/api/v1/cards', '/api/v1/stats/cards', '/api/v1/verify/{escn}']) {
      assert.ok(fresh.includes(`"${path}": {`), `${path} missing`);
    }
    assert.match(fresh, /state: "NEW" \| "RENEWED" \| "REQUEST_CHECKED"/, 'card states are a union, not string');
    assert.match(fresh, /^\/\*\*\n \* GENERATED FILE, DO NOT EDIT\./);
  });
});
