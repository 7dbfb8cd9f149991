import sharp from 'sharp';
import type { CardRenderData } from '../domain/card-template.ts';
import { INSTITUTION_LOGO_ASSET } from '../domain/default-templates.ts';

/**
 * Sample card data for the render tests and benchmark: a generated photo (a silhouette, no real
 * person) and logo, drawn from raw pixels and stored as PNG so that they decode to the same
 * pixels everywhere.
 */
export async function sampleRenderData(overrides: Partial<CardRenderData['fields']> = {}): Promise<CardRenderData> {
  return {
    fields: {
      institutionName: 'Université Paris-Saclay — Campus d’Orsay',
      lastName: 'Dupont-Garcìa', firstName: 'Jean-Édouard', fullName: 'Jean-Édouard Dupont-Garcìa',
      personType: 'Étudiant', studentNumber: '22012345', expiresAt: '31/08/2027', academicYear: '2026-2027',
      escn: 'a1b2c3d4-e5f6-4a1b-8c9d-0e1f2a3b4c5d', secondaryId: '2900012345678', accessControlId: '000123456',
      csn: '04A1B2C3D4E5F6', ...overrides,
    },
    photo: await samplePhoto(),
    qrText: 'https://router.europeanstudentcard.eu/a1b2c3d4-e5f6-4a1b-8c9d-0e1f2a3b4c5d',
    images: { [INSTITUTION_LOGO_ASSET]: await sampleLogo() },
    language: 'fr',
  };
}

async function fromPixels(width: number, height: number, channels: 3 | 4, pixel: (x: number, y: number) => number[]): Promise<Uint8Array> {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) raw.set(pixel(x, y), (y * width + x) * channels);
  }
  return new Uint8Array(await sharp(raw, { raw: { width, height, channels } }).png().toBuffer());
}

/** A 350 × 450 portrait (3:4 is not the photo box's ratio, so the cover crop is exercised). */
export function samplePhoto(): Promise<Uint8Array> {
  return fromPixels(350, 450, 3, (x, y) => {
    const head = (x - 175) ** 2 + (y - 170) ** 2 < 85 ** 2;
    const body = y > 280 && Math.abs(x - 175) < (y - 180) * 0.9;
    if (head || body) return [70 + (y % 40), 90, 130];
    return [200 - Math.round(y / 10), 215, 232];
  });
}

/** A round white logo with a transparent background. */
export function sampleLogo(): Promise<Uint8Array> {
  return fromPixels(120, 120, 4, (x, y) => {
    const distance = Math.hypot(x - 60, y - 60);
    if (distance > 56) return [0, 0, 0, 0];
    return distance > 44 || (Math.abs(x - 60) < 8 && y > 30 && y < 90) ? [255, 255, 255, 255] : [255, 255, 255, 60];
  });
}
