/**
 * The body of a mail template as blocks an admin edits without the template syntax: plain text,
 * or a section shown under a condition ("if the card is virtual", "if the reason is given").
 * Only top-level sections become blocks; what a block holds (placeholders, a nested section) stays
 * in the stored syntax. Blocks are separated by a blank line, as paragraphs of the mail are.
 * {@link toBlocks} answers null when a body cannot be shown as blocks and written back exactly
 * (unbalanced or malformed tags, a section glued to text): the editor then keeps the raw text.
 */

/** One block of a body. */
export type TemplateBlock =
  | { kind: 'text'; text: string }
  | { kind: 'section'; name: string; inverted: boolean; text: string };

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

type Segment = { kind: 'text'; text: string } | { kind: 'section'; name: string; inverted: boolean; text: string };

/** The body cut into top-level text and sections; null when the sections do not balance. */
function topLevel(body: string): Segment[] | null {
  const segments: Segment[] = [];
  let depth = 0;
  let textStart = 0;
  let open: { name: string; inverted: boolean; tag: string; contentStart: number } | undefined;
  for (const match of body.matchAll(TAG)) {
    const [whole, sigil = '', name = ''] = match;
    if (sigil === '#' || sigil === '^') {
      if (depth === 0) {
        if (match.index > textStart) segments.push({ kind: 'text', text: body.slice(textStart, match.index) });
        open = { name, inverted: sigil === '^', tag: whole, contentStart: match.index + whole.length };
      }
      depth += 1;
    } else if (sigil === '/') {
      depth -= 1;
      if (depth < 0) return null;
      if (depth === 0 && open) {
        // Written back as {{/name}}: a closing tag with spaces or another name would not survive.
        if (whole !== `{{/${open.name}}}` || open.tag !== `{{${open.inverted ? '^' : '#'}${open.name}}}`) return null;
        segments.push({ kind: 'section', name: open.name, inverted: open.inverted, text: body.slice(open.contentStart, match.index) });
        textStart = match.index + whole.length;
        open = undefined;
      }
    }
  }
  if (depth !== 0) return null;
  if (textStart < body.length || segments.length === 0) segments.push({ kind: 'text', text: body.slice(textStart) });
  return segments;
}

/** The stored body of `blocks`: sections in the template syntax, blocks one blank line apart. */
export function fromBlocks(blocks: readonly TemplateBlock[]): string {
  return blocks.map((block) => (block.kind === 'text' ? block.text : `{{${block.inverted ? '^' : '#'}${block.name}}}${block.text}{{/${block.name}}}`)).join('\n\n');
}

/** The blocks of `body`, or null when it cannot be edited as blocks and written back unchanged. */
export function toBlocks(body: string): TemplateBlock[] | null {
  const segments = topLevel(body);
  if (!segments) return null;
  const blocks: TemplateBlock[] = [];
  segments.forEach((segment, index) => {
    if (segment.kind === 'section') {
      blocks.push(segment);
      return;
    }
    let text = segment.text;
    const first = index === 0;
    const last = index === segments.length - 1;
    if (!first && !last && text === '\n\n') return;
    if (!first && text.startsWith('\n\n')) text = text.slice(2);
    if (!last && text.endsWith('\n\n')) text = text.slice(0, -2);
    blocks.push({ kind: 'text', text });
  });
  return fromBlocks(blocks) === body ? blocks : null;
}
