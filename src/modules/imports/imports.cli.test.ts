import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import iconv from 'iconv-lite';
import { useCliWorkspace } from '../../../test/helpers/cli-workspace.ts';
import { formatImportReport, parseColumnMap } from './imports.cli.ts';
import type { ImportReport } from './imports.service.ts';

describe('persons import / export (spawned CLI)', { timeout: 600_000 }, () => {
  const workspace = useCliWorkspace('campuscard-cli-import-');
  const campuscard = (args: string[]) => workspace.campuscard(args);

  it('refuses a file with a bad line: exit 1, `line N, field: message`, nothing written', async () => {
    const file = join(workspace.dir, 'bad.csv');
    writeFileSync(file, 'eppn;last_name;first_name;birth_date;person_type\r\na@univ.example;Martin;Anne;17/05/2001;student\r\nb@univ.example;Petit;Bob;31/02/2001;staff\r\n');
    const run = await campuscard(['persons', 'import', file]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^bad\.csv: 2 lines, 1 valid, 1 invalid \(utf-8, ";"\)$/m, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^line 3, birth_date: birth_date must be an existing date .*"31\/02\/2001"$/m, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /refused: nothing was written/, `${run.stdout}\n${run.stderr}`);

    const exported = await campuscard(['persons', 'export']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout.replace(/^\uFEFF/, '').trim().split('\r\n').length, 1, 'only the header: nothing was imported');
  });

  it('imports ISO-8859-1 with a column map and --partial: valid lines written, exit 1 for the refused one; progress shown', async () => {
    const file = join(workspace.dir, 'latin1.csv');
    writeFileSync(file, iconv.encode('Identifiant,Nom,Prénom,Type\nc@univ.example,=cmd()|calc,Hélène,student\nd@univ.example,Noël,Zoé,teacher\ne@univ.example,Lefèvre,Ève,staff\n', 'latin1'));
    const run = await campuscard(['persons', 'import', file, '--partial', '--encoding', 'iso-8859-1', '--delimiter', ',',
      '--map', 'Identifiant=eppn,Nom=last_name,Prénom=first_name,Type=person_type']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^latin1\.csv: 3 lines, 2 valid, 1 invalid \(iso-8859-1, ","\)$/m, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^line 3, person_type: /m, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^created 2, updated 0, unchanged 0$/m, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /100% /, `${run.stdout}\n${run.stderr}`);
  });

  it('re-import is idempotent (exit 0) and a dry run reports without writing', async () => {
    const file = join(workspace.dir, 'good.csv');
    writeFileSync(file, 'eppn;last_name;first_name;person_type\ne@univ.example;Lefèvre;Ève;staff\nf@univ.example;Faure;Paul;guest\n');
    const dry = await campuscard(['persons', 'import', file, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /dry run, nothing written: would have created 1, updated 0, unchanged 1/, `${dry.stdout}\n${dry.stderr}`);
    const real = await campuscard(['persons', 'import', file]);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /^created 1, updated 0, unchanged 1$/m, `${real.stdout}\n${real.stderr}`);
  });

  it('exports to a file with formula cells escaped', async () => {
    const out = join(workspace.dir, 'export.csv');
    const run = await campuscard(['persons', 'export', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith('\uFEFFeppn;last_name;first_name;'));
    assert.match(text, /^c@univ\.example;'=cmd\(\)\|calc;Hélène;/m);
    assert.equal(text.trim().split('\r\n').length, 4);
  });
});

describe('CLI helpers', () => {
  it('parses --map pairs; an empty target ignores the column; unknown columns are refused', () => {
    assert.deepEqual(parseColumnMap('Nom=last_name, Prénom = first_name,Remarque='), { Nom: 'last_name', Prénom: 'first_name', Remarque: null });
    assert.throws(() => parseColumnMap('Nom=surname'), InvalidArgumentError);
    assert.throws(() => parseColumnMap('last_name'), InvalidArgumentError);
  });

  it('formats file errors and truncated error lists', () => {
    const report: ImportReport = {
      dryRun: false, partial: false, totalLines: 0, valid: 0, invalid: 0, created: 0, updated: 0, unchanged: 0,
      errors: [], errorsTruncated: false, encoding: 'utf-8', delimiter: ',', rejected: true, committed: false,
      fileErrors: [{ code: 'missing_column', line: 1, column: 'eppn', message: 'required column eppn is missing' }],
    };
    assert.equal(formatImportReport(report, 'x.csv'),
      'x.csv: 0 lines, 0 valid, 0 invalid (utf-8, ",")\nline 1: required column eppn is missing\nrefused: the file cannot be imported; nothing was written\n');
  });
});
