import PDFDocument from 'pdfkit';
import { advanceEm, cardFonts, fontBytes, shapeRun } from './card-fonts.ts';
import type { FaceScene, SceneItem } from './face-scene.ts';

/**
 * The PDF backend: draws a resolved face scene on a pdfkit page as vectors (shapes, QR modules and
 * barcode bars as paths, texts in the embedded card fonts), photos and images as the JPEG or PNG
 * bytes they are. The scene is in millimetres; the page in points.
 */

export const PT_PER_MM = 72 / 25.4;

/** A pdfkit document with the card fonts registered under their keys. */
export function cardPdfDocument(options: PDFKit.PDFDocumentOptions = {}): PDFKit.PDFDocument {
  const doc = new PDFDocument({ autoFirstPage: false, margin: 0, compress: true, ...options });
  for (const font of cardFonts()) doc.registerFont(font.key, fontBytes(font));
  return doc;
}

// pdfkit reuses an opened image when given the object back (one XObject for 500 cards' logo).
interface OpenedImage { width: number; height: number }
type ImageOpener = { openImage(src: Buffer): OpenedImage; image(src: OpenedImage, x: number, y: number, options: { width: number; height: number }): unknown };
const openedImages = new WeakMap<PDFKit.PDFDocument, WeakMap<Uint8Array, OpenedImage>>();

function openedImage(doc: PDFKit.PDFDocument, bytes: Uint8Array): OpenedImage {
  let cache = openedImages.get(doc);
  if (!cache) {
    cache = new WeakMap();
    openedImages.set(doc, cache);
  }
  let image = cache.get(bytes);
  if (!image) {
    image = (doc as unknown as ImageOpener).openImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    cache.set(bytes, image);
  }
  return image;
}

/** Draws `scene` on the current page of `doc`, its top-left corner at the page's. */
export function drawSceneOnPdf(doc: PDFKit.PDFDocument, scene: FaceScene): void {
  doc.save();
  doc.transform(PT_PER_MM, 0, 0, PT_PER_MM, 0, 0);
  doc.rect(0, 0, scene.width, scene.height).fill(scene.background);
  for (const item of scene.items) drawItem(doc, item);
  doc.restore();
}

function drawItem(doc: PDFKit.PDFDocument, item: SceneItem): void {
  switch (item.kind) {
    case 'rect': {
      const shape = () => (item.radius > 0
        ? doc.roundedRect(item.x, item.y, item.width, item.height, item.radius)
        : doc.rect(item.x, item.y, item.width, item.height));
      if (item.fill) shape().fill(item.fill);
      if (item.stroke) {
        doc.save();
        doc.lineWidth(item.stroke.width);
        if (item.stroke.dash) doc.dash(item.stroke.dash, { space: item.stroke.dash });
        shape().stroke(item.stroke.color);
        doc.restore();
      }
      return;
    }
    case 'text': {
      let x = item.x;
      doc.fillColor(item.color, item.opacity);
      for (const run of item.runs) {
        doc.font(run.font.key).fontSize(item.size);
        // pdfkit lays a text out word by word, left to right: a right-to-left run would come out
        // with its words in reading order from the left. Each word is placed here instead, in the
        // visual order fontkit gave the SVG.
        const pieces = run.text.split(/(\s+)/u).filter((piece) => piece !== '');
        let pen = x;
        for (const piece of shapeRun(run.font, run.text).rtl ? pieces.reverse() : pieces) {
          if (!/^\s+$/u.test(piece)) doc.text(piece, pen, item.baseline, { lineBreak: false, baseline: 'alphabetic' });
          pen += advanceEm(run.font, piece) * item.size;
        }
        x += run.width;
      }
      doc.fillOpacity(1);
      return;
    }
    case 'image': {
      doc.save();
      const { clip } = item;
      (clip.radius > 0 ? doc.roundedRect(clip.x, clip.y, clip.width, clip.height, clip.radius) : doc.rect(clip.x, clip.y, clip.width, clip.height)).clip();
      (doc as unknown as ImageOpener).image(openedImage(doc, item.bytes), item.x, item.y, { width: item.width, height: item.height });
      doc.restore();
      return;
    }
    case 'cells': {
      for (const [x, y, width, height] of item.cells) doc.rect(x, y, width, height);
      doc.fill(item.color);
      return;
    }
  }
}
