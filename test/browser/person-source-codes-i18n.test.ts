/**
 * Every code a person source can report to the console (settings refused, connection failed, a
 * record or a CSV line refused, a run's outcome) has its sentence in French and in English under
 * `admin.sources.codes`: the console shows the server's English message only for a code it does
 * not know. The codes are read from the server's sources, where they are written, so a new code
 * without its words fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type LocaleTree, readLocale } from '../helpers/web-locales.ts';
import { REPO_ROOT } from './browser-harness.ts';

type Tree = LocaleTree;

/** The server files whose codes reach the person sources panel. */
const ORIGINS = [
  'src/modules/directory', 'src/adapters/csv-source', 'src/adapters/ldap', 'src/adapters/sql-source', 'src/adapters/rest-source',
  'src/modules/imports/domain/csv-person-parser.ts', 'src/modules/people/domain/person.ts',
];

function files(path: string): string[] {
  const full = join(REPO_ROOT, path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).flatMap((name) => files(join(path, name)))
    .filter((file) => /\.ts$/.test(file) && !/\.(test|simulator)\.ts$/.test(file));
}

/** Where a code is written: the argument or property that carries it, or a union type of codes. */
const PATTERNS = [
  /SourceSettingsError\(\s*[^,]+,\s*'([a-z][a-z0-9_]*)'/g,
  /\bcode: '([a-z][a-z0-9_]*)'/g,
  /\b(?:invalid|notFound|conflict|unprocessable|badRequest)\(\s*(?:['`]\/[^'`]*['`],\s*)?'([a-z][a-z0-9_]*)'/g,
  /new ProblemError\(\s*\d+,\s*'([a-z][a-z0-9_]*)'/g,
  /new LdapSourceError\(\s*'([a-z][a-z0-9_]*)'/g,
  /\b(?:add|fail)\(\s*[^,()]+,\s*'([a-z][a-z0-9_]*)'/g,
];
const UNION = /export type \w*(?:ErrorCode|Failure)\b[^;]*;/g;

function serverCodes(): Set<string> {
  const codes = new Set<string>();
  for (const file of ORIGINS.flatMap(files)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of PATTERNS) for (const match of text.matchAll(pattern)) codes.add(match[1] ?? '');
    for (const union of text.matchAll(UNION)) for (const member of union[0].matchAll(/'([a-z][a-z0-9_]*)'/g)) codes.add(member[1] ?? '');
  }
  return codes;
}

function codesOf(language: 'fr' | 'en'): Tree {
  const tree = readLocale(language);
  const codes = ((tree.admin as Tree).sources as Tree).codes;
  assert.ok(typeof codes === 'object');
  return codes;
}

test('every code of the directory sync, preview, source settings and CSV parser has French and English words', () => {
  const codes = serverCodes();
  // The scan finds the codes of each origin (a scan finding nothing would pass vacuously).
  for (const known of ['wrong_field_count', 'missing_column', 'invalid_eppn', 'date_out_of_range', 'ldap_unreachable', 'path_outside_directory',
    'safety_stop', 'sync_not_cancellable', 'invalid_pagination', 'duplicate_key', 'no_person_type']) {
    assert.ok(codes.has(known), `the scan misses ${known}`);
  }
  for (const language of ['fr', 'en'] as const) {
    const words = codesOf(language);
    const missing = [...codes].filter((code) => typeof words[code] !== 'string' || (words[code] as string).trim() === '').sort();
    assert.deepEqual(missing, [], `codes without ${language} words`);
  }
});
