import type { CardElement, CardFaceLayout, CardTemplateLayout, TextElement } from './card-template.ts';

/**
 * The templates a new institution starts with, in the spirit of the web card face: a band in the
 * institution's colour with its logo, name and the holder's type; the photo, names, validity,
 * ESCN and the ESC QR code on the front; the secondary id's barcode (library), the access-control
 * id and the place of the ESC hologram sticker on the back. The logo is the image asset
 * `INSTITUTION_LOGO_ASSET`; without it the band shows the name alone.
 */

/** Asset id under which the renderer expects the institution's logo. */
export const INSTITUTION_LOGO_ASSET = 'institution-logo';

const INK = '#1b2430';
const MUTED = '#5b6675';

function text(id: string, box: Pick<TextElement, 'x' | 'y' | 'width' | 'height'>, content: Partial<TextElement>): TextElement {
  return {
    kind: 'text', id, ...box, field: null, text: null, font: 'sans', fontSize: 7, bold: false, italic: false,
    uppercase: false, color: INK, align: 'start', overflow: 'shrink', minFontSize: 4.5, ...content,
  };
}

function front(primary: string, kind: { fr: string; en: string }): CardFaceLayout {
  const elements: CardElement[] = [
    { kind: 'shape', id: 'band', x: 0, y: 0, width: 85.6, height: 11.5, fill: primary, cornerRadius: 0 },
    { kind: 'image', id: 'logo', x: 3, y: 1.5, width: 8.5, height: 8.5, assetId: INSTITUTION_LOGO_ASSET, fit: 'contain' },
    text('institution', { x: 13, y: 1.4, width: 55, height: 5 }, { field: 'institutionName', fontSize: 9, bold: true, color: '#ffffff', minFontSize: 5 }),
    text('card-kind', { x: 13, y: 6.4, width: 55, height: 3.6 }, { text: kind, fontSize: 6, uppercase: true, color: '#ffffff', minFontSize: 4 }),
    text('person-type', { x: 68, y: 3.8, width: 15, height: 4 }, { field: 'personType', fontSize: 6.5, bold: true, uppercase: true, color: '#ffffff', align: 'end', minFontSize: 4 }),
    { kind: 'photo', id: 'photo', x: 4, y: 14.5, width: 22, height: 28, cornerRadius: 1.2 },
    text('last-name', { x: 29.5, y: 14.5, width: 36, height: 5.2 }, { field: 'lastName', fontSize: 11, bold: true, uppercase: true, minFontSize: 5.5 }),
    text('first-name', { x: 29.5, y: 19.8, width: 36, height: 4.8 }, { field: 'firstName', fontSize: 10, minFontSize: 5.5 }),
    text('student-number', { x: 29.5, y: 26.5, width: 36, height: 3.4 }, { field: 'studentNumber', text: { fr: 'N°\u00a0:', en: 'No.:' }, fontSize: 6.5, color: MUTED }),
    text('valid-until', { x: 29.5, y: 30.4, width: 36, height: 3.4 }, { field: 'expiresAt', text: { fr: 'Valable jusqu’au\u00a0:', en: 'Valid until:' }, fontSize: 6.5, color: MUTED }),
    text('academic-year', { x: 29.5, y: 34.3, width: 36, height: 3.4 }, { field: 'academicYear', text: { fr: 'Année\u00a0:', en: 'Year:' }, fontSize: 6.5, color: MUTED }),
    { kind: 'shape', id: 'qr-ground', x: 67.5, y: 14.5, width: 15.5, height: 15.5, fill: '#ffffff', cornerRadius: 0.8 },
    { kind: 'qr', id: 'qr', x: 68, y: 15, width: 14.5, height: 14.5, color: '#000000' },
    text('escn-label', { x: 4, y: 45.2, width: 20, height: 3 }, { text: { fr: 'ESCN', en: 'ESCN' }, fontSize: 5.5, bold: true, color: MUTED }),
    text('escn', { x: 4, y: 48.2, width: 62, height: 3.4 }, { field: 'escn', font: 'mono', fontSize: 6.5, minFontSize: 4 }),
    { kind: 'shape', id: 'footer', x: 0, y: 52.3, width: 85.6, height: 1.68, fill: primary, cornerRadius: 0 },
  ];
  return { background: '#ffffff', elements };
}

function back(primary: string): CardFaceLayout {
  const elements: CardElement[] = [
    { kind: 'shape', id: 'stripe', x: 0, y: 0, width: 85.6, height: 3, fill: primary, cornerRadius: 0 },
    text('institution', { x: 4, y: 5, width: 60, height: 4.2 }, { field: 'institutionName', fontSize: 8, bold: true, minFontSize: 5 }),
    text('notice-1', { x: 4, y: 10, width: 60, height: 3 }, {
      text: { fr: 'Cette carte est personnelle. Si vous la trouvez,', en: 'This card is personal. If you find it,' }, fontSize: 5.5, color: MUTED, minFontSize: 4,
    }),
    text('notice-2', { x: 4, y: 13, width: 60, height: 3 }, {
      text: { fr: 'merci de la rapporter à l’établissement.', en: 'please return it to the institution.' }, fontSize: 5.5, color: MUTED, minFontSize: 4,
    }),
    { kind: 'barcode', id: 'secondary-id', x: 4, y: 20, width: 52, height: 16, symbology: 'code128', field: 'secondaryId', showText: true, color: '#000000' },
    text('access-control-id', { x: 4, y: 39, width: 52, height: 3.4 }, { field: 'accessControlId', text: { fr: 'Accès\u00a0:', en: 'Access:' }, font: 'mono', fontSize: 6, color: MUTED }),
    { kind: 'hologram', id: 'hologram', x: 66, y: 20, width: 15, height: 15 },
    text('csn', { x: 4, y: 48, width: 52, height: 3 }, { field: 'csn', text: { fr: 'CSN', en: 'CSN' }, font: 'mono', fontSize: 5, color: MUTED }),
  ];
  return { background: '#ffffff', elements };
}

/** The student card: the web face's blue. */
export const STUDENT_TEMPLATE: CardTemplateLayout = {
  front: front('#1d4f91', { fr: 'Carte d’étudiant', en: 'Student card' }),
  back: back('#1d4f91'),
};

/** The staff card: same layout, a darker band, so that the two are told apart at a glance. */
export const STAFF_TEMPLATE: CardTemplateLayout = {
  front: front('#5a2a58', { fr: 'Carte professionnelle', en: 'Staff card' }),
  back: back('#5a2a58'),
};
