import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useCliWorkspace } from '../../../test/helpers/cli-workspace.ts';

describe('cards export (spawned CLI)', { timeout: 600_000 }, () => {
  const workspace = useCliWorkspace('campuscard-cli-card-export-');

  it('writes the file (byte order mark, header of the chosen columns) and says how many cards', async () => {
    const out = join(workspace.dir, 'cards.csv');
    const run = await workspace.campuscard(['cards', 'export', '--state', 'ENABLED,DISABLED', '--sort', 'lastName', '--order', 'asc',
      '--columns', 'id,holder,state', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /wrote 0 cards \(\d+ bytes\) to .*cards\.csv/);
    assert.equal(readFileSync(out, 'utf8'), '\uFEFFid;holder;state\r\n');
  });

  it('refuses a bad filter with its reason, and an unknown column', async () => {
    const badState = await workspace.campuscard(['cards', 'export', '--state', 'FLYING']);
    assert.equal(badState.code, 1);
    assert.match(badState.stderr, /FLYING is not a card state \(unknown_state\)/);
    const badColumn = await workspace.campuscard(['cards', 'export', '--columns', 'id,password']);
    assert.notEqual(badColumn.code, 0);
    assert.match(badColumn.stderr, /unknown column password/);
  });
});
