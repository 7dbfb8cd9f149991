import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { validatePersonInput, type PersonInput } from '../../people/domain/person.ts';
import {
  PERSON_CSV_COLUMNS,
  csvDateToIso,
  headerKey,
  parsePersonCsv,
  parsePersonCsvStream,
  personToCsvRecord,
  type PersonCsvOptions,
  type PersonCsvResult,
} from './csv-person-parser.ts';
import { escapeCsvCell, toCsv } from './csv-safety.ts';

const TODAY = '2025-06-15';
const HEADER = 'eppn;last_name;first_name;email;birth_date;person_type;student_number;ine;academic_level;rights_end';

function utf8(lines: readonly string[], eol = '\n'): Buffer {
  return Buffer.from(lines.join(eol) + eol, 'utf8');
}

function parse(input: Buffer, options: PersonCsvOptions = {}): PersonCsvResult {
  return parsePersonCsv(input, { today: TODAY, ...options });
}

function lineCodes(result: PersonCsvResult): string[] {
  return result.errors.map((error) => `${error.line}:${error.field ?? ''}:${error.code}`);
}

async function* chunked(input: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= input.length) continue;
    yield input.subarray(from, cut);
    from = cut;
  }
  yield input.subarray(from);
}

/** Runs the streaming parser and folds its events into the Buffer parser's result shape. */
async function parseStream(source: AsyncIterable<Uint8Array>, options: PersonCsvOptions = {}): Promise<PersonCsvResult> {
  const result: PersonCsvResult = { rows: [], errors: [], fileErrors: [], encoding: 'utf-8', delimiter: ';' };
  let ended = 0;
  for await (const event of parsePersonCsvStream(source, { today: TODAY, ...options })) {
    assert.equal(ended, 0, 'nothing after end');
    if (event.type === 'row') result.rows.push(event.row);
    else if (event.type === 'error') result.errors.push(event.error);
    else if (event.type === 'file_error') result.fileErrors.push(event.error);
    else {
      ended += 1;
      result.encoding = event.encoding;
      result.delimiter = event.delimiter;
    }
  }
  assert.equal(ended, 1, 'end comes once');
  if (result.fileErrors.length > 0) result.rows = [];
  return result;
}

describe('parsePersonCsv: encodings', () => {
  const latin1 = Buffer.concat([
    Buffer.from('eppn;last_name;first_name;person_type;affiliation\r\n'),
    Buffer.from('fgarcon@univ.fr;Gar'), Buffer.from([0xe7]), Buffer.from('on;'), Buffer.from([0xc9]), Buffer.from('lo'),
    Buffer.from([0xef]), Buffer.from('se;student;l'), Buffer.from([0x92]), Buffer.from('UFR '), Buffer.from([0x80]), Buffer.from('\r\n'),
  ]);

  it('reads UTF-8 with and without BOM', () => {
    const lines = ['eppn;last_name;first_name;person_type', 'ecole@univ.fr;Lefèvre;Françoise;staff'];
    for (const input of [utf8(lines), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(lines)])]) {
      const result = parse(input);
      assert.deepEqual(result.fileErrors, []);
      assert.equal(result.encoding, 'utf-8');
      assert.deepEqual(result.rows, [{ line: 2, value: { eppn: 'ecole@univ.fr', lastName: 'Lefèvre', firstName: 'Françoise', personType: 'staff' } }]);
    }
  });

  it('detects Latin-1 (single-byte é, ç, and the Windows-1252 ’ and €)', () => {
    const result = parse(latin1);
    assert.equal(result.encoding, 'iso-8859-1');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.rows[0]?.value, {
      eppn: 'fgarcon@univ.fr', lastName: 'Garçon', firstName: 'Éloïse', personType: 'student', affiliation: 'l’UFR €',
    });
    assert.deepEqual(parse(latin1, { encoding: 'iso-8859-1' }).rows, result.rows);
  });

  it('refuses non-UTF-8 bytes when UTF-8 is forced, naming the first bad line', () => {
    const input = Buffer.concat([utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;A;B;staff', '']), latin1.subarray(latin1.indexOf('\r\n') + 2)]);
    const result = parse(input, { encoding: 'utf-8' });
    assert.deepEqual(result.fileErrors.map((error) => [error.code, error.line]), [['invalid_encoding', 4]]);
    assert.deepEqual(result.rows, []);
  });

  it('forcing Latin-1 on a UTF-8 file reads what was asked for', () => {
    const result = parse(utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;Lefèvre;B;staff']), { encoding: 'iso-8859-1' });
    assert.equal(result.encoding, 'iso-8859-1');
    assert.equal(result.rows[0]?.value.lastName, 'LefÃ¨vre');
  });

  it('refuses a file that starts as UTF-8 and goes on in Latin-1, rather than garbling it', () => {
    const input = Buffer.concat([utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;Lefèvre;B;staff']), Buffer.from([0x62, 0x40, 0x75, 0x2e, 0x66, 0x72, 0x3b, 0xe9, 0x3b, 0x43, 0x3b, 0x73, 0x74, 0x61, 0x66, 0x66, 0x0a])]);
    const result = parse(input);
    assert.deepEqual(result.fileErrors.map((error) => [error.code, error.line]), [['invalid_encoding', 3]]);
  });

  it('refuses UTF-16 and empty files', () => {
    assert.deepEqual(parse(Buffer.from('\uFEFFeppn', 'utf16le')).fileErrors.map((error) => error.code), ['unsupported_encoding']);
    assert.deepEqual(parse(Buffer.alloc(0)).fileErrors.map((error) => error.code), ['empty_file']);
    assert.deepEqual(parse(Buffer.from([0xef, 0xbb, 0xbf, 0x0a, 0x0a])).fileErrors.map((error) => error.code), ['empty_file']);
  });
});

describe('parsePersonCsv: layout', () => {
  it('sniffs `;` and `,`, or takes the forced one', () => {
    const semicolon = parse(utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;Doe, Jr;John;staff']));
    assert.equal(semicolon.delimiter, ';');
    assert.equal(semicolon.rows[0]?.value.lastName, 'Doe, Jr');
    const comma = parse(utf8(['eppn,last_name,first_name,person_type', 'a@univ.fr,"Doe; Jr",John,staff']));
    assert.equal(comma.delimiter, ',');
    assert.equal(comma.rows[0]?.value.lastName, 'Doe; Jr');
    const forced = parse(utf8(['eppn,"last;name",first_name,person_type', 'a@univ.fr,Doe,John,staff']), { delimiter: ',', columnMapping: { 'last;name': 'last_name' } });
    assert.equal(forced.rows[0]?.value.lastName, 'Doe');
  });

  it('reads quoted delimiters, doubled quotes and line breaks, keeping line numbers physical', () => {
    const input = utf8([
      'eppn;last_name;first_name;person_type;free1',
      '',
      'a@univ.fr;"Doe; ""Jr""";John;staff;"first',
      'second',
      'third"',
      '   ',
      ';;;;',
      'b@univ.fr;Roe;Jane;student;"x\r\ny"',
      'c@univ.fr;Poe;Ed;guest;',
    ]);
    const result = parse(input);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.rows.map((row) => row.line), [3, 8, 10]);
    assert.equal(result.rows[0]?.value.lastName, 'Doe; "Jr"');
    assert.deepEqual(result.rows[0]?.value.freeFields, { free1: 'first\nsecond\nthird' });
    assert.deepEqual(result.rows[1]?.value.freeFields, { free1: 'x\r\ny' });
  });

  it('counts lines the same way with CRLF and CR line ends', () => {
    const lines = ['eppn;last_name;first_name;person_type;free1', 'a@univ.fr;A;B;staff;"1\r\n2"', '', 'b@univ.fr;A;B;staff;', 'oops;A;B;staff;'];
    for (const eol of ['\n', '\r\n', '\r']) {
      const result = parse(utf8(lines, eol));
      assert.deepEqual(result.rows.map((row) => row.line), [2, 5], JSON.stringify(eol));
      assert.deepEqual(lineCodes(result), ['6:eppn:invalid_eppn'], JSON.stringify(eol));
    }
  });

  it('reports a wrong field count for the line and goes on', () => {
    const result = parse(utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;A;B', 'b@univ.fr;A;B;staff;extra', 'c@univ.fr;A;B;staff']));
    assert.deepEqual(lineCodes(result), ['2::wrong_field_count', '3::wrong_field_count']);
    assert.deepEqual(result.rows.map((row) => row.line), [4]);
  });

  it('refuses the file at an unclosed quote, naming the line', () => {
    const result = parse(utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;A;B;staff', '', 'b@univ.fr;"A;B;staff', 'c@univ.fr;A;B;staff']));
    assert.deepEqual(result.fileErrors.map((error) => [error.code, error.line]), [['malformed_csv', 4]]);
    assert.deepEqual(result.rows, []);
  });

  it('keeps a header-only file as zero rows', () => {
    assert.deepEqual(parse(utf8([HEADER])), { rows: [], errors: [], fileErrors: [], encoding: 'utf-8', delimiter: ';' });
  });
});

describe('parsePersonCsv: columns', () => {
  it('matches headers ignoring case, spaces, punctuation and accents', () => {
    const result = parse(utf8(['EPPN; Last Name ;FIRST-NAME;Person_Type;E-mail;Rïghts End', 'a@univ.fr;A;B;staff;A@Univ.fr;2026-08-31']));
    assert.deepEqual(result.fileErrors, []);
    assert.deepEqual(result.rows[0]?.value, { eppn: 'a@univ.fr', lastName: 'A', firstName: 'B', personType: 'staff', email: 'a@univ.fr', rightsEnd: '2026-08-31' });
    assert.equal(headerKey(' Prénom '), 'prenom');
  });

  it('refuses unknown columns by name, unless told to ignore them', () => {
    const input = utf8(['eppn;last_name;first_name;person_type;Bâtiment', 'a@univ.fr;A;B;staff;C']);
    const refused = parse(input);
    assert.deepEqual(refused.fileErrors.map((error) => [error.code, error.column]), [['unknown_column', 'Bâtiment']]);
    assert.deepEqual(refused.rows, []);
    const ignored = parse(input, { ignoreUnknownColumns: true });
    assert.deepEqual(ignored.fileErrors, []);
    assert.equal(ignored.rows.length, 1);
  });

  it('refuses missing required columns and duplicate columns', () => {
    const missing = parse(utf8(['eppn;first_name;email', 'a@univ.fr;B;a@univ.fr']));
    assert.deepEqual(missing.fileErrors.map((error) => [error.code, error.column]), [['missing_column', 'last_name'], ['missing_column', 'person_type']]);
    const duplicate = parse(utf8(['eppn;last_name;first_name;person_type;Last Name', 'a@univ.fr;A;B;staff;C']));
    assert.deepEqual(duplicate.fileErrors.map((error) => [error.code, error.column]), [['duplicate_column', 'Last Name']]);
  });

  it('applies a column mapping, including null to ignore a column', () => {
    const input = utf8(['Identifiant;Nom;Prénom;Type;Date de naissance;Courriel;Remarque', 'a@univ.fr;Dupont;Zoé;student;05/03/2001;z@univ.fr;rien']);
    const result = parse(input, {
      columnMapping: { identifiant: 'eppn', NOM: 'last_name', 'prenom': 'first_name', Type: 'person_type', 'Date de naissance': 'birth_date', Courriel: 'email', Remarque: null },
    });
    assert.deepEqual(result.fileErrors, []);
    assert.deepEqual(result.rows[0]?.value, { eppn: 'a@univ.fr', lastName: 'Dupont', firstName: 'Zoé', personType: 'student', birthDate: '2001-03-05', email: 'z@univ.fr' });
  });

  it('reads the mail language from a locale, language or langue column; an unknown language is a line error', () => {
    for (const header of ['locale', 'Language', 'Langue']) {
      const result = parse(utf8([`eppn;last_name;first_name;person_type;${header}`, 'a@univ.fr;A;B;staff;EN', 'b@univ.fr;C;D;staff;fr-FR', 'c@univ.fr;E;F;staff;']));
      assert.deepEqual(result.fileErrors, [], header);
      assert.deepEqual(result.rows.map((row) => row.value.locale), ['en', 'fr', undefined], header);
    }
    const refused = parse(utf8(['eppn;last_name;first_name;person_type;language', 'a@univ.fr;A;B;staff;de']));
    assert.deepEqual(lineCodes(refused), ['2:locale:invalid_locale']);
    const both = parse(utf8(['eppn;last_name;first_name;person_type;language;locale', 'a@univ.fr;A;B;staff;en;en']));
    assert.deepEqual(both.fileErrors.map((error) => error.code), ['duplicate_column']);
  });

  it('refuses a mapping to a column that does not exist', () => {
    const result = parse(utf8([HEADER]), { columnMapping: { Nom: 'surname' as 'last_name' } });
    assert.deepEqual(result.fileErrors.map((error) => [error.code, error.column]), [['invalid_column_mapping', 'Nom']]);
  });
});

describe('parsePersonCsv: values', () => {
  it('reads both date formats and refuses dates that do not exist', () => {
    const result = parse(utf8([
      HEADER,
      'a@univ.fr;A;B;;2001-02-28;student;;;;31/08/2026',
      'b@univ.fr;A;B;;5/3/2001;student;;;;',
      'c@univ.fr;A;B;;31/02/2024;student;;;;2026-02-30',
      'd@univ.fr;A;B;;2001/02/03;student;;;;',
      'e@univ.fr;A;B;;01/01/1850;student;;;;',
    ]));
    assert.deepEqual(result.rows.map((row) => [row.line, row.value.birthDate, row.value.rightsEnd]), [[2, '2001-02-28', '2026-08-31'], [3, '2001-03-05', undefined]]);
    assert.deepEqual(lineCodes(result), [
      '4:birth_date:invalid_date', '4:rights_end:invalid_date', '5:birth_date:invalid_date', '6:birth_date:date_out_of_range',
    ]);
    assert.match(result.errors[0]?.message ?? '', /31\/02\/2024/);
  });

  it('reports wrong person types, INEs, emails and academic levels per field', () => {
    const result = parse(utf8([
      HEADER,
      'a@univ.fr;A;B;x@y;;teacher;;12345;9;',
      'b@univ.fr;A;B;;;STAFF;S1;123456789ab;6;',
      'c@univ.fr;A;B;;;2nd year;;;;',
    ]), { personTypes: ['student', 'staff'] });
    assert.deepEqual(lineCodes(result), ['2:email:invalid_email', '2:person_type:unknown_person_type', '2:ine:invalid_ine',
      '2:academic_level:invalid_academic_level', '4:person_type:invalid_person_type']);
    assert.match(result.errors[1]?.message ?? '', /^the institution has no person type "teacher" \(it has student, staff\)/);
    assert.deepEqual(result.rows[0]?.value, { eppn: 'b@univ.fr', lastName: 'A', firstName: 'B', personType: 'staff', studentNumber: 'S1', ine: '123456789AB', academicLevel: 6 });
  });

  it('flags a duplicate eppn (case-insensitively) on the later lines only', () => {
    const result = parse(utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;A;B;staff', 'b@univ.fr;A;B;staff', 'A@Univ.FR;C;D;staff', 'a@univ.fr;E;F;no body']));
    assert.deepEqual(result.rows.map((row) => row.line), [2, 3]);
    assert.deepEqual(lineCodes(result), ['4:eppn:duplicate_eppn', '5:eppn:duplicate_eppn', '5:person_type:invalid_person_type']);
    assert.match(result.errors[0]?.message ?? '', /line 2/);
  });

  it('keeps values as given: formula-looking cells are not altered on import', () => {
    const result = parse(utf8(['eppn;last_name;first_name;person_type;free1', `a@univ.fr;=1+1;'-Jean;staff;@SUM(A1)`]));
    assert.deepEqual(result.rows[0]?.value, { eppn: 'a@univ.fr', lastName: '=1+1', firstName: "'-Jean", personType: 'staff', freeFields: { free1: '@SUM(A1)' } });
  });

  it('csvDateToIso rewrites only DD/MM/YYYY', () => {
    assert.equal(csvDateToIso(' 09/11/1989 '), '1989-11-09');
    assert.equal(csvDateToIso('1989-11-09'), '1989-11-09');
    assert.equal(csvDateToIso('9.11.1989'), '9.11.1989');
  });
});

describe('parsePersonCsvStream', () => {
  const fixtures: [string, Buffer, PersonCsvOptions][] = [
    ['quoted multi-line, errors, duplicates', utf8([
      '\uFEFFeppn;last_name;first_name;person_type;free1;birth_date',
      '',
      'a@univ.fr;"Doe; ""Jr""";Zoë;staff;"l1\r\nl2";31/12/2000',
      'a@univ.fr;X;Y;student;;',
      'bad;X;Y;nobody;;31/02/2024',
      'c@univ.fr;Ça;Été;guest',
      'd@univ.fr;😀 Émile;Ñ;external;;',
    ], '\r\n'), {}],
    ['Latin-1', Buffer.concat([Buffer.from('eppn,last_name,first_name,person_type\n\na@univ.fr,'), Buffer.from([0xc7, 0x61, 0x0a, 0x0a]), Buffer.from(',X,Y,staff\n')]), {}],
    ['forced UTF-8 on Latin-1', Buffer.concat([Buffer.from('eppn;last_name;first_name;person_type\na@univ.fr;A;B;staff\nb@univ.fr;'), Buffer.from([0xe9]), Buffer.from(';B;staff\n')]), { encoding: 'utf-8' }],
    ['unknown column', utf8(['eppn;last_name;first_name;person_type;what', 'a@univ.fr;A;B;staff;x']), {}],
    ['unclosed quote', utf8(['eppn;last_name;first_name;person_type', 'a@univ.fr;A;B;staff', 'b@univ.fr;"A;B;staff']), {}],
    ['empty', Buffer.from('\r\n\r\n'), {}],
  ];

  it('yields the same rows and errors as the Buffer parser, however the bytes are chunked', async () => {
    for (const [name, input, options] of fixtures) {
      const expected = parse(input, options);
      assert.deepEqual(await parseStream(chunked(input, []), options), expected, name);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(input.length), { maxLength: 12 }), async (cuts) => {
          assert.deepEqual(await parseStream(chunked(input, cuts), options), expected, name);
        }),
        { numRuns: 40 },
      );
      const oneByteChunks = Array.from({ length: input.length }, (_, i) => i + 1);
      assert.deepEqual(await parseStream(chunked(input, oneByteChunks), options), expected, `${name}, 1-byte chunks`);
    }
  });

  it('reads a Node Readable and stops reading it when the consumer stops early', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 2000; i += 1) lines.push(`p${i}@univ.fr;N;P;;;student;;;;`);
    const input = utf8(lines);
    const readable = Readable.from(chunked(input, Array.from({ length: 100 }, (_, i) => i * 500)));
    let rows = 0;
    for await (const event of parsePersonCsvStream(readable)) {
      if (event.type === 'row') rows += 1;
      if (rows === 10) break;
    }
    assert.equal(rows, 10);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(readable.destroyed);
  });
});

// Generated persons, as validatePersonInput normalizes them (so they are valid by construction).
const textUnit = fc.constantFrom(...'abcdefXYZ éèçÉÇœ\'"-;,=+@.'.split(''));
const nameArb = fc.string({ unit: textUnit, minLength: 1, maxLength: 40 });
const freeArb = fc.string({ unit: fc.oneof(textUnit, fc.constantFrom('\n', '\r\n', '\r', '\t')), maxLength: 40 });
const isoDateArb = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const rawPersonArb = fc.record(
  {
    eppn: fc.stringMatching(/^[a-z0-9_][a-z0-9._-]{0,15}@(etu\.)?univ-[a-z]{1,8}\.fr$/),
    lastName: nameArb,
    firstName: nameArb,
    personType: fc.constantFrom('student', 'staff', 'guest', 'external'),
    birthDate: isoDateArb,
    // Escaping adds a character: keep values below their limits (see the 'length limits' test).
    email: fc.emailAddress().filter((email) => email.length < 200 && email.indexOf('@') < 64),
    studentNumber: fc.stringMatching(/^[-A-Z0-9]{1,12}$/),
    ine: fc.stringMatching(/^[0-9]{9}[A-Z]{2}$/),
    esi: fc.stringMatching(/^[0-9]{9}[A-Z]{2}$/).map((ine) => `urn:schac:personalUniqueCode:int:esi:fr:${ine}`),
    academicLevel: fc.constantFrom(6, 7, 8),
    rightsEnd: isoDateArb,
    affiliation: nameArb,
    freeFields: fc.record({ free1: freeArb, free4: freeArb, free7: freeArb }, { requiredKeys: [] }),
    locale: fc.constantFrom('fr', 'en'),
  },
  { requiredKeys: ['eppn', 'lastName', 'firstName', 'personType'] },
);
const personArb = rawPersonArb
  .map((raw) => validatePersonInput(raw, { today: TODAY }))
  .filter((result) => result.ok)
  .map((result) => (result.ok ? result.value : (undefined as never)));
const personsArb = fc.uniqueArray(personArb, { selector: (person) => person.eppn, maxLength: 15 });

/** What a person looks like after export and re-import: string cells with a leading formula character gain a `'`. */
function afterRoundTrip(person: PersonInput): PersonInput {
  const escape = (value: string | undefined): string | undefined => (value === undefined ? undefined : escapeCsvCell(value));
  const result: PersonInput = { ...person, lastName: escapeCsvCell(person.lastName), firstName: escapeCsvCell(person.firstName) };
  for (const key of ['email', 'studentNumber', 'affiliation'] as const) {
    if (person[key] !== undefined) result[key] = escape(person[key]);
  }
  if (person.freeFields) {
    result.freeFields = Object.fromEntries(Object.entries(person.freeFields).map(([key, value]) => [key, escapeCsvCell(value)]));
  }
  return result;
}

function lineBreaks(value: string): number {
  return value.split(/\r\n|\r|\n/).length - 1;
}

function exportPersons(persons: readonly PersonInput[], delimiter: ';' | ',', bom: boolean): Buffer {
  return Buffer.from(toCsv(persons.map(personToCsvRecord), PERSON_CSV_COLUMNS, { delimiter, bom }), 'utf8');
}

describe('export → import round trip (properties)', () => {
  it('identifiers and dates never need escaping; records without formula characters come back exactly', () => {
    fc.assert(
      fc.property(personsArb, fc.constantFrom<';' | ','>(';', ','), fc.boolean(), (persons, delimiter, bom) => {
        const safe = persons.filter((person) => Object.values(personToCsvRecord(person)).every((cell) => escapeCsvCell(cell) === cell));
        for (const person of persons) {
          const record = personToCsvRecord(person);
          for (const column of ['eppn', 'birth_date', 'person_type', 'ine', 'esi', 'academic_level', 'rights_end'] as const) {
            assert.equal(escapeCsvCell(record[column]), record[column]);
          }
        }
        const result = parse(exportPersons(safe, delimiter, bom));
        assert.deepEqual(result.fileErrors, []);
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.rows.map((row) => row.value), safe);
      }),
      { numRuns: 150 },
    );
  });

  it("any valid record comes back with one ' before each cell that started with = + - @, on the right line", () => {
    const prefixedArb = fc.tuple(personArb, fc.constantFrom('=', '+', '-', '@'), fc.constantFrom('lastName', 'firstName', 'affiliation'))
      .map(([person, trigger, key]) => ({ ...person, eppn: `x${person.eppn}`, [key]: `${trigger}${person.lastName}` }));
    fc.assert(
      fc.property(personsArb, fc.option(prefixedArb, { nil: undefined }), fc.constantFrom<';' | ','>(';', ','), (persons, prefixed, delimiter) => {
        const all = prefixed && !persons.some((person) => person.eppn === prefixed.eppn) ? [...persons, prefixed] : persons;
        const result = parse(exportPersons(all, delimiter, false));
        assert.deepEqual(result.fileErrors, []);
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.rows.map((row) => row.value), all.map(afterRoundTrip));
        let line = 2;
        all.forEach((person, index) => {
          assert.equal(result.rows[index]?.line, line);
          line += 1 + Object.values(personToCsvRecord(person)).reduce((sum, cell) => sum + lineBreaks(cell), 0);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('length limits: a value at its limit that starts with a formula character comes back one character too long', () => {
    const person: PersonInput = { eppn: 'a@univ.fr', lastName: `-${'x'.repeat(99)}`, firstName: 'A', personType: 'staff' };
    assert.ok(validatePersonInput(person).ok);
    assert.deepEqual(lineCodes(parse(exportPersons([person], ';', false))), ['2:last_name:too_long']);
  });

  it("a re-imported '=… value is exported again unchanged (escaping is idempotent)", () => {
    const person: PersonInput = { eppn: 'a@univ.fr', lastName: '-Dupont', firstName: '=cmd|x', personType: 'staff' };
    const once = parse(exportPersons([person], ';', false)).rows[0]?.value;
    assert.deepEqual(once, { ...person, lastName: "'-Dupont", firstName: "'=cmd|x" });
    assert.ok(once);
    assert.deepEqual(parse(exportPersons([once], ';', false)).rows[0]?.value, once);
  });
});

describe('scale', () => {
  // Speed is measured by `npm run bench import`; here the bound only catches quadratic work, and is
  // loose because CI shares two cores with everything else.
  it('parses 100 000 lines, in memory and streamed, in linear time', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 100_000; i += 1) {
      const day = String((i % 28) + 1).padStart(2, '0');
      lines.push(`etu${i}@univ-exemple.fr;Nom${i};Prénom;etu${i}@univ-exemple.fr;${day}/04/2001;student;${21900000 + i};${String(100000000 + i)}AB;6;2026-08-31`);
    }
    const input = utf8(lines, '\r\n');

    let started = performance.now();
    const result = parse(input);
    const bufferMs = performance.now() - started;
    assert.equal(result.rows.length, 100_000);
    assert.deepEqual(result.errors, []);
    assert.equal(result.rows[99_999]?.line, 100_001);
    assert.ok(bufferMs < 60_000, `in memory: ${Math.round(bufferMs)} ms`);

    started = performance.now();
    let rows = 0;
    for await (const event of parsePersonCsvStream(chunked(input, Array.from({ length: 200 }, (_, i) => i * 65_536)), { today: TODAY })) {
      if (event.type === 'row') rows += 1;
    }
    const streamMs = performance.now() - started;
    assert.equal(rows, 100_000);
    assert.ok(streamMs < 60_000, `streamed: ${Math.round(streamMs)} ms`);
  });
});
