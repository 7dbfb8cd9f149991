import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  academicYear, accountFileName, accountLineValues, checkAccountFileSettings, csvCell, daysBefore, defaultAccountFileSettings, encodeAccountFile,
  formatDay, headerLine, personLine,
} from './crous-account-file.ts';

const person = {
  eppn: 'lea@univ.example', firstName: 'Léa', lastName: 'Bernard', birthDate: '2001-11-02', email: 'lea@univ.example', ine: '234567891bc',
  studentNumber: '22400102', rightsEnd: null,
};

describe('CROUS account files', () => {
  it('writes the default layout: identifier (INE), INE, names, birth date, e-mail, UAI, tariff, due date', () => {
    const settings = defaultAccountFileSettings();
    const values = accountLineValues(person, {
      kind: 're_enrolments', uai: '0751234J', tariff: { idCompanyRate: 10, idRate: 1, source: 'student_default' }, defaultDueDate: '2027-08-31',
    }, settings);
    assert.equal(headerLine(settings), 'identifier;ine;lastName;firstName;birthDate;email;uai;idRate;dueDate');
    assert.equal(personLine(values, settings), '234567891BC;234567891BC;Bernard;Léa;2001-11-02;lea@univ.example;0751234J;1;2027-08-31');
    const byEppn = accountLineValues({ ...person, ine: null }, {
      kind: 're_enrolments', uai: 'X', tariff: { idCompanyRate: 10, idRate: 1, source: 'rule' }, defaultDueDate: '2027-08-31',
    }, { ...settings, ineAsIdentifier: true });
    assert.equal(byEppn.identifier, 'lea@univ.example', 'no INE: the eppn');
  });

  it('always sends 99 in the staff-leaving file, whatever the rules say', () => {
    const values = accountLineValues({ ...person, rightsEnd: '2026-11-30' }, {
      kind: 'staff_leaving', uai: 'X', tariff: { idCompanyRate: 21, idRate: 3, source: 'rule' }, defaultDueDate: '2027-08-31',
    }, { ineAsIdentifier: false, dateFormat: 'DD/MM/YYYY' });
    assert.deepEqual([values.identifier, values.idCompanyRate, values.idRate, values.dueDate], ['lea@univ.example', '21', '99', '30/11/2026']);
  });

  it('quotes a cell holding the separator or a quote, and flattens line breaks', () => {
    assert.equal(csvCell('Le Gall; Marie', ';'), '"Le Gall; Marie"');
    assert.equal(csvCell('Le Gall, Marie', ';'), 'Le Gall, Marie');
    assert.equal(csvCell('Dit "Jo"', ','), '"Dit ""Jo"""');
    assert.equal(csvCell('a\r\nb', ';'), 'a b');
    assert.equal(csvCell('=1+1', ';'), '=1+1', 'values go to the CROUS as they are');
  });

  it('encodes é as one byte in ISO-8859-1, Œ in Windows-1252, and folds what neither holds', () => {
    assert.deepEqual([...encodeAccountFile('é', 'iso-8859-1')], [0xe9]);
    assert.deepEqual([...encodeAccountFile('é', 'utf-8')], [0xc3, 0xa9]);
    assert.deepEqual([...encodeAccountFile('Œ', 'windows-1252')], [0x8c]);
    assert.equal(encodeAccountFile('Łukasz Œdipe 李', 'iso-8859-1').toString('latin1'), 'Lukasz OEdipe ?');
    assert.equal(encodeAccountFile('Ștefan', 'windows-1252').toString('latin1'), 'Stefan');
  });

  it('formats days, the academic year and the file name', () => {
    assert.deepEqual([formatDay('2026-09-01', 'YYYY-MM-DD'), formatDay('2026-09-01', 'DD/MM/YYYY'), formatDay('2026-09-01', 'YYYYMMDD'), formatDay(null, 'YYYYMMDD')],
      ['2026-09-01', '01/09/2026', '20260901', '']);
    assert.deepEqual(academicYear('2026-12-06'), { start: '2026-09-01', end: '2027-08-31' });
    assert.deepEqual(academicYear('2027-08-31'), { start: '2026-09-01', end: '2027-08-31' });
    assert.deepEqual(academicYear('2027-09-01'), { start: '2027-09-01', end: '2028-08-31' });
    assert.equal(daysBefore('2026-03-01', 1), '2026-02-28');
    assert.equal(accountFileName('re_enrolments', 'univ-demo', new Date('2026-12-06T07:08:09Z')), 'crous-re-enrolments-univ-demo-20261206-070809.csv');
  });

  it('refuses settings with their field: no column, a column twice, a label on two lines, a window out of range', () => {
    const base = defaultAccountFileSettings();
    assert.deepEqual(checkAccountFileSettings(base), []);
    assert.deepEqual(checkAccountFileSettings({ ...base, columns: [] }).map((error) => [error.field, error.code]), [['/columns', 'columns_required']]);
    assert.deepEqual(checkAccountFileSettings({ ...base, columns: [{ field: 'eppn', label: 'a' }, { field: 'eppn', label: 'b\nc' }], leavingWindowDays: 0 })
      .map((error) => [error.field, error.code]), [['/columns/1/field', 'duplicate_column'], ['/columns/1/label', 'invalid_label'], ['/leavingWindowDays', 'invalid_window']]);
  });
});
