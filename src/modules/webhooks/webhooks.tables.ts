import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/platform.tables.ts';

/** Delivery status of an endpoint: active, paused (entries accumulate), disabled (none written). */
export type WebhookEndpointStatus = 'active' | 'paused' | 'disabled';

/** A registered webhook endpoint (migration 0037). Secrets only encrypted, see webhooks.service.ts. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  /** null: the whole deployment (every institution's events). */
  institutionId: number | null;
  url: string;
  description: Generated<string>;
  /** Catalogue names or `<prefix>.*` wildcards. */
  eventNames: string[];
  /** Granted parts the endpoint receives (`holder`, `csn`). */
  grants: Generated<string[]>;
  status: Generated<WebhookEndpointStatus>;
  statusReason: string | null;
  secretEncrypted: string;
  secretHint: string;
  secretCreatedAt: Generated<Date>;
  previousSecretEncrypted: string | null;
  previousSecretHint: string | null;
  previousSecretExpiresAt: Timestamp | null;
  createdBy: string;
  createdAt: Generated<Date>;
  updatedBy: string;
  updatedAt: Generated<Date>;
}

export interface WebhooksTables {
  webhookEndpoints: WebhookEndpointsTable;
}
