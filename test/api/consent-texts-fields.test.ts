/**
 * The full text a person consents to names every personal data field its connector sends, in the
 * words of the summary shown next to it (the labels of consents.fields.* in the web app's
 * locales): the summary and the text cannot tell different stories.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;

before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

type Texts = { items: Array<{ kind: string; version: string; body: string; fields: string[] }> };

function labels(locale: 'fr' | 'en'): Record<string, string> {
  const file = join(import.meta.dirname, '../../web/src/i18n/locales', `${locale}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { consents: { fields: Record<string, string> } }).consents.fields;
}

test('the current ESC and CROUS texts name, in each language, every field their connector sends', async () => {
  for (const locale of ['fr', 'en'] as const) {
    const answer = await t.anonymous.get<Texts>(`/api/v1/consent-texts?locale=${locale}`);
    assert.equal(answer.status, 200);
    const names = labels(locale);
    for (const kind of ['esc', 'crous']) {
      const text = answer.body.items.find((item) => item.kind === kind);
      assert.ok(text, `${kind} ${locale}`);
      assert.ok(text.fields.length >= 8, `${kind} declares its fields`);
      const missing = text.fields.filter((field) => !text.body.includes(names[field] as string));
      assert.deepEqual(missing, [], `${kind} ${locale} text ${text.version} does not name these fields`);
    }
  }
});

test('consents given under the earlier text keep it as their proof; new ones record the current version', async () => {
  const answer = await t.anonymous.get<Texts>('/api/v1/consent-texts?locale=fr');
  assert.equal(answer.body.items.find((item) => item.kind === 'esc')?.version, '2026-12');
  const older = await t.runtime.database.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM consent_texts WHERE kind = 'esc' AND version = '2026-01'");
  assert.equal(older.rows[0]?.n, 2, 'the earlier version stays, in both languages');
});
