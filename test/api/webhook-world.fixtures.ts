/**
 * The world of the webhook API tests: a loopback receiver, an app that may deliver to it over
 * plain HTTP, institution 1 and a second one, and an admin of each.
 */
import { sql } from 'kysely';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { configureInstitution, createInstitution, institutionCode, officeClients, type CardsWorld } from './cards.fixtures.ts';

/** What {@link startWebhookWorld} starts. */
export interface WebhookWorld {
  w: CardsWorld;
  receiver: WebhookReceiver;
  /** Institution 1's code. */
  codeA: string;
  adminA: TestClient;
  /** The admin of the second institution only. */
  adminB: TestClient;
}

/** Starts the receiver and the app, and creates the second institution (`other`) and both admins. */
export async function startWebhookWorld(other: { code: string; name: string; pic: string }): Promise<WebhookWorld> {
  const receiver = await startWebhookReceiver();
  const t = await startTestApp({ env: { CONNECTOR_SECRETS_KEY: 'webhook-test-deployment-secret-of-32-characters-at-least', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } });
  await configureInstitution(t);
  const w = await officeClients(t);
  const codeA = await institutionCode(t, 1);
  await createInstitution(w, other);
  const adminA = await t.loginAs('admin', { institutions: [codeA] });
  const adminB = await t.loginAs('admin', { institutions: [other.code] });
  return { w, receiver, codeA, adminA, adminB };
}

/** Stops the app and the receiver. */
export async function closeWebhookWorld(world: Pick<WebhookWorld, 'w' | 'receiver'>): Promise<void> {
  await world.w.t.close();
  await world.receiver.close();
}

/** Marks every webhook delivery done, so that a test starts with nothing left to deliver by an earlier one. */
export async function settleWebhookDeliveries(world: Pick<WebhookWorld, 'w'>): Promise<void> {
  await sql`UPDATE sync_outbox SET status = 'done', done_at = now() WHERE connector = 'webhooks' AND status <> 'done'`.execute(world.w.t.runtime.database.db);
}
