/**
 * CSV writing for exports opened in spreadsheets: RFC 4180 quoting, a UTF-8 byte order mark so
 * accents survive Excel, and cells that a spreadsheet would run as a formula (= + - @, tab, CR)
 * prefixed with an apostrophe (CSV injection).
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document from a header row and data rows. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>, separator = ','): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(separator)).join('\r\n')}\r\n`;
}

/** Offers `content` as a file download. */
export function downloadText(content: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
