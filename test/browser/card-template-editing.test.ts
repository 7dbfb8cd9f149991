/**
 * The card template editor's pure part (web/src/office/card-template-editing.ts) against the
 * server's own rules: its copies of the card size, bleed and bound fields are the domain's; what a
 * drag or a resize makes is always a layout the server accepts; a new element of every kind passes
 * the layout schema; a 422's pointers lead back to the element at fault; elements are named for a
 * person (kind and data shown), not by their layout ids.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import {
  BOUND_FIELDS as SERVER_FIELDS, CARD_HEIGHT_MM as SERVER_HEIGHT, CARD_WIDTH_MM as SERVER_WIDTH, CardTemplateLayout as LayoutSchema,
} from '../../src/modules/card-templates/domain/card-template.ts';
import { STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { BLEED_MM as SERVER_BLEED, layoutProblems } from '../../src/modules/card-templates/domain/layout-problems.ts';
import {
  BLEED_MM, BOUND_FIELDS, CARD_HEIGHT_MM, CARD_WIDTH_MM, ELEMENT_KINDS, elementLabels, elementProblems, GRID_STEPS, moveTo, newElement, resizeTo, snap,
  updateElement, withFace, type CardTemplateLayout,
} from '../../web/src/office/card-template-editing.ts';

const ASSETS = new Set(['institution-logo']);

/** A small deterministic generator, so a failure is replayed exactly. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

test('the editor\'s card size, bleed and bound fields are the server\'s', () => {
  assert.equal(CARD_WIDTH_MM, SERVER_WIDTH);
  assert.equal(CARD_HEIGHT_MM, SERVER_HEIGHT);
  assert.equal(BLEED_MM, SERVER_BLEED);
  assert.deepEqual([...BOUND_FIELDS].sort(), [...SERVER_FIELDS].sort());
});

test('snapping rounds to the grid, and to 0.01 mm without one', () => {
  assert.equal(snap(14.3, 0.5), 14.5);
  assert.equal(snap(14.2, 0.5), 14);
  assert.equal(snap(14.6, 1), 15);
  assert.equal(snap(14.3333, 0), 14.33);
});

test('whatever the mouse does, a dragged or resized element stays where the server accepts it, on the grid', () => {
  const next = random(13);
  for (let run = 0; run < 400; run += 1) {
    const grid = GRID_STEPS[Math.floor(next() * GRID_STEPS.length)] ?? 0;
    const index = Math.floor(next() * STUDENT_TEMPLATE.front.elements.length);
    const element = STUDENT_TEMPLATE.front.elements[index];
    assert.ok(element);
    const x = next() * 200 - 60;
    const y = next() * 140 - 40;
    const moved = moveTo(element, x, y, grid);
    const resized = resizeTo(moved, next() * 200 - 60, next() * 140 - 40, grid);
    for (const changed of [moved, resized]) {
      const layout: CardTemplateLayout = updateElement(STUDENT_TEMPLATE, 'front', element.id, () => changed);
      assert.ok(Value.Check(LayoutSchema, layout), `schema, run ${run}`);
      assert.deepEqual(layoutProblems(layout, ASSETS), [], `run ${run}: ${JSON.stringify(changed)}`);
    }
    if (grid > 0 && moved.x + moved.width < CARD_WIDTH_MM + BLEED_MM && moved.x > 0) {
      assert.ok(Math.abs(moved.x / grid - Math.round(moved.x / grid)) < 1e-9, `x ${moved.x} on the ${grid} mm grid`);
    }
    assert.ok(resized.width >= 1 && resized.height >= 1, 'a handle stays grabbable');
  }
});

test('a new element of every kind passes the schema and the layout checks, with an id unique on its face', () => {
  let layout: CardTemplateLayout = STUDENT_TEMPLATE;
  for (const kind of [...ELEMENT_KINDS, ...ELEMENT_KINDS]) {
    const element = newElement(layout.front, kind, 'institution-logo');
    assert.ok(!layout.front.elements.some((other) => other.id === element.id), `${element.id} is new`);
    layout = withFace(layout, 'front', { ...layout.front, elements: [...layout.front.elements, element] });
  }
  assert.ok(Value.Check(LayoutSchema, layout));
  assert.deepEqual(layoutProblems(layout, ASSETS), []);
});

test('the faults of a 422 lead back to the elements at fault, by face and id', () => {
  const error = { code: 'invalid_layout', detail: 'Element photo goes past the card\'s edge', field: '/layout/front/elements/5', items: [
    { code: 'element_outside_card', message: 'Element photo goes past the card\'s edge', field: '/layout/front/elements/5' },
    { code: 'schema', message: 'Expected number', field: '/layout/back/elements/4/fontSize' },
    { code: 'schema', message: 'Expected object', field: '/layout' },
  ] };
  const found = elementProblems(error, STUDENT_TEMPLATE);
  assert.deepEqual(found.map(({ side, index, elementId, code }) => ({ side, index, elementId, code })), [
    { side: 'front', index: 5, elementId: STUDENT_TEMPLATE.front.elements[5]?.id, code: 'element_outside_card' },
    { side: 'back', index: 4, elementId: STUDENT_TEMPLATE.back?.elements[4]?.id, code: 'schema' },
  ]);
  assert.equal(found[0]?.elementId, 'photo');
});

test('layers and the inspector name elements by kind and data shown, in the interface\'s language, never by their ids', () => {
  const translateIn = (language: 'fr' | 'en') => {
    const messages: unknown = JSON.parse(readFileSync(new URL(`../../web/src/i18n/locales/office/${language}.json`, import.meta.url), 'utf8'));
    return (key: string): string => {
      const found = key.split('.').reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), messages);
      assert.equal(typeof found, 'string', `${language}: ${key}`);
      return found as string;
    };
  };
  const front = elementLabels(STUDENT_TEMPLATE.front.elements, translateIn('fr'), 'fr');
  assert.equal(front.get('band'), 'Forme 1');
  assert.equal(front.get('qr-ground'), 'Forme 2');
  assert.equal(front.get('footer'), 'Forme 3');
  assert.equal(front.get('logo'), 'Image · Logo de l’établissement');
  // The free text « ESCN » and the bound ESCN read alike: numbered in the face's order.
  assert.equal(front.get('escn-label'), 'Texte · ESCN 1');
  assert.equal(front.get('escn'), 'Texte · ESCN 2');
  assert.equal(front.get('last-name'), 'Texte · Nom');
  assert.equal(front.get('card-kind'), 'Texte · Carte d’étudiant');
  assert.equal(front.get('qr'), 'QR code ESC');
  const back = STUDENT_TEMPLATE.back;
  assert.ok(back);
  const backFr = elementLabels(back.elements, translateIn('fr'), 'fr');
  assert.equal(backFr.get('secondary-id'), 'Code-barres · Identifiant secondaire');
  assert.equal(backFr.get('notice-1'), 'Texte · Cette carte est…');
  assert.equal(elementLabels(back.elements, translateIn('en'), 'en').get('secondary-id'), 'Barcode · Secondary id');
  assert.equal(new Set(front.values()).size, STUDENT_TEMPLATE.front.elements.length, 'every element of a face has its own name');
});
