import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FOLD_FROM, FOLD_TO, foldSearchText, searchName, searchWords } from './search-text.ts';

/** Characters a name or identifier is made of: ASCII, every folded letter, separators, combining marks, ligatures. */
/**
 * Latin letters with diacritics: Latin-1 Supplement, Latin Extended-A and -B, Latin Extended
 * Additional; without × and ÷, and without the few whose capital is two characters (ŉ: ʼN, ẚ,
 * ǰ…: letters of transliterations, not of names).
 */
const ACCENTED = [[0xc0, 0x24f], [0x1e00, 0x1eff]]
  .flatMap(([from = 0, to = 0]) => Array.from({ length: to - from + 1 }, (_, index) => String.fromCodePoint(from + index)))
  .filter((char) => char !== '\u00d7' && char !== '\u00f7' && [...char.toUpperCase()].length === 1);
const SEARCH_ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .@_-\'’', ...ACCENTED, ...FOLD_FROM, 'ß', '\u0301', '\u0308', '\u0327',
];
const text = fc.string({ unit: fc.constantFrom(...SEARCH_ALPHABET), maxLength: 30 });

test('every accented Latin letter folds to its base letter; the letters without decomposition to theirs', () => {
  assert.equal([...FOLD_FROM].length, [...FOLD_TO].length);
  for (const char of ACCENTED) {
    const base = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    if (/^[a-z]$/.test(base)) assert.equal(foldSearchText(char), base, `${char} folds to ${base}`);
  }
  assert.equal(foldSearchText(FOLD_FROM), 'oollddhhittddsllfaeoessthij');
});

test('folding is idempotent and leaves no accent, ligature or capital', () => {
  fc.assert(fc.property(text, (value) => {
    const folded = foldSearchText(value);
    assert.equal(foldSearchText(folded), folded);
    assert.ok(![...folded].some((char) => FOLD_FROM.includes(char) || char.normalize('NFD') !== char || /[\u0300-\u036fA-Z]/.test(char)), folded);
  }));
});

test('folding ignores case: upper, lower and as typed fold alike', () => {
  fc.assert(fc.property(text, (value) => {
    assert.equal(foldSearchText(value.toUpperCase()), foldSearchText(value.toLowerCase()));
    assert.equal(foldSearchText(value), foldSearchText(value.toLowerCase()));
  }));
});

test('folding ignores composed or decomposed accents', () => {
  fc.assert(fc.property(text, (value) => {
    assert.equal(foldSearchText(value.normalize('NFD')), foldSearchText(value.normalize('NFC')));
  }));
});

test('the accents of French and European names fold to their letters', () => {
  const cases: Array<[string, string]> = [
    ['Lefèvre', 'lefevre'], ['LEFÈVRE', 'lefevre'], ['Hélène Bérénice', 'helene berenice'], ['Françoise', 'francoise'],
    ['Anaïs Noël', 'anais noel'], ['Jérôme Benoît', 'jerome benoit'], ['Raphaël Gaëlle', 'raphael gaelle'], ['Dvořák', 'dvorak'],
    ['Ångström', 'angstrom'], ['Søren Kierkegård', 'soren kierkegard'], ['Łukasz Wałęsa', 'lukasz walesa'], ['Müller Straße', 'muller strasse'],
    ['Lætitia', 'laetitia'], ['Œdipe Cœur', 'oedipe coeur'], ['Peña Núñez', 'pena nunez'], ['Ştefan Țiriac', 'stefan tiriac'],
    ['Çağlar Ağaoğlu', 'caglar agaoglu'], ['Zoë Ève Âme Île Ôté Ûr', 'zoe eve ame ile ote ur'], ['ÀÂÄ àâä ÎÏ ÔÖ ÙÛÜ ùûü', 'aaa aaa ii oo uuu uuu'],
    ['Þór Ðóra', 'thor dora'], ['Ĳsselmeer', 'ijsselmeer'],
  ];
  for (const [name, folded] of cases) assert.equal(foldSearchText(name), folded, name);
});

test('a name is stored by its parts and written together; typed words split the same way', () => {
  assert.equal(searchName('Jean-Pierre'), 'jean pierre jeanpierre');
  assert.equal(searchName('Dupont-Moretti'), 'dupont moretti dupontmoretti');
  assert.equal(searchName("D'Alembert"), 'd alembert dalembert');
  assert.equal(searchName('van der  Berg'), 'van der berg vanderberg');
  assert.equal(searchName('Lefèvre'), 'lefevre');
  assert.deepEqual(searchWords('Jean-Pierre  DUPONT', 8), ['jean', 'pierre', 'dupont']);
  assert.deepEqual(searchWords('d’Alembert', 8), ['d', 'alembert']);
  assert.deepEqual(searchWords('04:A2:3B:4C:5D:6E:7F', 8), ['04a23b4c5d6e7f'], 'a chip number typed with separators is one word');
  assert.deepEqual(searchWords('a b a c', 2), ['a', 'b']);
  assert.deepEqual(searchWords(undefined, 8), []);
});

test('every typed word of a name is found in its stored form, whatever the case and accents typed', () => {
  const name = fc.array(fc.string({ unit: fc.constantFrom(...SEARCH_ALPHABET.filter((char) => char !== ' ')), minLength: 1, maxLength: 8 }),
    { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));
  fc.assert(fc.property(name, fc.boolean(), (value, upper) => {
    const stored = searchName(value);
    const typed = upper ? value.toUpperCase() : value.normalize('NFD');
    for (const word of searchWords(typed, 50)) assert.ok(stored.includes(word), `${word} in ${stored}`);
  }));
});
