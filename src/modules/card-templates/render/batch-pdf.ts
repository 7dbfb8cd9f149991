import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { startModuleWorker } from '../../../platform/concurrency/module-worker.ts';
import { CARD_HEIGHT_MM, CARD_WIDTH_MM, type CardFaceLayout, type CardRenderData } from '../domain/card-template.ts';
import { cardFonts } from './card-fonts.ts';
import { cardPdfDocument, drawSceneOnPdf, PT_PER_MM } from './card-pdf.ts';
import { resolveFace, type FaceScene } from './face-scene.ts';
import type { SceneReply, SceneRequest } from './face-scene.worker.ts';
import { imageInfo } from './image-info.ts';
import { unwireScene } from './scene-wire.ts';

/** One card of a print batch: its front, and its back or null (a blank back page in duplex). */
export interface BatchCard {
  front: { face: CardFaceLayout; data: CardRenderData };
  back: { face: CardFaceLayout; data: CardRenderData } | null;
}

type Side = { face: CardFaceLayout; data: CardRenderData };

/** The exact CR80 (ID-1) page size in points: 242.65 × 153.01. */
export const CR80_PAGE: [number, number] = [CARD_WIDTH_MM * PT_PER_MM, CARD_HEIGHT_MM * PT_PER_MM];

export interface BatchPdfOptions {
  /** Front then back pages for duplex printers; fronts only otherwise. */
  duplex: boolean;
  onProgress?: (cardsDone: number) => void;
  /**
   * Worker threads resolving faces while the main thread draws pages: by default one per core,
   * at most two (on this 2-core machine, 300 duplex cards took 10.3 s with none, 8.0 s with one,
   * 5.9 s with two); 0 resolves on the main thread.
   */
  workers?: number;
}

/**
 * Cards read and resolved ahead of the page being drawn: enough to keep the workers busy, few
 * enough that memory does not depend on the batch's size (a card's data is a photo of ~30 KB).
 */
const CARDS_AHEAD = 16;

/**
 * Writes a batch print file: one PDF page per card face at exact CR80 size (front then back when
 * duplex; a card without back gets a blank back page so that pages stay paired), vector shapes,
 * QR codes and barcodes, the card fonts embedded, photos as JPEG. Faces are resolved in worker
 * threads while the main thread draws (pdfkit writes one document, in order); pages are streamed
 * to `out` as they are drawn and at most `CARDS_AHEAD` cards are read ahead, waiting for `out`
 * to drain, so memory stays bounded whatever the batch's size. Ends `out`; resolves with the
 * page count once it finished.
 */
export async function writeBatchPdf(cards: AsyncIterable<BatchCard>, out: NodeJS.WritableStream, options: BatchPdfOptions): Promise<{ pages: number }> {
  const workers = options.workers ?? Math.min(2, availableParallelism());
  const resolver = workers > 0 ? await workerResolver(workers) : inlineResolver;
  const doc = cardPdfDocument({ info: { Title: 'campuscard print batch', Producer: 'campuscard', Creator: 'campuscard' } });
  // pdfkit emits its data on later ticks: the wait for 'drain' starts when a write is refused,
  // or a drain that came meanwhile would be missed.
  let drained: Promise<unknown> | null = null;
  let failure: Error | null = null;
  doc.on('data', (chunk: Buffer) => {
    if (!out.write(chunk) && !drained) drained = once(out, 'drain').catch(() => undefined);
  });
  const ended = once(doc, 'end');
  const onError = (error: Error) => { failure = error; };
  out.on('error', onError);
  const iterator = cards[Symbol.asyncIterator]();
  let exhausted = false;
  const ahead: Array<Promise<Array<{ side: Side; scene: FaceScene } | null>>> = [];
  const readAhead = async () => {
    while (!exhausted && ahead.length < CARDS_AHEAD) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const sides = options.duplex ? [next.value.front, next.value.back] : [next.value.front];
      const prepared = prepareSides(sides, resolver);
      // Awaited in turn below; a failure before its turn must not be an unhandled rejection.
      prepared.catch(() => undefined);
      ahead.push(prepared);
    }
  };
  let pages = 0;
  let done = 0;
  try {
    await readAhead();
    while (ahead.length > 0) {
      if (failure) throw failure;
      for (const face of await ahead.shift()!) {
        doc.addPage({ size: CR80_PAGE, margin: 0 });
        if (face) drawSceneOnPdf(doc, face.scene);
        pages += 1;
      }
      done += 1;
      options.onProgress?.(done);
      if (drained) {
        await drained;
        drained = null;
      }
      await readAhead();
    }
    doc.end();
    await ended;
    out.end();
    await once(out, 'finish');
  } finally {
    out.off('error', onError);
    await resolver.close();
    if (!exhausted) await iterator.return?.();
  }
  if (failure) throw failure;
  return { pages };
}

async function prepareSides(sides: Array<Side | null>, resolver: SceneResolver): Promise<Array<{ side: Side; scene: FaceScene } | null>> {
  const converted = await Promise.all(sides.map(async (side) => (side?.data.photo ? { ...side, data: { ...side.data, photo: await photoAsJpeg(side.data.photo) } } : side)));
  const scenes = await resolver.resolve(converted);
  return converted.map((side, index) => (side ? { side, scene: scenes[index]! } : null));
}

/** A photo as JPEG (a PNG one is converted; the print is a photo, not a drawing). */
async function photoAsJpeg(photo: Uint8Array): Promise<Uint8Array> {
  const info = imageInfo(photo);
  if (!info || info.mime === 'image/jpeg') return photo;
  return new Uint8Array(await sharp(photo).flatten({ background: '#ffffff' }).jpeg({ quality: 92 }).toBuffer());
}

interface SceneResolver {
  /** The scenes of a card's sides, null for a null side. */
  resolve(sides: Array<Side | null>): Promise<Array<FaceScene | null>>;
  close(): Promise<void>;
}

const inlineResolver: SceneResolver = {
  resolve: async (sides) => sides.map((side) => (side ? resolveFace(side.face, side.data) : null)),
  close: async () => undefined,
};

/** Resolves cards in `count` worker threads, in turn. */
async function workerResolver(count: number): Promise<SceneResolver> {
  const fontFiles = Object.fromEntries(cardFonts().map((font) => [font.key, font.path]));
  const pool: Worker[] = [];
  const pending = new Map<number, { sides: Array<Side | null>; resolve: (scenes: Array<FaceScene | null>) => void; reject: (error: Error) => void }>();
  let broken: Error | null = null;
  const failAll = (error: Error) => {
    broken ??= error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  try {
    for (let index = 0; index < count; index += 1) {
      const worker = await startModuleWorker(new URL('./face-scene.worker.ts', import.meta.url), { workerData: { fontFiles } });
      worker.on('message', (reply: SceneReply) => {
        const request = pending.get(reply.id);
        if (!request) return;
        pending.delete(reply.id);
        if ('error' in reply) request.reject(new Error(`card face resolution failed: ${reply.error}`));
        else {
          try {
            request.resolve(reply.scenes.map((scene, side) => (scene ? unwireScene(scene, request.sides[side]!.data) : null)));
          } catch (error) {
            request.reject(error as Error);
          }
        }
      });
      worker.on('error', failAll);
      worker.on('exit', (code) => { if (pending.size > 0) failAll(new Error(`card render worker exited (${code})`)); });
      pool.push(worker);
    }
  } catch (error) {
    await Promise.all(pool.map((worker) => worker.terminate()));
    throw error;
  }
  let nextId = 0;
  let nextFaceId = 0;
  const faceIds = new WeakMap<CardFaceLayout, number>();
  const sentFaces = pool.map(() => new Set<number>());
  return {
    resolve: (sides) => new Promise((resolve, reject) => {
      if (broken) {
        reject(broken);
        return;
      }
      const id = nextId++;
      pending.set(id, { sides, resolve, reject });
      const worker = id % pool.length;
      const request: SceneRequest = {
        id,
        sides: sides.map((side) => {
          if (!side) return null;
          let faceId = faceIds.get(side.face);
          if (faceId === undefined) {
            faceId = nextFaceId++;
            faceIds.set(side.face, faceId);
          }
          if (sentFaces[worker]!.has(faceId)) return { faceId, data: side.data };
          sentFaces[worker]!.add(faceId);
          return { faceId, face: side.face, data: side.data };
        }),
      };
      pool[worker]!.postMessage(request);
    }),
    close: async () => {
      await Promise.all(pool.map((worker) => worker.terminate()));
    },
  };
}
