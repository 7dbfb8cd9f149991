import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { useCliWorkspace } from '../../../test/helpers/cli-workspace.ts';
import { openDatabase } from '../../platform/db/database.ts';

describe('directory sync (spawned CLI)', { timeout: 600_000 }, () => {
  const workspace = useCliWorkspace('campuscard-cli-directory-');
  const campuscard = (args: string[]) => workspace.campuscard(args);

  it('syncs a CSV source: dry run first, then the writes, with a progress bar; an unknown source fails', async () => {
    // PERSON_SOURCE_DIR by default: <DATA_DIR>/sources; the source names its file relative to it.
    mkdirSync(join(workspace.dir, 'data', 'sources'), { recursive: true });
    writeFileSync(join(workspace.dir, 'data', 'sources', 'persons.csv'), 'eppn;last_name;first_name;person_type\na@univ.example;Martin;Anne;student\nb@univ.example;Petit;Bob;staff\n');
    // The first command migrates the database; the source is then defined in it (as the console would).
    assert.equal((await campuscard(['persons', 'export'])).code, 0);
    const database = await openDatabase({ databaseUrl: workspace.databaseUrl, dataDir: join(workspace.dir, 'data'), command: 'test' });
    try {
      await sql`INSERT INTO person_sources (name, kind, institution_id, settings, mapping)
        SELECT 'sis', 'csv', min(id), ${JSON.stringify({ path: 'persons.csv' })}::jsonb,
          '{"fields":{"eppn":"eppn","lastName":"last_name","firstName":"first_name"},"personTypeAttribute":"person_type"}'::jsonb
        FROM institutions WHERE kind = 'institution'`.execute(database.db);
    } finally {
      await database.close();
    }

    const dry = await campuscard(['directory', 'sync', 'sis', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^sis: full dry run succeeded: 2 read, 2 new, 0 changed, 0 gone, 0 unchanged, 0 errors$/m, `${dry.stdout}\n${dry.stderr}`);
    const real = await campuscard(['directory', 'sync', 'sis', '--full']);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /2 new/, real.stdout);
    assert.match(real.stderr, /100% 2\/2 done/, real.stderr);
    const again = await campuscard(['directory', 'sync', 'sis']);
    assert.match(again.stdout, /0 new, 0 changed, 0 gone, 2 unchanged/, again.stdout);
    const exported = await campuscard(['persons', 'export']);
    assert.match(exported.stdout, /^b@univ\.example;Petit;Bob;/m);

    const unknown = await campuscard(['directory', 'sync', 'nope']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /No such person source/);
  });
});
