import type { Config } from '../../config.ts';
import type { Executor } from '../../platform/db/database.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import type { EscCardType } from '../../adapters/esc-router/esc-router.types.ts';
import type { SyncPersonFacts, SyncSettings } from './domain/esc-sync-rules.ts';
import type { EscSyncDeps } from './esc-sync.service.ts';

/** The calls the ESC sync makes on the people context. */
export interface EscPeoplePort {
  get(id: string, executor?: Executor): Promise<{
    id: string; firstName: string; lastName: string; email: string | null; esi: string | null;
    academicLevel: number | null; rightsEnd: string | null;
  }>;
  consents(personId: string, executor?: Executor): Promise<{ esc: { granted: boolean } | null }>;
  list(query: { sort?: 'created_at'; order?: 'asc'; limit?: number; cursor?: string | undefined }): Promise<{ items: Array<{ id: string }>; nextCursor: string | null }>;
}

/** The calls the ESC sync makes on the cards context. */
export interface EscCardsPort {
  exportData(personId: string, executor?: Executor): Promise<{
    cards: Array<{
      id: string; escn: string | null; state: string; cardKind: 'physical' | 'virtual'; expiresAt: string | null;
      enabledAt: string | null; createdAt: string; history: Array<{ to: string; at: string }>;
    }>;
  }>;
}

/** The calls the ESC sync makes on the institution context. */
export interface EscInstitutionPort {
  find(executor?: Executor): Promise<{ pic: string; settings: { escDeleteDisabledCards: boolean } } | undefined>;
}

function isNotFound(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 404;
}

/**
 * Adapts the people, cards and institution services to what the ESC sync reads: the current
 * facts of one person, the institution-wide settings, and every person for a reconcile.
 */
export function escSyncPorts(
  people: EscPeoplePort,
  cards: EscCardsPort,
  institution: EscInstitutionPort,
  config: Pick<Config, 'escCardType' | 'escVirtualCardType'>,
): Pick<EscSyncDeps, 'loadFacts' | 'loadSettings' | 'candidates'> {
  return {
    async loadFacts(executor: Executor, personId: string): Promise<SyncPersonFacts> {
      const person = await people.get(personId, executor).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (!person) {
        return {
          personId, exists: false, esi: null, firstName: '', lastName: '', email: null, academicLevel: null, rightsEnd: null,
          escConsent: false, cards: [],
        };
      }
      const consents = await people.consents(personId, executor);
      const { cards: held } = await cards.exportData(personId, executor);
      return {
        personId,
        exists: true,
        esi: person.esi,
        firstName: person.firstName,
        lastName: person.lastName,
        email: person.email,
        academicLevel: person.academicLevel,
        rightsEnd: person.rightsEnd,
        escConsent: consents.esc?.granted === true,
        cards: held.map((card) => ({
          cardId: card.id,
          escn: card.escn,
          state: card.state,
          kind: card.cardKind,
          expiresAt: card.expiresAt,
          // The first enabling is the issue date; later re-enablings must not move it.
          issuedAt: (card.history.find((move) => move.to === 'ENABLED')?.at ?? card.enabledAt ?? card.createdAt).slice(0, 10),
        })),
      };
    },

    async loadSettings(executor: Executor): Promise<SyncSettings | undefined> {
      const found = await institution.find(executor);
      if (!found) return undefined;
      return {
        pic: found.pic,
        deleteDisabledCards: found.settings.escDeleteDisabledCards,
        cardType: config.escCardType as EscCardType,
        virtualCardType: config.escVirtualCardType as EscCardType,
      };
    },

    async *candidates(): AsyncIterable<string> {
      let cursor: string | undefined;
      do {
        const page = await people.list({ sort: 'created_at', order: 'asc', limit: 200, cursor });
        for (const person of page.items) yield person.id;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
}
