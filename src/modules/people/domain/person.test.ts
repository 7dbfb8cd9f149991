import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isIsoCalendarDate, isValidEmail, validatePersonInput, type PersonValidationResult } from './person.ts';

const TODAY = '2025-06-15';

function codes(result: PersonValidationResult): string[] {
  return result.ok ? [] : result.errors.map((error) => `${error.field}:${error.code}`);
}

const minimal = { eppn: 'jdoe@univ.fr', lastName: 'Doe', firstName: 'John', personType: 'student' };

describe('validatePersonInput', () => {
  it('accepts a full record and normalizes it', () => {
    const result = validatePersonInput(
      {
        eppn: '  JDoe@Univ.FR ',
        lastName: '  Dupont ',
        firstName: 'Ame\u0301lie',
        birthDate: '2001-02-28',
        email: ' Amelie.Dupont@Univ.FR',
        personType: 'Student',
        studentNumber: ' 21901234 ',
        ine: '123456789ab',
        esi: 'URN:SCHAC:personalUniqueCode:int:esi:FR:123456789AB',
        academicLevel: '7',
        rightsEnd: '2026-08-31',
        affiliation: 'member',
        freeFields: { free1: ' Bât. A ', free7: 'ligne 1\nligne 2', free3: '' },
      },
      { today: TODAY },
    );
    assert.deepEqual(result, {
      ok: true,
      value: {
        eppn: 'jdoe@univ.fr',
        lastName: 'Dupont',
        firstName: 'Amélie',
        birthDate: '2001-02-28',
        email: 'amelie.dupont@univ.fr',
        personType: 'student',
        studentNumber: '21901234',
        ine: '123456789AB',
        esi: 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB',
        academicLevel: 7,
        rightsEnd: '2026-08-31',
        affiliation: 'member',
        freeFields: { free1: 'Bât. A', free7: 'ligne 1\nligne 2' },
      },
    });
  });

  it('drops blank and null optional fields', () => {
    const result = validatePersonInput({ ...minimal, email: '  ', ine: null, birthDate: '', freeFields: { free1: ' ' } });
    assert.deepEqual(result, { ok: true, value: minimal });
  });

  it('reports every required field that is missing or blank', () => {
    assert.deepEqual(codes(validatePersonInput({ lastName: ' ' })), [
      'eppn:required', 'lastName:required', 'firstName:required', 'personType:required',
    ]);
  });

  it('refuses non-objects and wrong types', () => {
    assert.deepEqual(codes(validatePersonInput(null)), [':invalid_type']);
    assert.deepEqual(codes(validatePersonInput(['x'])), [':invalid_type']);
    assert.deepEqual(codes(validatePersonInput({ ...minimal, studentNumber: 1234, freeFields: 'x' })), [
      'studentNumber:invalid_type', 'freeFields:invalid_type',
    ]);
  });

  it('reports unknown fields, top-level and free', () => {
    assert.deepEqual(codes(validatePersonInput({ ...minimal, birthdate: '2000-01-01', freeFields: { free8: 'x' } })), [
      'birthdate:unknown_field', 'freeFields.free8:unknown_field',
    ]);
  });

  it('uses a stable code per rule', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ eppn: 'jdoe' }, 'eppn:invalid_eppn'],
      [{ eppn: `${'a'.repeat(250)}@univ.fr` }, 'eppn:too_long'],
      [{ email: 'not-an-email' }, 'email:invalid_email'],
      [{ email: 'a..b@univ.fr' }, 'email:invalid_email'],
      [{ email: 'a@univ' }, 'email:invalid_email'],
      [{ birthDate: '2001-02-29' }, 'birthDate:invalid_date'],
      [{ birthDate: '28/02/2001' }, 'birthDate:invalid_date'],
      [{ birthDate: '1899-12-31' }, 'birthDate:date_out_of_range'],
      [{ birthDate: '2025-06-16' }, 'birthDate:date_out_of_range'],
      [{ rightsEnd: '2026-13-01' }, 'rightsEnd:invalid_date'],
      [{ personType: 'teacher!' }, 'personType:invalid_person_type'],
      [{ personType: '2nd-year' }, 'personType:invalid_person_type'],
      [{ ine: '12345678901' }, 'ine:invalid_ine'],
      [{ ine: '123456789A' }, 'ine:invalid_ine'],
      [{ esi: 'fr:123456789AB' }, 'esi:invalid_esi'],
      [{ academicLevel: 5 }, 'academicLevel:invalid_academic_level'],
      [{ academicLevel: 'licence' }, 'academicLevel:invalid_academic_level'],
      [{ lastName: 'x'.repeat(101) }, 'lastName:too_long'],
      [{ firstName: 'Jo\u0000hn' }, 'firstName:invalid_characters'],
      [{ lastName: 'Du\npont' }, 'lastName:invalid_characters'],
      [{ freeFields: { free2: 'x'.repeat(256) } }, 'freeFields.free2:too_long'],
    ];
    for (const [patch, expected] of cases) {
      assert.deepEqual(codes(validatePersonInput({ ...minimal, ...patch }, { today: TODAY })), [expected], JSON.stringify(patch));
    }
  });

  it('checks the person type against the codes the institution defines, when given', () => {
    const known = { today: TODAY, personTypes: ['student', 'doctoral-candidate'] };
    const result = validatePersonInput({ ...minimal, personType: 'Doctoral-Candidate' }, known);
    assert.ok(result.ok);
    assert.equal(result.value.personType, 'doctoral-candidate');
    assert.deepEqual(codes(validatePersonInput({ ...minimal, personType: 'staff' }, known)), ['personType:unknown_person_type']);
    assert.deepEqual(codes(validatePersonInput({ ...minimal, personType: 'staff' }, { ...known, personTypes: [] })), ['personType:unknown_person_type']);
    assert.ok(validatePersonInput({ ...minimal, personType: 'staff' }, { today: TODAY }).ok, 'without the list, any well-formed code');
  });

  it('reads the mail language as fr or en, from a bare code or a language tag', () => {
    const localeOf = (locale: unknown) => {
      const result = validatePersonInput({ ...minimal, locale }, { today: TODAY });
      return result.ok ? result.value.locale : codes(result).join(',');
    };
    assert.equal(localeOf('en'), 'en');
    assert.equal(localeOf(' FR '), 'fr');
    assert.equal(localeOf('en-GB'), 'en');
    assert.equal(localeOf('fr_FR'), 'fr');
    assert.equal(localeOf(null), undefined);
    assert.equal(localeOf(''), undefined);
    for (const wrong of ['de', 'english', 'en-', 'e n', 'fr;en']) assert.equal(localeOf(wrong), 'locale:invalid_locale', wrong);
    assert.equal(localeOf(1), 'locale:invalid_type');
  });

  it('accepts boundary values', () => {
    const result = validatePersonInput(
      { ...minimal, birthDate: '1900-01-01', lastName: 'x'.repeat(100), academicLevel: 'doctorate', personType: 'EXTERNAL' },
      { today: TODAY },
    );
    assert.ok(result.ok);
    assert.equal(result.value.academicLevel, 8);
    assert.equal(result.value.personType, 'external');
    assert.ok(validatePersonInput({ ...minimal, birthDate: TODAY }, { today: TODAY }).ok);
    assert.ok(validatePersonInput({ ...minimal, lastName: '𝔘'.repeat(100) }).ok, 'length counts code points');
  });

  it('normalization is idempotent: a valid value validates to itself', () => {
    const rawArb = fc.record({
      eppn: fc.tuple(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/), fc.domain().filter((d) => /\.[a-z]{2,}$/.test(d)))
        .map(([login, domain]) => ` ${login}@${domain} `),
      lastName: fc.string({ minLength: 1, maxLength: 100 }),
      firstName: fc.string({ minLength: 1, maxLength: 100 }),
      personType: fc.constantFrom('student', 'STAFF', 'Guest', 'external'),
      email: fc.option(fc.emailAddress(), { nil: undefined }),
      academicLevel: fc.option(fc.constantFrom(6, 7, 8, '6', 'master'), { nil: undefined }),
    });
    fc.assert(
      fc.property(rawArb, (raw) => {
        const first = validatePersonInput(raw, { today: TODAY });
        if (!first.ok) return;
        assert.deepEqual(validatePersonInput(first.value, { today: TODAY }), first);
      }),
    );
  });
});

describe('isIsoCalendarDate and isValidEmail', () => {
  it('knows leap years and month lengths', () => {
    assert.ok(isIsoCalendarDate('2024-02-29'));
    assert.ok(isIsoCalendarDate('2000-02-29'));
    assert.equal(isIsoCalendarDate('1900-02-29'), false);
    assert.equal(isIsoCalendarDate('2024-04-31'), false);
    assert.equal(isIsoCalendarDate('2024-4-30'), false);
    assert.equal(isIsoCalendarDate('2024-00-10'), false);
  });

  it('agrees with Date on every day of four centuries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2299 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const date = new Date(`${iso}T00:00:00Z`);
        const exists = date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        assert.equal(isIsoCalendarDate(iso), exists, iso);
      }),
    );
  });

  it('takes sane addresses and refuses odd ones', () => {
    for (const ok of ['a@univ.fr', "o'brien@univ.fr", 'x+tag@etu.univ-exemple.fr', 'a@xn--bcher-kva.example']) assert.ok(isValidEmail(ok), ok);
    for (const bad of ['a@b', 'a@@b.fr', '.a@b.fr', 'a.@b.fr', 'a b@c.fr', '"a"@b.fr', 'a@[127.0.0.1]', `${'a'.repeat(65)}@b.fr`]) {
      assert.equal(isValidEmail(bad), false, bad);
    }
  });
});
