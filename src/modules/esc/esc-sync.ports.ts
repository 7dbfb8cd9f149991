import type { Config } from '../../config.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { EscCardType } from '../../adapters/esc-router/esc-router.types.ts';
import type { SyncPersonFacts, SyncSettings } from './domain/esc-sync-rules.ts';
import type { PersonScope } from './esc-sync.repository.ts';
import type { EntryHolderFacts, EscSyncDeps } from './esc-sync.service.ts';

/** The calls the ESC sync makes on the people context. */
export interface EscPeoplePort {
  summariesWithConsent(ids: readonly string[], kind: 'esc', executor?: Executor): Promise<Array<{
    id: string; firstName: string; lastName: string; email: string | null; esi: string | null;
    academicLevel: number | null; rightsEnd: string | null; consentGranted: boolean;
  }>>;
  list(query: { sort?: 'created_at'; order?: 'asc'; limit?: number; cursor?: string | undefined }): Promise<{ items: Array<{ id: string }>; nextCursor: string | null }>;
  personIdsInScope(scope: readonly string[] | null): PersonScope | undefined;
  namesOf(ids: readonly string[]): Promise<Array<{ id: string; firstName: string; lastName: string; eppn: string }>>;
}

/** The calls the ESC sync makes on the cards context. */
export interface EscCardsPort {
  cardsForSync(personIds: readonly string[], executor?: Executor): Promise<Array<{
    id: string; personId: string; escn: string; state: string; cardKind: 'physical' | 'virtual'; expiresAt: string | null;
    createdAt: Date; firstEnabledAt: Date | null;
  }>>;
}

/** The calls the ESC sync makes on the institution context. */
export interface EscInstitutionPort {
  find(executor?: Executor): Promise<{ pic: string; settings: { escDeleteDisabledCards: boolean } } | undefined>;
}

function day(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString().slice(0, 10);
}

/**
 * Adapts the people, cards and institution services to what the ESC sync reads: the current
 * facts of a batch of persons (two queries whatever its size), the institution-wide settings,
 * every person for a reconcile, and for the operators' list the scope of a limited manager and
 * who the persons of a page are.
 */
export function escSyncPorts(
  people: EscPeoplePort,
  cards: EscCardsPort,
  institution: EscInstitutionPort,
  config: Pick<Config, 'escCardType' | 'escVirtualCardType'>,
): Pick<EscSyncDeps, 'loadFacts' | 'loadSettings' | 'candidates' | 'personIdsInScope' | 'loadHolders'> {
  return {
    async loadFacts(executor: Executor, personIds: readonly string[]): Promise<Map<string, SyncPersonFacts>> {
      const persons = await people.summariesWithConsent(personIds, 'esc', executor);
      const held = await cards.cardsForSync(persons.map((person) => person.id), executor);
      const facts = new Map<string, SyncPersonFacts>();
      for (const personId of personIds) {
        // A person that is gone keeps an entry: whatever was sent about them must be deleted.
        facts.set(personId, {
          personId, exists: false, esi: null, firstName: '', lastName: '', email: null, academicLevel: null, rightsEnd: null,
          escConsent: false, cards: [],
        });
      }
      for (const person of persons) {
        facts.set(person.id, {
          personId: person.id,
          exists: true,
          esi: person.esi,
          firstName: person.firstName,
          lastName: person.lastName,
          email: person.email,
          academicLevel: person.academicLevel,
          rightsEnd: person.rightsEnd,
          escConsent: person.consentGranted,
          cards: [],
        });
      }
      for (const card of held) {
        facts.get(card.personId)?.cards.push({
          cardId: card.id,
          escn: card.escn,
          state: card.state,
          kind: card.cardKind,
          expiresAt: card.expiresAt,
          // The first enabling is the issue date; later re-enablings must not move it.
          issuedAt: day(card.firstEnabledAt ?? card.createdAt),
        });
      }
      return facts;
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

    personIdsInScope(personTypes: readonly string[] | null): PersonScope | undefined {
      return people.personIdsInScope(personTypes);
    },

    async loadHolders(personIds: readonly string[]): Promise<Map<string, EntryHolderFacts>> {
      const [names, held] = await Promise.all([people.namesOf(personIds), cards.cardsForSync(personIds)]);
      const cardsOf = new Map<string, Array<EntryHolderFacts['cards'][number]>>();
      for (const card of held) {
        const list = cardsOf.get(card.personId) ?? [];
        list.push({ id: card.id, escn: card.escn, state: card.state, createdAt: card.createdAt });
        cardsOf.set(card.personId, list);
      }
      return new Map(names.map((name) => [name.id, { firstName: name.firstName, lastName: name.lastName, eppn: name.eppn, cards: cardsOf.get(name.id) ?? [] }]));
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
