/**
 * Worker thread of a batch print file (see `writeBatchPdf`): resolves the faces of the cards the
 * main thread sends (text fitting, shaping, QR codes: about 40% of a batch's work) while the main
 * thread draws the pages of the cards before, so that a batch uses both cores. Protocol:
 * - main → worker: `{ id, sides }`, the faces of one card (a null side is a blank page), each
 *   face layout sent whole the first time only, then by its number (so that the worker keeps one
 *   object per layout, and with it the fitted texts it caches per layout element);
 * - worker → main: `{ id, scenes }` in the same order (null for a null side), each scene as
 *   `wireScene` makes it (fonts by key, no image bytes: the main thread has them), or
 *   `{ id, error }` (the message of what failed).
 * The fonts' paths come in `workerData` (the bundle has no import.meta to find them).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CardFaceLayout, CardRenderData } from '../domain/card-template.ts';
import { useFontFiles } from './card-fonts.ts';
import { resolveFace } from './face-scene.ts';
import { wireScene, type WireScene } from './scene-wire.ts';

export interface SceneRequest {
  id: number;
  sides: Array<{ faceId: number; face?: CardFaceLayout; data: CardRenderData } | null>;
}

export type SceneReply = { id: number; scenes: Array<WireScene | null> } | { id: number; error: string };

useFontFiles((workerData as { fontFiles: Record<string, string> }).fontFiles);
const faces = new Map<number, CardFaceLayout>();

function faceOf(side: { faceId: number; face?: CardFaceLayout }): CardFaceLayout {
  if (side.face) faces.set(side.faceId, side.face);
  const face = faces.get(side.faceId);
  if (!face) throw new Error(`face layout ${side.faceId} was never sent`);
  return face;
}

parentPort!.on('message', (request: SceneRequest) => {
  let reply: SceneReply;
  try {
    reply = { id: request.id, scenes: request.sides.map((side) => (side ? wireScene(resolveFace(faceOf(side), side.data)) : null)) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
