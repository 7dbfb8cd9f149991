/**
 * The card templates module's print batches as printer jobs use them (PrintBatchesPort): the
 * printer reaches only batches of its institution and takes and confirms them as itself (an
 * encoding station of that institution, printerPrincipal), so the cards' history names it.
 */
import type { Executor } from '../../platform/db/database.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { PrintBatchesService } from '../card-templates/print-batches.service.ts';
import { printerPrincipal, type PrintBatchesPort, type PrinterCaller } from './printers.service.ts';

/** A batch whose file is made and whose cards still wait for the printer (a taken batch may be sent again after a failure). */
const SENDABLE = new Set(['ready', 'taken']);

/** Adapts the print batches service to the printers' port. */
export function printBatchesPort(batches: Pick<PrintBatchesService, 'get' | 'openFile' | 'markTaken' | 'confirmPrinted'>,
  institution: Pick<InstitutionService, 'byCode'>, executor: Executor): PrintBatchesPort {
  const reach = (caller: PrinterCaller) => ({ institutionIds: [caller.institutionId] });
  return {
    async describe(batchId, scope) {
      const batch = await batches.get(batchId, { institutionIds: scope.institutionIds === null ? null : [...scope.institutionIds] }).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404) return undefined;
        throw error;
      });
      if (!batch) return undefined;
      const institutionId = (await institution.byCode(executor, batch.institution))?.id;
      if (institutionId === undefined) return undefined;
      return {
        institutionId, title: `${batch.cardCount} card(s), ${batch.createdAt.slice(0, 10)}`,
        cards: batch.cardCount, pages: batch.pages ?? 0, duplex: batch.duplex, ready: SENDABLE.has(batch.status),
      };
    },
    async openFile(batchId, caller) {
      const file = await batches.openFile(batchId, reach(caller));
      return { stream: file.content, size: file.bytes > 0 ? file.bytes : null };
    },
    async markTaken(batchId, caller, context) {
      await batches.markTaken(batchId, { principal: printerPrincipal(caller), context });
    },
    async confirmPrinted(batchId, caller, context) {
      await batches.confirmPrinted(batchId, { principal: printerPrincipal(caller), context });
    },
  };
}
