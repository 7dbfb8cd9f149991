/**
 * The guided mail template editor's blocks (web/src/office/mail-template-blocks.ts): every
 * built-in body is shown as blocks and written back unchanged; what cannot be written back
 * unchanged is left to the raw editor.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMailTemplate, MAIL_LOCALES, MAIL_TEMPLATES } from '../../src/modules/notifications/domain/mail-templates.ts';
import { fromBlocks, toBlocks } from '../../web/src/office/mail-template-blocks.ts';

test('every built-in body is blocks of text and top-level sections, and is written back unchanged', () => {
  for (const template of MAIL_TEMPLATES) {
    for (const locale of MAIL_LOCALES) {
      const body = defaultMailTemplate(template, locale).body;
      const blocks = toBlocks(body);
      assert.ok(blocks, `${template} ${locale}`);
      assert.equal(fromBlocks(blocks), body);
      assert.ok(blocks.every((block) => !/\{\{[#^/]/.test(block.text)), 'no section syntax left in a block');
    }
  }
  assert.deepEqual(toBlocks(defaultMailTemplate('card_disabled', 'fr').body)?.map((block) => (block.kind === 'section' ? `${block.inverted ? '^' : '#'}${block.name}` : 'text')),
    ['text', '#reason', '#comment', 'text']);
});

test('blocks are one blank line apart; nested sections stay inside their block', () => {
  assert.deepEqual(toBlocks('A\n\n{{^virtual}}B {{#reason}}{{reason}}{{/reason}}{{/virtual}}\n\nC\n\nD'), [
    { kind: 'text', text: 'A' },
    { kind: 'section', name: 'virtual', inverted: true, text: 'B {{#reason}}{{reason}}{{/reason}}' },
    { kind: 'text', text: 'C\n\nD' },
  ]);
  assert.equal(fromBlocks([{ kind: 'section', name: 'virtual', inverted: false, text: 'x' }, { kind: 'text', text: '' }]), '{{#virtual}}x{{/virtual}}\n\n');
  assert.deepEqual(toBlocks(''), [{ kind: 'text', text: '' }]);
});

test('a body that would not come back unchanged is left to the raw editor', () => {
  for (const body of ['Bonjour{{#virtual}} (virtuelle){{/virtual}}.', '{{#virtual}}open', 'closed{{/virtual}}', '{{#a}}x{{/b}}', '{{ #virtual }}x{{/virtual}}']) {
    assert.equal(toBlocks(body), null, body);
  }
});
