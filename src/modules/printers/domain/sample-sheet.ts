/**
 * A sample print file: a PDF of `pages` pages at the ID-1 card size (85.60 × 53.98 mm), each
 * saying which page it is. The demo printer prints it to show the printer client at work without
 * any card; the printer client's tests use it as a job's file. Written by hand (a few objects, no
 * font embedding: Helvetica is one of the PDF standard fonts) so that it needs no library.
 */
const MM_TO_PT = 72 / 25.4;
/** Card width and height in PDF points. */
export const CARD_PAGE_SIZE_PT = { width: 85.6 * MM_TO_PT, height: 53.98 * MM_TO_PT };

/** The PDF bytes of a sample sheet of `pages` pages (1 to 1,000) titled `title` (ASCII letters, digits, spaces). */
export function sampleSheetPdf(pages: number, title: string): Buffer {
  if (!Number.isInteger(pages) || pages < 1 || pages > 1000) throw new RangeError('pages must be an integer from 1 to 1000');
  const safeTitle = title.replace(/[^A-Za-z0-9 .-]/g, '').slice(0, 60);
  const width = CARD_PAGE_SIZE_PT.width.toFixed(2);
  const height = CARD_PAGE_SIZE_PT.height.toFixed(2);
  // Objects: 1 catalog, 2 pages, 3 font, then per page its page object and its content stream.
  const objects: string[] = [];
  const kids: string[] = [];
  for (let page = 0; page < pages; page += 1) {
    const pageObject = 4 + page * 2;
    kids.push(`${pageObject} 0 R`);
    const text = `BT /F1 10 Tf 14 ${(CARD_PAGE_SIZE_PT.height - 24).toFixed(2)} Td (${safeTitle}) Tj 0 -16 Td (page ${page + 1} / ${pages}) Tj ET`;
    objects[pageObject] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageObject + 1} 0 R >>`;
    objects[pageObject + 1] = `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;
  }
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = body.length;
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
