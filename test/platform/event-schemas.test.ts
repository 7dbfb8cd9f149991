import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { EVENT_SCHEMAS_DIR, generateEventSchemas } from '../../scripts/generate-event-schemas.ts';

const dir = new URL(`../../${EVENT_SCHEMAS_DIR}/`, import.meta.url);

describe(`event JSON Schemas (${EVENT_SCHEMAS_DIR})`, () => {
  const fresh = generateEventSchemas();

  it('are the ones generated from the event catalogue, with none left over', () => {
    assert.deepEqual(readdirSync(dir).sort(), [...fresh.keys()].sort(), 'run npm run gen:events');
    for (const [name, content] of fresh) {
      assert.equal(readFileSync(new URL(name, dir), 'utf8'), content, `${EVENT_SCHEMAS_DIR}/${name} is stale: run npm run gen:events`);
    }
  });

  it('are valid JSON Schemas that accept an event and refuse one with personal data outside the granted parts', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('card.disabled.json', dir), 'utf8')) as object);
    const event = {
      id: '42', cursor: '1000.42', type: 'card.disabled', timestamp: '2026-12-06T10:00:00.000Z', institution: 'univ-a', personType: 'student',
      data: {
        cardId: '5f0c7e7a-3b7e-4a4e-9a51-1f3c8d2b9e10', personId: '0b4f6d0e-8a7c-4c1e-b2a6-6d1c3e9f7a21', cardKind: 'physical',
        from: 'ENABLED', to: 'DISABLED', disableReason: 'LOST', escn: null,
      },
    };
    assert.ok(validate(event), JSON.stringify(validate.errors));
    assert.ok(validate({ ...event, data: { ...event.data, holder: { firstName: 'Léa', lastName: 'Martin', eppn: 'lea@univ-a.fr' }, csn: '04A1B2C3' } }));
    assert.equal(validate({ ...event, data: { ...event.data, lastName: 'Martin' } }), false, 'a name outside the holder part');
    assert.equal(validate({ ...event, type: 'card.enabled' }), false, 'another event\'s type');
  });
});
