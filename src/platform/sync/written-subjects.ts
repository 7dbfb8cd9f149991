import type { Executor } from '../db/database.ts';
import type { Subject } from './sync-outbox.repository.ts';

/** What a connector's listeners already wrote in one transaction. */
export interface WrittenSubjects {
  subjects: Subject[];
  /** Persons written for every institution concerned. */
  everyInstitution: Set<string>;
}

/**
 * Remembers, per transaction, the subjects a connector's change listeners wrote entries for: one
 * entry per subject is enough (enabling a card disables the previous one: two moves, one
 * subject), because delivery is state-based and later changes of the same transaction are
 * delivered with it. Outside a transaction nothing is remembered (undefined). Keyed weakly: the
 * memory goes with the transaction object.
 */
export function createWrittenSubjects(): (executor: Executor) => WrittenSubjects | undefined {
  const writtenIn = new WeakMap<object, WrittenSubjects>();
  return (executor) => {
    if (!executor.isTransaction) return undefined;
    let seen = writtenIn.get(executor);
    if (!seen) {
      seen = { subjects: [], everyInstitution: new Set() };
      writtenIn.set(executor, seen);
    }
    return seen;
  };
}
