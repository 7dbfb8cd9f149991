import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { unprocessable } from '../../platform/http/problem.ts';
import type { AuditEntryView } from '../audit/audit.service.ts';
import type { ConsentKind } from './people.tables.ts';
import { SYSTEM_READER, type PersonReader } from './people.policy.ts';
import * as repo from './people.repository.ts';
import type { ConsentDecision, ConsentState, ConsentTextView, ExportSection, PersonExport } from './people.service.ts';
import type { PersonStore } from './person-store.service.ts';

/** Consents and what is held about a person: decisions with their proof, imported decisions, the texts, the change history and the GDPR export. */
export function createPersonConsents(store: PersonStore) {
  const { deps, db, now, consentListeners, exportSections, load, consents, consentHistory, historyOf } = store;
  return {
    /** Current consent decisions of a person per kind (null: never decided); 404 if no such person. */
    consents,

    /**
     * Records a consent decision: the current state (person_consents) and the proof
     * (consent_events: time, channel, text version, locale, actor, address) in one transaction.
     * The text version must exist for that kind and locale (422 `unknown_consent_text`).
     * Consent listeners run when the granted state changes (including a first decision).
     */
    async setConsent(personId: string, decision: ConsentDecision, context: ActorContext): Promise<ConsentState> {
      return inTransaction(db, context, async (trx) => {
        await load(trx, personId);
        if (!(await repo.consentTextExists(trx, decision.kind, decision.textVersion, decision.locale))) {
          throw unprocessable('unknown_consent_text',
            `There is no ${decision.locale} text version ${decision.textVersion} for the ${decision.kind} consent`, { field: '/textVersion' });
        }
        const previous = await repo.findPersonConsentForUpdate(trx, personId, decision.kind);
        const at = now();
        const row = await repo.upsertPersonConsent(trx, {
          personId, kind: decision.kind, granted: decision.granted, textVersion: decision.textVersion, channel: decision.channel, decidedAt: at,
        });
        await repo.insertConsentEvent(trx, {
          personId, kind: decision.kind, granted: decision.granted, textVersion: decision.textVersion, locale: decision.locale,
          channel: decision.channel, actor: context.actor, ip: context.ip ?? null, at,
        });
        if (previous?.granted !== decision.granted) {
          for (const listener of consentListeners) await listener(trx, personId, decision.kind, decision.granted);
        }
        return { ...row, decidedAt: row.decidedAt.toISOString() };
      });
    },

    /**
     * Records consent decisions taken in another card office system, with their original dates,
     * in the caller's transaction, set-based: the current state (a stored decision newer than the
     * migrated one is kept) and the proof (`consent_events`, channel `import`, text version
     * `migrated`). No consent listener is called: the connectors already hold these decisions.
     */
    async keepImportedConsents(executor: Executor, decisions: ReadonlyArray<{ personId: string; kind: ConsentKind; granted: boolean; at: Date }>,
      context: ActorContext): Promise<void> {
      if (decisions.length === 0) return;
      await repo.keepImportedConsents(executor, decisions, context.actor);
    },

    /** The latest published consent text of each kind in a locale, with the personal data it covers. */
    async consentTexts(locale: 'fr' | 'en'): Promise<ConsentTextView[]> {
      return (await repo.latestConsentTexts(db, locale)).map((row) => ({
        ...row, publishedAt: row.publishedAt.toISOString(), fields: [...deps.consentDataFields[row.kind]],
      }));
    },

    /** Every consent decision of a person, oldest first; 404 if no such person. */
    consentHistory,

    /**
     * Changes of the person record and of the enrolments `reader` may see, from the audit log,
     * oldest first; 404 when the reader may not see the person.
     */
    async history(personId: string, reader: PersonReader = SYSTEM_READER): Promise<AuditEntryView[]> {
      return historyOf(await load(db, personId, reader), reader.scope);
    },

    /** Adds a named section to {@link exportData}; for the composition root (cards, photos). */
    addExportSection(name: string, section: ExportSection): void {
      if (exportSections.has(name) || ['exportedAt', 'person', 'consents', 'consentEvents', 'history'].includes(name)) {
        throw new Error(`Export section ${name} is already defined`);
      }
      exportSections.set(name, section);
    },

    /**
     * Everything held about a person, for the GDPR JSON export: the record with every enrolment,
     * consents and their proof, the change history of the record and its enrolments, then each
     * section other contexts registered.
     */
    async exportData(personId: string): Promise<PersonExport> {
      const person = await load(db, personId);
      const result: PersonExport = {
        exportedAt: now().toISOString(),
        person,
        consents: await consents(personId),
        consentEvents: await consentHistory(personId),
        history: await historyOf(person),
      };
      for (const [name, section] of exportSections) result[name] = await section(db, personId);
      return result;
    },
  };
}
