/**
 * Shared set-up of the cards API tests: an institution, persons, office clients, and a helper
 * that walks a card through the lifecycle with the role each step needs.
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { sql } from 'kysely';
import type { TestApp, TestClient } from '../helpers/test-app.ts';
import type { InstitutionSettings } from '../../src/modules/institution/domain/institution-settings.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';
import type { CardDetailView, CardView } from '../../src/modules/cards/cards.service.ts';

export interface CardsWorld {
  t: TestApp;
  admin: TestClient;
  manager: TestClient;
  station: TestClient;
  deliverer: TestClient;
  viewer: TestClient;
}

let counter = 0;

/** Sets the institution up (PIC for ESCNs) with optional card settings. */
export async function configureInstitution(t: TestApp, settings: Partial<InstitutionSettings> = {}): Promise<void> {
  await t.runtime.services.institution.save({
    name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
    settings,
  }, { actor: 'test' });
}

/** Logs in one client per office role. */
export async function officeClients(t: TestApp): Promise<CardsWorld> {
  return {
    t,
    admin: await t.loginAs('admin'),
    manager: await t.loginAs('manager'),
    station: await t.tokenClient('station'),
    deliverer: await t.loginAs('deliverer'),
    viewer: await t.loginAs('viewer'),
  };
}

/**
 * Creates an institution or a federation through the admin API (as the unrestricted admin);
 * answers its id. `body` is the API's: code, name, kind, parent (code), pic, settings.
 */
export async function createInstitution(world: CardsWorld, body: { code: string; name: string } & Record<string, unknown>): Promise<number> {
  const response = await world.admin.post('/api/v1/institutions', body);
  assert.equal(response.status, 201, response.text);
  return institutionId(world.t, body.code);
}

/** The id of the institution with this code. */
export async function institutionId(t: TestApp, code: string): Promise<number> {
  const result = await sql<{ id: number }>`SELECT id FROM institutions WHERE code = ${code}`.execute(t.runtime.database.db);
  const id = result.rows[0]?.id;
  assert.ok(id !== undefined, `no institution ${code}`);
  return Number(id);
}

/** The code of the institution with this id. */
export async function institutionCode(t: TestApp, id: number): Promise<string> {
  const result = await sql<{ code: string }>`SELECT code FROM institutions WHERE id = ${id}`.execute(t.runtime.database.db);
  const code = result.rows[0]?.code;
  assert.ok(code !== undefined, `no institution ${id}`);
  return code;
}

/** Creates a person (a student unless said otherwise); `institution` (a code) enrols them there. */
export async function createPerson(t: TestApp, extra: Record<string, unknown> = {}): Promise<PersonView> {
  const login = `p${++counter}x${process.pid}`;
  return t.runtime.services.people.create({
    eppn: `${login}@univ.example.fr`, lastName: `Nom${login}`, firstName: 'Prénom', personType: 'student',
    email: `${login}@mail.example.org`, ...extra,
  }, { actor: 'test' });
}

/** A logged-in cardholder for a person. */
export async function holderClient(t: TestApp, personId: string): Promise<TestClient> {
  return t.loginAs('cardholder', { personId });
}

/** A JPEG the photo pipeline accepts. */
export async function jpeg(width = 300, height = 400): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 120, g: 140, b: 160 } } }).jpeg().toBuffer();
}

/** Requests a card for the person as the manager (at `institution`, a code, if given); answers the new card. */
export async function requestCard(world: CardsWorld, personId: string, client: TestClient = world.manager, institution?: string): Promise<CardDetailView> {
  const response = await client.post<CardDetailView>('/api/v1/cards', { personId, cardKind: 'physical', ...(institution ? { institution } : {}) });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

/** Moves a card and insists it worked. */
export async function move(client: TestClient, cardId: string, to: string, extra: Record<string, unknown> = {}): Promise<CardView> {
  const response = await client.post<CardView>(`/api/v1/cards/${cardId}/moves`, { to, ...extra });
  assert.equal(response.status, 200, `${to}: ${response.text}`);
  assert.equal(response.body.state, to);
  return response.body;
}

let csnCounter = 0x10000000;

/** A fresh 4-byte CSN in hex. */
export function freshCsn(): string {
  csnCounter += 1 + (process.pid % 7);
  return csnCounter.toString(16).toUpperCase().padStart(8, '0');
}

/** Walks a NEW card to ENCODED: checked, printed, taken by the station, encoded with `csn`. */
export async function encode(world: CardsWorld, cardId: string, csn = freshCsn()): Promise<CardView> {
  await move(world.manager, cardId, 'REQUEST_CHECKED');
  await move(world.station, cardId, 'IN_PRINT');
  await move(world.station, cardId, 'PRINTED');
  await move(world.station, cardId, 'IN_ENCODE');
  const encoded = await world.station.post<CardView>(`/api/v1/cards/${cardId}/csn`, { csn, form: 'hex' });
  assert.equal(encoded.status, 200, encoded.text);
  return encoded.body;
}

/** Requests a card for the person (at `institution`, a code, if given) and walks it to ENABLED. */
export async function enabledCard(world: CardsWorld, personId: string, institution?: string): Promise<CardView> {
  const card = await requestCard(world, personId, world.manager, institution);
  await encode(world, card.id);
  return move(world.manager, card.id, 'ENABLED');
}

/** The card's current state, read as the admin. */
export async function stateOf(world: CardsWorld, cardId: string): Promise<string> {
  const response = await world.admin.get<CardView>(`/api/v1/cards/${cardId}`);
  assert.equal(response.status, 200, response.text);
  return response.body.state;
}
