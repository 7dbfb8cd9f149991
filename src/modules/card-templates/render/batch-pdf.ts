import { once } from 'node:events';
import sharp from 'sharp';
import { CARD_HEIGHT_MM, CARD_WIDTH_MM, type CardFaceLayout, type CardRenderData } from '../domain/card-template.ts';
import { cardPdfDocument, drawSceneOnPdf, PT_PER_MM } from './card-pdf.ts';
import { resolveFace } from './face-scene.ts';
import { imageInfo } from './image-info.ts';

/** One card of a print batch: its front, and its back or null (a blank back page in duplex). */
export interface BatchCard {
  front: { face: CardFaceLayout; data: CardRenderData };
  back: { face: CardFaceLayout; data: CardRenderData } | null;
}

/** The exact CR80 (ID-1) page size in points: 242.65 × 153.01. */
export const CR80_PAGE: [number, number] = [CARD_WIDTH_MM * PT_PER_MM, CARD_HEIGHT_MM * PT_PER_MM];

export interface BatchPdfOptions {
  /** Front then back pages for duplex printers; fronts only otherwise. */
  duplex: boolean;
  onProgress?: (cardsDone: number) => void;
}

/**
 * Writes a batch print file: one PDF page per card face at exact CR80 size (front then back when
 * duplex; a card without back gets a blank back page so that pages stay paired), vector shapes,
 * QR codes and barcodes, the card fonts embedded, photos as JPEG. Pages are streamed to `out` as
 * they are drawn and the next card is read only once `out` has taken them, so memory stays
 * bounded whatever the batch's size. Ends `out`; resolves with the page count once it finished.
 */
export async function writeBatchPdf(cards: AsyncIterable<BatchCard>, out: NodeJS.WritableStream, options: BatchPdfOptions): Promise<{ pages: number }> {
  const doc = cardPdfDocument({ info: { Title: 'campuscard print batch', Producer: 'campuscard', Creator: 'campuscard' } });
  let blocked = false;
  let failure: Error | null = null;
  doc.on('data', (chunk: Buffer) => {
    if (!out.write(chunk)) blocked = true;
  });
  const ended = once(doc, 'end');
  const onError = (error: Error) => { failure = error; };
  out.on('error', onError);
  let pages = 0;
  let done = 0;
  try {
    for await (const card of cards) {
      if (failure) throw failure;
      await addFace(doc, card.front);
      pages += 1;
      if (options.duplex) {
        if (card.back) await addFace(doc, card.back);
        else doc.addPage({ size: CR80_PAGE, margin: 0 });
        pages += 1;
      }
      done += 1;
      options.onProgress?.(done);
      if (blocked) {
        blocked = false;
        await once(out, 'drain');
      }
    }
    doc.end();
    await ended;
    out.end();
    await once(out, 'finish');
  } finally {
    out.off('error', onError);
  }
  if (failure) throw failure;
  return { pages };
}

async function addFace(doc: PDFKit.PDFDocument, side: { face: CardFaceLayout; data: CardRenderData }): Promise<void> {
  const data = side.data.photo ? { ...side.data, photo: await photoAsJpeg(side.data.photo) } : side.data;
  doc.addPage({ size: CR80_PAGE, margin: 0 });
  drawSceneOnPdf(doc, resolveFace(side.face, data));
}

/** A photo as JPEG (a PNG one is converted; the print is a photo, not a drawing). */
async function photoAsJpeg(photo: Uint8Array): Promise<Uint8Array> {
  const info = imageInfo(photo);
  if (!info || info.mime === 'image/jpeg') return photo;
  return new Uint8Array(await sharp(photo).flatten({ background: '#ffffff' }).jpeg({ quality: 92 }).toBuffer());
}
