import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CardRenderData } from '../src/modules/card-templates/domain/card-template.ts';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../src/modules/card-templates/domain/default-templates.ts';
import { writeBatchPdf, type BatchCard } from '../src/modules/card-templates/render/batch-pdf.ts';
import { rasteriseSvg, rasterSvg, renderFacePng } from '../src/modules/card-templates/render/card-render.ts';
import { sampleRenderData } from '../src/modules/card-templates/render/card-render.fixture.ts';
import { resolveFace } from '../src/modules/card-templates/render/face-scene.ts';
import type { BenchRow } from './bench-report.ts';

/** Options of {@link runRenderBench}. */
export interface RenderBenchOptions {
  /** Faces rendered to PNG for the per-face figure (default 200). */
  faces?: number;
  /** Cards of the duplex batch PDF (default 500, the figure). */
  batchCards?: number;
}

const FIRST_NAMES = ['Jean-Édouard', 'Zoé', 'Mohammed', 'Anne-Sophie', 'Łukasz', 'Chloé', 'Nguyễn Thị', 'Grégoire'];
const LAST_NAMES = ['Dupont-Garcìa', 'Martin', 'Benali', 'de la Fontaine-Marchand', 'Kowalski', 'Lefèvre', 'Tran', 'Saint-Exupéry'];

/** The sample card made distinct per index (names, numbers, ESCN, QR), its photo as the JPEG campuscard stores. */
function cardData(base: CardRenderData, photo: Uint8Array, index: number): CardRenderData {
  const escn = `${index.toString(16).padStart(8, '0')}-e5f6-4a1b-8c9d-0e1f2a3b4c5d`;
  return {
    ...base,
    photo,
    qrText: `https://router.europeanstudentcard.eu/${escn}`,
    fields: {
      ...base.fields,
      firstName: FIRST_NAMES[index % FIRST_NAMES.length]!, lastName: LAST_NAMES[(index * 3) % LAST_NAMES.length]!,
      studentNumber: String(22000000 + index), escn, secondaryId: String(2900000000000 + index), accessControlId: String(index).padStart(9, '0'),
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Card rendering in process: the PNG of a front face at 300 dpi, one after the other (latency)
 * and two at a time (throughput on the 2 cores), against the same run's baseline, the same
 * card's SVG rasterised and encoded alone (no data binding, text fitting, QR, photo scaling or
 * SVG writing); then a duplex batch PDF of `batchCards` cards streamed to a file, with the process's peak RSS.
 * Goals: < 25 ms a face; the 500-card PDF < 15 s.
 */
export async function runRenderBench(options: RenderBenchOptions = {}): Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const faces = options.faces ?? 200;
  const batchCards = options.batchCards ?? 500;
  const base = await sampleRenderData();
  const photo = new Uint8Array(await sharp(base.photo!).jpeg({ quality: 90 }).toBuffer());
  // Each card its own photo bytes (a tint apart), as in a real batch: the renderer's cache of
  // scaled images is then only of use for the logo, never for the photo.
  const photos = await Promise.all(Array.from({ length: faces }, async (_, index) => new Uint8Array(
    await sharp(base.photo!).modulate({ brightness: 0.9 + (index % 20) / 100, hue: index }).jpeg({ quality: 90 }).toBuffer())));
  const cards = Array.from({ length: faces }, (_, index) => cardData(base, photos[index]!, index));

  // Warm-up: fonts parsed, caches of shaped label texts filled, resvg and sharp loaded.
  for (const data of cards.slice(0, 10)) await renderFacePng(STUDENT_TEMPLATE.front, data, { dpi: 300 });

  // The SVG the renderer rasterises, made once.
  const baselineSvg = rasterSvg(resolveFace(STUDENT_TEMPLATE.front, cards[0]!), 300);
  const baselineTimes: number[] = [];
  const faceTimes: number[] = [];
  // Interleaved so that the machine's load weighs on both alike.
  for (const data of cards) {
    let started = performance.now();
    await rasteriseSvg(baselineSvg);
    baselineTimes.push(performance.now() - started);
    started = performance.now();
    await renderFacePng(STUDENT_TEMPLATE.front, data, { dpi: 300 });
    faceTimes.push(performance.now() - started);
  }
  const face = median(faceTimes);
  const baseline = median(baselineTimes);

  // Throughput: two renders in flight (resvg and sharp work in libuv's pool, on both cores).
  let started = performance.now();
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < cards.length) await renderFacePng(STUDENT_TEMPLATE.front, cards[next++]!, { dpi: 300 });
  }));
  const concurrentPerFace = (performance.now() - started) / cards.length;
  next = 0;
  started = performance.now();
  await Promise.all([0, 1].map(async () => {
    while (next < cards.length) { next += 1; await rasteriseSvg(baselineSvg); }
  }));
  const concurrentBaseline = (performance.now() - started) / cards.length;

  // The batch: cards made as the templates module feeds them, one at a time.
  const dir = mkdtempSync(join(tmpdir(), 'render-bench-'));
  const path = join(dir, 'batch.pdf');
  async function* batch(): AsyncIterable<BatchCard> {
    for (let index = 0; index < batchCards; index += 1) {
      const template = index % 5 === 4 ? STAFF_TEMPLATE : STUDENT_TEMPLATE;
      const data = cardData(base, photo, index);
      yield { front: { face: template.front, data }, back: { face: template.back!, data } };
    }
  }
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 20);
  started = performance.now();
  const { pages } = await writeBatchPdf(batch(), createWriteStream(path), { duplex: true });
  const pdfMs = performance.now() - started;
  clearInterval(sampler);
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  const pdfPages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const pageSize = /^Page size:\s+(.+)$/m.exec(info)?.[1]?.trim();
  const bytes = statSync(path).size;
  rmSync(dir, { recursive: true, force: true });
  if (pages !== batchCards * 2 || pdfPages !== pages) throw new Error(`batch PDF has ${pdfPages} pages, ${pages} written, ${batchCards * 2} expected`);

  const rows: BenchRow[] = [
    { metric: 'PNG 300 dpi, one face at a time (median)', value: face, unit: 'ms', baseline: { name: 'same SVG rasterised alone', value: baseline }, ratio: baseline / face, goal: '< 25 ms', pass: face < 25 },
    { metric: 'PNG 300 dpi, two at a time (per face)', value: concurrentPerFace, unit: 'ms', baseline: { name: 'same SVG rasterised alone, two at a time', value: concurrentBaseline }, ratio: concurrentBaseline / concurrentPerFace, goal: '< 25 ms', pass: concurrentPerFace < 25 },
    { metric: `batch PDF, ${batchCards} cards duplex (${pages} pages)`, value: pdfMs / 1000, unit: 's', goal: '< 15 s', pass: pdfMs < 15_000 },
    { metric: 'batch PDF, peak RSS during the batch', value: rssPeak / 1e6, unit: 'MB', goal: `bounded (before: ${Math.round(rssBefore / 1e6)} MB)`, pass: rssPeak - rssBefore < 300e6 },
    { metric: 'batch PDF, file size', value: bytes / 1e6, unit: 'MB', goal: 'reported', pass: true },
  ];
  return { rows, context: { faces, batchCards, pageSize, dpi: 300, pixels: '1011 x 638' } };
}
