import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkPasswordRule, normalizePassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-rule.ts';

async function codeOf(password: string, email?: string): Promise<string> {
  const verdict = await checkPasswordRule(password, email === undefined ? {} : { email });
  return verdict.ok ? 'ok' : verdict.code;
}

describe('password rule (NIST SP 800-63B)', () => {
  it('refuses the examples that length alone let through', async () => {
    assert.equal(await codeOf(' '.repeat(10)), 'password_too_short');
    assert.equal(await codeOf('aaaaaaaaaa'), 'password_too_short');
    assert.equal(await codeOf('password12'), 'password_too_short');
    assert.equal(await codeOf('\u0000'.repeat(10)), 'password_invalid_characters');
    // The same shapes at the new length are still refused, by guessability or characters.
    assert.equal(await codeOf(' '.repeat(16)), 'password_too_guessable');
    assert.equal(await codeOf('a'.repeat(16)), 'password_too_guessable');
    assert.equal(await codeOf('password1234'), 'password_too_guessable');
    assert.equal(await codeOf('\u0000'.repeat(16)), 'password_invalid_characters');
  });

  it('refuses common and guessable passwords from the dictionaries, French ones too', async () => {
    for (const password of ['azertyuiop123', 'motdepasse2024', 'qwertyuiop12', '123456789012', 'iloveyou1234', 'Password1234!', 'soleilsoleil']) {
      assert.equal(await codeOf(password), 'password_too_guessable', password);
    }
    const verdict = await checkPasswordRule('password1234');
    assert.ok(!verdict.ok && /commonly used/i.test(verdict.detail), 'zxcvbn feedback is in the detail');
  });

  it('refuses control characters anywhere, and lone surrogates', async () => {
    for (const bad of ['\u0000', '\u0007', '\t', '\n', '\u001b', '\u007f', '\u0085', '\ud800']) {
      assert.equal(await codeOf(`Sturdy ${bad} marmalade orbit`), 'password_invalid_characters', JSON.stringify(bad));
    }
  });

  it("refuses a password containing the e-mail's local part (3 characters or more), in any case", async () => {
    assert.equal(await codeOf('xX-Jean.Dupont-walrus-42', 'jean.dupont@univ.example'), 'password_contains_email');
    assert.equal(await codeOf('quiet walrus of the fjord', 'jo@univ.example'), 'ok');
  });

  it('counts characters after NFKC normalisation, not UTF-16 units, and caps the length', async () => {
    // Six emoji are twelve UTF-16 units but six characters.
    assert.equal(await codeOf('🦊🐙🦉🐝🦔🐢'), 'password_too_short');
    assert.equal(normalizePassword('ﬁ'), 'fi');
    assert.equal(normalizePassword('Cafe\u0301'), 'Café');
    assert.equal(await codeOf('x'.repeat(PASSWORD_MAX_LENGTH + 1)), 'password_too_long');
    const verdict = await checkPasswordRule('Ｔｒｅｅｈｏｕｓｅ ｇａｌａｘｙ ｆｏｇ');
    assert.ok(verdict.ok);
    assert.equal(verdict.normalized, 'Treehouse galaxy fog');
  });

  it('accepts random passphrases of four words and random strings of 12+ characters', async () => {
    const words = ['lantern', 'quokka', 'velours', 'brindille', 'orbit', 'nectarine', 'glacier', 'tambour', 'sparrow', 'cerisier', 'mosaic', 'prairie'];
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom(...words), { minLength: 4, maxLength: 6 }).filter((picked) => new Set(picked).size === picked.length),
      fc.integer({ min: 10, max: 99 }),
      async (picked, number) => assert.equal(await codeOf(`${picked.join('-')}-${number}`, 'someone@univ.example'), 'ok'),
    ), { seed: 20260805, numRuns: 15 });
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+=?@'.split('');
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom(...alphabet), { minLength: 16, maxLength: 24 }),
      async (chars) => assert.equal(await codeOf(chars.join('')), 'ok'),
    ), { seed: 20260805, numRuns: 15 });
  });

  it('refuses anything under the minimum length, whatever it is made of', async () => {
    await fc.assert(fc.asyncProperty(
      fc.string({ unit: 'grapheme', maxLength: PASSWORD_MIN_LENGTH - 1 }).filter((s) => [...s.normalize('NFKC')].length < PASSWORD_MIN_LENGTH && !/[\p{Cc}\p{Cs}]/u.test(s)),
      async (password) => assert.equal(await codeOf(password), 'password_too_short'),
    ), { seed: 20260805, numRuns: 100 });
  });
});
