import type { CardRenderData } from '../domain/card-template.ts';
import { fontOfKey } from './card-fonts.ts';
import type { FaceScene, SceneItem, TextRun } from './face-scene.ts';

/**
 * A face scene as it crosses between threads: fonts by key, and images without their bytes (the
 * receiving side takes them from the card's own data, so that a template's logo stays one object
 * and the PDF embeds it once).
 */
export interface WireScene extends Omit<FaceScene, 'items'> {
  items: WireItem[];
}

type WireItem =
  | Exclude<SceneItem, { kind: 'text' } | { kind: 'image' }>
  | (Omit<Extract<SceneItem, { kind: 'text' }>, 'runs'> & { runs: Array<Omit<TextRun, 'font'> & { font: string }> })
  | Omit<Extract<SceneItem, { kind: 'image' }>, 'bytes'>;

export function wireScene(scene: FaceScene): WireScene {
  return {
    ...scene,
    items: scene.items.map((item): WireItem => {
      if (item.kind === 'text') return { ...item, runs: item.runs.map((run) => ({ ...run, font: run.font.key })) };
      if (item.kind === 'image') {
        const { bytes: _bytes, ...rest } = item;
        return rest;
      }
      return item;
    }),
  };
}

/** The scene back, its images' bytes taken from `data` (the data the scene was resolved from). */
export function unwireScene(scene: WireScene, data: CardRenderData): FaceScene {
  return {
    ...scene,
    items: scene.items.map((item): SceneItem => {
      if (item.kind === 'text') return { ...item, runs: item.runs.map((run) => ({ ...run, font: fontOfKey(run.font) })) };
      if (item.kind === 'image') {
        const bytes = 'photo' in item.source ? data.photo : data.images[item.source.assetId];
        if (!bytes) throw new Error('a scene image has no bytes in its card data');
        return { ...item, bytes };
      }
      return item;
    }),
  };
}
