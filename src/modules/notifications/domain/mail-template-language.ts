/**
 * The small template language of the mails admins may edit. Pure: no I/O.
 *
 * - `{{name}}` inserts a value (`{{firstName}}`, `{{link}}`…); which names exist depends on the
 *   template, and a name the template does not know is refused rather than rendered empty.
 * - `{{#name}}…{{/name}}` shows its content when `name` is a flag that is set (`virtual`) or a value
 *   that is not empty; `{{^name}}…{{/name}}` when it is not. Sections nest.
 * - Everything else is literal text. There is no escape for `{{`, no raw HTML, no expressions:
 *   the language can only place the values the code hands it, and every value and every literal
 *   is escaped when the HTML is derived (see {@link renderParagraphs}).
 *
 * A subject is one line. A body is plain text: paragraphs separated by blank lines (a line break
 * inside a paragraph stays a line break); a paragraph that renders empty (a hidden section) is left
 * out, so an optional value can sit alone in its paragraph.
 */

/** Longest subject template, in characters. */
export const SUBJECT_MAX_LENGTH = 250;
/** Longest body template, in characters. */
export const BODY_MAX_LENGTH = 8000;

/** The names a template may use: values (`{{name}}`, sections on non-emptiness) and flags (sections only). */
export interface TemplateGrammar {
  values: readonly string[];
  flags: readonly string[];
}

/** A parsed template. Text nodes are never empty and never adjacent to another text node. */
export type TemplateNode =
  | { type: 'text'; text: string }
  | { type: 'value'; name: string }
  | { type: 'section'; name: string; inverted: boolean; children: TemplateNode[] };

/** Stable reasons a template is refused. */
export type TemplateErrorCode =
  | 'template_empty'
  | 'template_too_long'
  | 'subject_multiline'
  | 'invalid_characters'
  | 'malformed_placeholder'
  | 'unknown_placeholder'
  | 'unbalanced_section';

/** One problem, with the character offset in the template where it is when there is one. */
export interface TemplateProblem {
  code: TemplateErrorCode;
  message: string;
  offset?: number;
}

/** Outcome of {@link parseTemplate}. */
export type ParseResult = { ok: true; nodes: TemplateNode[] } | { ok: false; problems: TemplateProblem[] };

/** What the template is rendered with: values are inserted (already on one line), flags only steer sections. */
export interface RenderScope {
  values: Readonly<Record<string, string>>;
  flags: Readonly<Record<string, boolean>>;
  /** The value inserted as a link (`<a href>` in HTML) rather than as text. */
  linkName?: string;
}

/** A piece of rendered output: literal text from the template, an inserted value, or the link. */
export interface Segment {
  kind: 'text' | 'value' | 'link';
  text: string;
}

/** A rendered paragraph in both forms. */
export interface Paragraph {
  text: string;
  html: string;
}

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/y;
const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/;
// C0 controls, DEL and C1 controls (in a subject, NEL is reported as the line break it is).
const CONTROLS_EXCEPT_BREAK_AND_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROLS_EXCEPT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/**
 * The stored form of a template typed in a browser or sent by a script: CRLF and CR become LF and
 * the text is put in Unicode NFC, so that the same text is stored and compared the same way.
 */
export function normalizeTemplateSource(source: string): string {
  return source.replace(/\r\n?/g, '\n').normalize('NFC');
}

/**
 * Parses a template, checking every tag against `grammar`. All problems are reported at once,
 * each with its offset. Accepts `{{ name }}` with spaces inside the braces; a `{` just before a
 * tag (`{{{name}}`) is literal text.
 */
export function parseTemplate(source: string, grammar: TemplateGrammar): ParseResult {
  const problems: TemplateProblem[] = [];
  const root: TemplateNode[] = [];
  const stack: Array<{ name: string; offset: number; children: TemplateNode[] }> = [];
  const values = new Set(grammar.values);
  const sections = new Set([...grammar.values, ...grammar.flags]);
  let current = root;
  let text = '';
  const flush = () => {
    if (text !== '') current.push({ type: 'text', text });
    text = '';
  };

  let index = 0;
  while (index < source.length) {
    const open = source.indexOf('{{', index);
    if (open === -1) {
      text += source.slice(index);
      break;
    }
    text += source.slice(index, open);
    TAG.lastIndex = open;
    const match = TAG.exec(source);
    if (!match) {
      TAG.lastIndex = open + 1;
      if (source[open + 2] === '{' && TAG.exec(source)) {
        // `{{{name}}`: the first brace is text, the tag starts one further.
        text += '{';
        index = open + 1;
        continue;
      }
      problems.push({ code: 'malformed_placeholder', offset: open,
        message: `"{{" at character ${open + 1} does not start a placeholder like {{firstName}}, {{#name}}, {{^name}} or {{/name}}` });
      text += '{{';
      index = open + 2;
      continue;
    }
    const sigil = match[1] ?? '';
    const name = match[2] ?? '';
    index = open + match[0].length;
    if (sigil === '') {
      if (!values.has(name)) {
        problems.push({ code: 'unknown_placeholder', offset: open,
          message: `{{${name}}} is not a placeholder of this template; use one of ${[...values].map((value) => `{{${value}}}`).join(', ')}` });
      }
      flush();
      current.push({ type: 'value', name });
    } else if (sigil === '#' || sigil === '^') {
      if (!sections.has(name)) {
        problems.push({ code: 'unknown_placeholder', offset: open,
          message: `{{${sigil}${name}}} opens a section on an unknown name; use one of ${[...sections].join(', ')}` });
      }
      flush();
      const children: TemplateNode[] = [];
      current.push({ type: 'section', name, inverted: sigil === '^', children });
      stack.push({ name, offset: open, children: current });
      current = children;
    } else {
      const top = stack.at(-1);
      if (!top) {
        problems.push({ code: 'unbalanced_section', offset: open, message: `{{/${name}}} closes a section that was not opened` });
        text += match[0];
        continue;
      }
      if (top.name !== name) {
        problems.push({ code: 'unbalanced_section', offset: open, message: `{{/${name}}} closes the section {{${top.name}}} opened at character ${top.offset + 1}; close it with {{/${top.name}}}` });
      }
      flush();
      stack.pop();
      current = top.children;
    }
  }
  flush();
  for (const open of stack) {
    problems.push({ code: 'unbalanced_section', offset: open.offset, message: `the section {{${open.name}}} opened at character ${open.offset + 1} is never closed with {{/${open.name}}}` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, nodes: root };
}

/** Writes parsed nodes back as template text (canonical tags: no spaces inside the braces). */
export function formatTemplate(nodes: readonly TemplateNode[]): string {
  return nodes.map((node) => {
    if (node.type === 'text') return node.text;
    if (node.type === 'value') return `{{${node.name}}}`;
    return `{{${node.inverted ? '^' : '#'}${node.name}}}${formatTemplate(node.children)}{{/${node.name}}}`;
  }).join('');
}

function checkCommon(source: string, maxLength: number, what: string): TemplateProblem[] {
  if (source.trim() === '') return [{ code: 'template_empty', message: `the ${what} is empty` }];
  if (source.length > maxLength) {
    return [{ code: 'template_too_long', message: `the ${what} has ${source.length} characters, at most ${maxLength} are allowed` }];
  }
  return [];
}

/** Checks and parses a subject template: one line, at most {@link SUBJECT_MAX_LENGTH} characters. */
export function parseSubject(source: string, grammar: TemplateGrammar): ParseResult {
  const common = checkCommon(source, SUBJECT_MAX_LENGTH, 'subject');
  if (common.length > 0) return { ok: false, problems: common };
  const problems: TemplateProblem[] = [];
  const lineBreak = source.search(LINE_BREAKS);
  if (lineBreak !== -1) {
    problems.push({ code: 'subject_multiline', offset: lineBreak, message: 'the subject must be a single line' });
  } else {
    const control = source.search(CONTROLS_EXCEPT_TAB);
    if (control !== -1) problems.push({ code: 'invalid_characters', offset: control, message: 'the subject contains control characters' });
  }
  const parsed = parseTemplate(source, grammar);
  if (!parsed.ok) problems.push(...parsed.problems);
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

/** Checks and parses a body template (line breaks as LF): at most {@link BODY_MAX_LENGTH} characters. */
export function parseBody(source: string, grammar: TemplateGrammar): ParseResult {
  const common = checkCommon(source, BODY_MAX_LENGTH, 'body');
  if (common.length > 0) return { ok: false, problems: common };
  const problems: TemplateProblem[] = [];
  const control = source.search(CONTROLS_EXCEPT_BREAK_AND_TAB);
  if (control !== -1) problems.push({ code: 'invalid_characters', offset: control, message: 'the body contains control characters' });
  const parsed = parseTemplate(source, grammar);
  if (!parsed.ok) problems.push(...parsed.problems);
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

function shown(name: string, scope: RenderScope): boolean {
  const flag = scope.flags[name];
  return flag !== undefined ? flag : (scope.values[name] ?? '') !== '';
}

/** Resolves sections and values into segments, in order. Unknown names render as nothing. */
export function renderSegments(nodes: readonly TemplateNode[], scope: RenderScope): Segment[] {
  const out: Segment[] = [];
  for (const node of nodes) {
    if (node.type === 'text') out.push({ kind: 'text', text: node.text });
    else if (node.type === 'value') out.push({ kind: node.name === scope.linkName ? 'link' : 'value', text: scope.values[node.name] ?? '' });
    else if (shown(node.name, scope) !== node.inverted) out.push(...renderSegments(node.children, scope));
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}

/** A value on one line: line breaks and tabs become spaces, runs of spaces one, ends trimmed. */
export function oneLine(value: string | null | undefined): string {
  return (value ?? '').replace(/[\r\n\t\u0085\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** A rendered subject: the segments' text on one line, whatever the values held. */
export function renderSubject(segments: readonly Segment[]): string {
  return oneLine(segments.map((segment) => segment.text).join(''));
}

function segmentHtml(segment: Segment): string {
  if (segment.kind === 'link') return `<a href="${escapeHtml(segment.text)}">${escapeHtml(segment.text)}</a>`;
  if (segment.kind === 'value') return escapeHtml(segment.text);
  return segment.text.split('\n').map(escapeHtml).join('<br>');
}

/**
 * Splits rendered segments into paragraphs at blank lines of the template's text (values hold no
 * line breaks, so only the template's own text can end a paragraph). Each paragraph is trimmed;
 * empty ones are dropped. In HTML, literal text and values are escaped and a line break inside a
 * paragraph is `<br>`: the only markup is `<br>` and the link's `<a href>`.
 */
export function renderParagraphs(segments: readonly Segment[]): Paragraph[] {
  const paragraphs: Segment[][] = [[]];
  for (const segment of segments) {
    if (segment.kind !== 'text') {
      paragraphs.at(-1)?.push(segment);
      continue;
    }
    const parts = segment.text.split(/\n[ \t]*\n\s*/);
    parts.forEach((part, index) => {
      if (index > 0) paragraphs.push([]);
      if (part !== '') paragraphs.at(-1)?.push({ kind: 'text', text: part });
    });
  }
  const result: Paragraph[] = [];
  for (const pieces of paragraphs) {
    const trimmed = trimEdges(pieces);
    if (trimmed.length === 0) continue;
    result.push({ text: trimmed.map((piece) => piece.text).join(''), html: trimmed.map(segmentHtml).join('') });
  }
  return result;
}

/** Drops leading and trailing whitespace of a paragraph's pieces (and the pieces left empty). */
function trimEdges(pieces: readonly Segment[]): Segment[] {
  const list = pieces.map((piece) => ({ ...piece }));
  while (list.length > 0) {
    const first = list[0] as Segment;
    first.text = first.text.replace(/^\s+/, '');
    if (first.text !== '') break;
    list.shift();
  }
  while (list.length > 0) {
    const last = list.at(-1) as Segment;
    last.text = last.text.replace(/\s+$/, '');
    if (last.text !== '') break;
    list.pop();
  }
  return list;
}
