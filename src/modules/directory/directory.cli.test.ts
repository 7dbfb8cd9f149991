import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { useCliWorkspace } from '../../../test/helpers/cli-workspace.ts';
import { startSlapd } from '../../../test/helpers/slapd-server.ts';
import { supannLdif } from '../../../test/helpers/supann-entries.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { SUPANN_MAPPING } from './domain/person-mapping.ts';

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

  it('syncs an LDAP source as `npm start` runs (the server bundle), its read in a worker thread; a resync finds everything unchanged', async () => {
    const slapd = await startSlapd({ entries: supannLdif(0, 120) });
    const secrets = process.env.DIRECTORY_SECRETS;
    // The spawned CLI reads its secrets from the environment, as in production.
    process.env.DIRECTORY_SECRETS = JSON.stringify({ LDAP_CLI: slapd.readerPassword });
    try {
      const database = await openDatabase({ databaseUrl: workspace.databaseUrl, dataDir: join(workspace.dir, 'data'), command: 'test' });
      try {
        const settings = { url: slapd.url, bindDn: slapd.readerDn, secretEnv: 'LDAP_CLI', baseDn: slapd.peopleBase, pageSize: 50 };
        await sql`INSERT INTO person_sources (name, kind, institution_id, settings, mapping)
          SELECT 'annuaire', 'ldap', min(id), ${JSON.stringify(settings)}::jsonb, ${JSON.stringify(SUPANN_MAPPING)}::jsonb
          FROM institutions WHERE kind = 'institution'`.execute(database.db);
      } finally {
        await database.close();
      }
      const first = await campuscard(['directory', 'sync', 'annuaire', '--full']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /120 read, 120 new, 0 changed, 0 gone, 0 unchanged, 0 errors/, `${first.stdout}\n${first.stderr}`);
      const again = await campuscard(['directory', 'sync', 'annuaire', '--full']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /120 read, 0 new, 0 changed, 0 gone, 120 unchanged, 0 errors/, `${again.stdout}\n${again.stderr}`);
    } finally {
      if (secrets === undefined) delete process.env.DIRECTORY_SECRETS;
      else process.env.DIRECTORY_SECRETS = secrets;
      await slapd.stop();
    }
  });
});
