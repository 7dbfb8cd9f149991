import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../domain/default-templates.ts';
import { writeBatchPdf, type BatchCard } from './batch-pdf.ts';
import { sampleRenderData } from './card-render.fixture.ts';

async function* batchOf(cards: BatchCard[]): AsyncIterable<BatchCard> {
  yield* cards;
}

describe('batch print PDF', () => {
  it('writes one CR80 page per face, front then back, a blank back for a card without one (checked by pdfinfo)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'batch-pdf-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const data = await sampleRenderData();
    const cards: BatchCard[] = [
      { front: { face: STUDENT_TEMPLATE.front, data }, back: { face: STUDENT_TEMPLATE.back!, data } },
      { front: { face: STAFF_TEMPLATE.front, data }, back: { face: STAFF_TEMPLATE.back!, data } },
      { front: { face: STUDENT_TEMPLATE.front, data }, back: null },
    ];
    const progress: number[] = [];
    const path = join(dir, 'duplex.pdf');
    const result = await writeBatchPdf(batchOf(cards), createWriteStream(path), { duplex: true, onProgress: (done) => progress.push(done) });
    assert.deepEqual([result.pages, progress], [6, [1, 2, 3]]);

    const info = execFileSync('pdfinfo', ['-f', '1', '-l', '6', path], { encoding: 'utf8' });
    assert.match(info, /^Pages:\s+6$/m);
    const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+(.+)$/gm)].map((match) => match[1]!.trim());
    assert.deepEqual(sizes, Array(6).fill('242.646 x 153.014 pts'));

    // The card fonts are embedded (subsets), the photo is a JPEG, the QR code and bars are paths.
    const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' });
    assert.match(fonts, /DejaVuSans-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    const images = execFileSync('pdfimages', ['-list', path], { encoding: 'utf8' }).split('\n').slice(2).filter((line) => line.trim() !== '');
    const photos = images.filter((line) => /\bjpeg\b/.test(line));
    assert.equal(photos.length, 3, images.join('\n'));
    // The blank back page (6) carries no drawing at all.
    const text = execFileSync('pdftotext', ['-f', '6', '-l', '6', path, '-'], { encoding: 'utf8' });
    assert.equal(text.replace(/\f/g, '').trim(), '');
    const front = execFileSync('pdftotext', ['-f', '1', '-l', '1', path, '-'], { encoding: 'utf8' });
    assert.match(front, /DUPONT-GARCÌA/);

    const simplex = join(dir, 'simplex.pdf');
    assert.equal((await writeBatchPdf(batchOf(cards), createWriteStream(simplex), { duplex: false, workers: 0 })).pages, 3);
    assert.match(execFileSync('pdfinfo', [simplex], { encoding: 'utf8' }), /^Pages:\s+3$/m);
  });

  it('embeds the Korean and Chinese faces a name needs, and its text reads back (pdffonts, pdftotext)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'batch-pdf-scripts-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const data = await sampleRenderData({ firstName: '민준 李', lastName: 'Kim' });
    const path = join(dir, 'scripts.pdf');
    await writeBatchPdf(batchOf([{ front: { face: STUDENT_TEMPLATE.front, data }, back: null }]), createWriteStream(path), { duplex: false, workers: 0 });
    const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' });
    for (const name of ['NotoSansKR', 'NotoSansSC']) assert.match(fonts, new RegExp(`${name}\\S*\\s+CID TrueType\\s+Identity-H\\s+yes\\s+yes`), fonts);
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
    assert.match(text, /민준/);
    assert.match(text, /李/);
  });
});
