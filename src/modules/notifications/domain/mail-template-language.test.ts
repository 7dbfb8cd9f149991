import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BODY_MAX_LENGTH, formatTemplate, normalizeTemplateSource, parseBody, parseSubject, parseTemplate, renderParagraphs, renderSegments,
  renderSubject, SUBJECT_MAX_LENGTH, type ParseResult, type RenderScope, type TemplateGrammar, type TemplateNode,
} from './mail-template-language.ts';

const GRAMMAR: TemplateGrammar = { values: ['firstName', 'link', 'reason'], flags: ['virtual'] };
const SCOPE: RenderScope = {
  values: { firstName: 'Camille', link: 'https://cards.example.org', reason: '' },
  flags: { virtual: false },
  linkName: 'link',
};

function nodes(result: ParseResult): TemplateNode[] {
  assert.ok(result.ok, JSON.stringify(result));
  return result.nodes;
}

function codes(result: ParseResult): string[] {
  assert.ok(!result.ok, 'expected problems');
  return result.problems.map((problem) => problem.code);
}

function body(source: string, scope: RenderScope = SCOPE) {
  return renderParagraphs(renderSegments(nodes(parseBody(source, GRAMMAR)), scope));
}

describe('parseTemplate', () => {
  it('reads text, values and nested sections, spaces inside braces allowed', () => {
    assert.deepEqual(nodes(parseTemplate('Hi {{ firstName }}{{#virtual}} v{{^reason}}!{{/reason}}{{/virtual}}', GRAMMAR)), [
      { type: 'text', text: 'Hi ' },
      { type: 'value', name: 'firstName' },
      { type: 'section', name: 'virtual', inverted: false, children: [
        { type: 'text', text: ' v' },
        { type: 'section', name: 'reason', inverted: true, children: [{ type: 'text', text: '!' }] },
      ] },
    ]);
  });

  it('keeps a brace just before a tag as text', () => {
    assert.deepEqual(nodes(parseTemplate('{{{firstName}}}', GRAMMAR)), [
      { type: 'text', text: '{' }, { type: 'value', name: 'firstName' }, { type: 'text', text: '}' },
    ]);
  });

  it('refuses names the template does not know, as values and as sections', () => {
    const result = parseTemplate('{{lastName}} {{#comment}}x{{/comment}} {{virtual}}', GRAMMAR);
    assert.deepEqual(codes(result), ['unknown_placeholder', 'unknown_placeholder', 'unknown_placeholder']);
    assert.ok(!result.ok && result.problems[0]?.message.includes('{{firstName}}'), 'the message lists what is allowed');
    assert.equal(!result.ok && result.problems[0]?.offset, 0);
  });

  it('refuses unbalanced sections: unclosed, closed twice, crossed', () => {
    assert.deepEqual(codes(parseTemplate('{{#virtual}}x', GRAMMAR)), ['unbalanced_section']);
    assert.deepEqual(codes(parseTemplate('x{{/virtual}}', GRAMMAR)), ['unbalanced_section']);
    assert.deepEqual(codes(parseTemplate('{{#virtual}}{{#reason}}x{{/virtual}}{{/reason}}', GRAMMAR)), ['unbalanced_section', 'unbalanced_section']);
  });

  it('refuses braces that are not a placeholder', () => {
    for (const source of ['{{first name}}', '{{}}', 'a {{ b', '{{#}}', '{{1x}}', '{{firstName}']) {
      assert.deepEqual(codes(parseTemplate(source, GRAMMAR)), ['malformed_placeholder'], source);
    }
  });
});

describe('parseSubject and parseBody', () => {
  it('keep a subject on one line and free of control characters', () => {
    for (const breaker of ['\n', '\r', '\u2028', '\u0085']) {
      assert.deepEqual(codes(parseSubject(`Hello${breaker}Bcc: x@example.org`, GRAMMAR)), ['subject_multiline'], JSON.stringify(breaker));
    }
    assert.deepEqual(codes(parseSubject('Hello\u0007', GRAMMAR)), ['invalid_characters']);
    assert.ok(parseSubject('Hello\t{{firstName}}', GRAMMAR).ok, 'a tab is harmless: it becomes a space');
  });

  it('refuse empty and too long templates', () => {
    assert.deepEqual(codes(parseSubject('  ', GRAMMAR)), ['template_empty']);
    assert.deepEqual(codes(parseBody('\n\n', GRAMMAR)), ['template_empty']);
    assert.deepEqual(codes(parseSubject('x'.repeat(SUBJECT_MAX_LENGTH + 1), GRAMMAR)), ['template_too_long']);
    assert.ok(parseSubject('x'.repeat(SUBJECT_MAX_LENGTH), GRAMMAR).ok);
    assert.deepEqual(codes(parseBody('x'.repeat(BODY_MAX_LENGTH + 1), GRAMMAR)), ['template_too_long']);
  });

  it('let a body hold line breaks and tabs but no other control character', () => {
    assert.ok(parseBody('a\n\n\tb', GRAMMAR).ok);
    assert.deepEqual(codes(parseBody('a\u0000b', GRAMMAR)), ['invalid_characters']);
  });

  it('report every problem at once', () => {
    assert.deepEqual(codes(parseBody('a\u0001 {{nope}} {{#virtual}}', GRAMMAR)), ['invalid_characters', 'unknown_placeholder', 'unbalanced_section']);
  });
});

describe('rendering', () => {
  it('shows sections by flag or by non-empty value, inverted sections otherwise', () => {
    const subject = nodes(parseSubject('{{#virtual}}V{{/virtual}}{{^virtual}}P{{/virtual}}{{#reason}} ({{reason}}){{/reason}}', GRAMMAR));
    assert.equal(renderSubject(renderSegments(subject, SCOPE)), 'P');
    assert.equal(renderSubject(renderSegments(subject, { ...SCOPE, flags: { virtual: true }, values: { ...SCOPE.values, reason: 'lost' } })), 'V (lost)');
  });

  it('splits paragraphs at blank lines, keeps line breaks inside one, and drops paragraphs left empty', () => {
    const paragraphs = body('First line\nsecond line\n\n{{#reason}}Reason: {{reason}}{{/reason}}\n\n  \n\nSee {{link}}  ');
    assert.deepEqual(paragraphs.map((p) => p.text), ['First line\nsecond line', 'See https://cards.example.org']);
    assert.deepEqual(paragraphs.map((p) => p.html), [
      'First line<br>second line',
      'See <a href="https://cards.example.org">https://cards.example.org</a>',
    ]);
  });

  it('escapes the template’s own text too: a body is text, never HTML', () => {
    const [paragraph] = body('<b>Hi</b> & {{firstName}}', { ...SCOPE, values: { ...SCOPE.values, firstName: '<i>x</i>' } });
    assert.equal(paragraph?.html, '&lt;b&gt;Hi&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt;');
    assert.equal(paragraph?.text, '<b>Hi</b> & <i>x</i>');
  });

  it('normalizes line ends and Unicode before storing', () => {
    assert.equal(normalizeTemplateSource('a\r\nb\rc\u0065\u0301'), 'a\nb\nc\u00e9');
  });
});

// Templates built from the grammar: text (anything without "{{"), values and nested sections.
const textArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((text) => !text.includes('{{'));
const bodyTextArb = fc.oneof(textArb, fc.constantFrom('\n', '\n\n', ' \n \n', '<b>', '&', '"\'', '{', '}'));
const nodeArb = (text: fc.Arbitrary<string>) => fc.letrec<{ node: TemplateNode; nodes: TemplateNode[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((value): TemplateNode => ({ type: 'text', text: value })),
    fc.constantFrom(...GRAMMAR.values).map((name): TemplateNode => ({ type: 'value', name })),
    fc.record({
      name: fc.constantFrom(...GRAMMAR.values, ...GRAMMAR.flags), inverted: fc.boolean(), children: tie('nodes') as fc.Arbitrary<TemplateNode[]>,
    }).map((section): TemplateNode => ({ type: 'section', ...section })),
  ),
  nodes: fc.array(tie('node') as fc.Arbitrary<TemplateNode>, { maxLength: 5 }),
})).nodes;

/** The canonical form of a tree: adjacent texts merged, empty texts dropped (what the parser yields). */
function canonical(list: readonly TemplateNode[]): TemplateNode[] {
  const out: TemplateNode[] = [];
  for (const node of list) {
    const item = node.type === 'section' ? { ...node, children: canonical(node.children) } : node;
    const last = out.at(-1);
    if (item.type === 'text' && item.text === '') continue;
    if (item.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + item.text };
    else out.push(item);
  }
  return out;
}

function hasBraces(list: readonly TemplateNode[]): boolean {
  return list.some((node) => (node.type === 'text' ? node.text.includes('{{') : node.type === 'section' && hasBraces(node.children)));
}

const hostileArb = fc.string({ unit: 'binary', maxLength: 30 }).map((value) => `x${value}`);
const ALLOWED_TAG = /^(<p>|<\/p>|<br>|<\/a>|<a href="[^"<>]*">)$/;
const tagsOf = (html: string) => html.match(/<[^>]*>/g) ?? [];

describe('properties', () => {
  it('any valid template round-trips: formatted, it parses back to the same tree', () => {
    // Two texts side by side are one text: "{" next to "{" would spell a tag opening, which is not text.
    const validTree = nodeArb(bodyTextArb).filter((tree) => !hasBraces(canonical(tree)));
    fc.assert(fc.property(validTree, (tree) => {
      const source = formatTemplate(tree);
      const reparsed = parseTemplate(source, GRAMMAR);
      assert.ok(reparsed.ok, source);
      assert.deepEqual(reparsed.nodes, canonical(tree));
      assert.equal(formatTemplate(reparsed.nodes), source);
    }), { numRuns: 500 });
  });

  it('parsing then formatting any accepted text is stable', () => {
    const sourceArb = fc.array(fc.oneof(bodyTextArb, fc.constantFrom('{{firstName}}', '{{ link }}', '{{#virtual}}', '{{/virtual}}', '{{^reason}}', '{{/reason}}', '{{')), { maxLength: 12 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(sourceArb, (source) => {
      const first = parseTemplate(source, GRAMMAR);
      if (!first.ok) return;
      const again = parseTemplate(formatTemplate(first.nodes), GRAMMAR);
      assert.ok(again.ok);
      assert.deepEqual(again.nodes, first.nodes);
    }), { numRuns: 500 });
  });

  it('no value can add markup to the HTML nor a line break to the subject, whatever the template', () => {
    const subjectTextArb = textArb.filter((text) => !/[\n\r\u0085\u2028\u2029]/.test(text));
    fc.assert(fc.property(nodeArb(subjectTextArb), nodeArb(bodyTextArb), hostileArb, hostileArb, hostileArb, fc.boolean(),
      (subjectTree, bodyTree, firstName, link, reason, virtual) => {
        const hostile: RenderScope = { values: { firstName, link, reason }, flags: { virtual }, linkName: 'link' };
        const plain: RenderScope = { values: { firstName: 'x', link: 'x', reason: 'x' }, flags: { virtual }, linkName: 'link' };
        const subject = renderSubject(renderSegments(subjectTree, hostile));
        assert.ok(!/[\r\n\u0085\u2028\u2029]/.test(subject), JSON.stringify(subject));
        const htmlOf = (scope: RenderScope) => renderParagraphs(renderSegments(bodyTree, scope)).map((p) => `<p>${p.html}</p>`).join('');
        const shape = (html: string) => tagsOf(html).map((tag) => tag.replace(/href="[^"]*"/, 'href=""'));
        const html = htmlOf(hostile);
        assert.deepEqual(shape(html), shape(htmlOf(plain)));
        for (const tag of tagsOf(html)) assert.match(tag, ALLOWED_TAG);
      }), { numRuns: 400 });
  });
});
