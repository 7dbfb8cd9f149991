/**
 * The tables of shared/domain/card-lifecycle.md, copied by hand for the tests. They are written
 * independently of `card-state-machine.ts` so a slip in the implementation's table shows up as
 * a difference instead of being checked against itself.
 */
import type { ActorKind } from './card-state-machine.ts';

/** "Moves a person or a manager can make", one `FROM>TO` entry per pair. */
export const DOC_USER_PAIRS: ReadonlySet<string> = new Set([
  'NEW>REQUEST_CHECKED', 'NEW>REJECTED', 'NEW>CANCELED',
  'RENEWED>REQUEST_CHECKED', 'RENEWED>REJECTED', 'RENEWED>CANCELED',
  'REQUEST_CHECKED>IN_PRINT', 'REQUEST_CHECKED>CANCELED',
  'IN_PRINT>PRINTED', 'IN_PRINT>REQUEST_CHECKED', 'IN_PRINT>IN_PRINT',
  'IN_ENCODE>PRINTED',
  'ENCODED>ENABLED', 'ENCODED>DESTROYED',
  'ENABLED>DISABLED', 'ENABLED>RENEWED',
  'DISABLED>ENABLED', 'DISABLED>DESTROYED',
  'CADUC>DESTROYED',
  'DESTROYED>RENEWED',
]);

/** "Moves only the system makes". */
export const DOC_SYSTEM_PAIRS: ReadonlySet<string> = new Set([
  'PRINTED>IN_ENCODE',
  'IN_ENCODE>ENCODED',
  'IN_PRINT>ENCODED',
  'ENABLED>CADUC', 'DISABLED>CADUC',
  'CADUC>DISABLED',
  'NEW>CANCELED', 'RENEWED>CANCELED', 'REQUEST_CHECKED>CANCELED',
]);

/** Every pair the document lists, in either table. */
export const DOC_PAIRS: ReadonlySet<string> = new Set([...DOC_USER_PAIRS, ...DOC_SYSTEM_PAIRS]);

/** The pairs a renewal uses: the card itself does not change state. */
export const RENEWAL_PAIRS: ReadonlySet<string> = new Set(['ENABLED>RENEWED', 'DESTROYED>RENEWED']);

const STAFF_PAIRS = [...DOC_USER_PAIRS];

/** Who may make which pair, as the state machine's JSDoc promises. */
export const EXPECTED_ACTOR_PAIRS: Readonly<Record<ActorKind, ReadonlySet<string>>> = {
  person: new Set([
    'NEW>CANCELED', 'RENEWED>CANCELED', 'ENABLED>DISABLED', 'ENABLED>RENEWED', 'DISABLED>ENABLED', 'DESTROYED>RENEWED',
  ]),
  manager: new Set(STAFF_PAIRS),
  admin: new Set(STAFF_PAIRS),
  station: new Set([
    'REQUEST_CHECKED>IN_PRINT', 'IN_PRINT>PRINTED', 'IN_PRINT>REQUEST_CHECKED', 'IN_PRINT>IN_PRINT',
    'IN_ENCODE>PRINTED', 'PRINTED>IN_ENCODE', 'IN_ENCODE>ENCODED', 'IN_PRINT>ENCODED',
  ]),
  deliverer: new Set(['ENCODED>ENABLED']),
  system: new Set([
    'ENABLED>CADUC', 'DISABLED>CADUC', 'CADUC>DISABLED', 'NEW>CANCELED', 'RENEWED>CANCELED', 'REQUEST_CHECKED>CANCELED',
    // From the Rules section: replaced on enabling another card; enabled straight after encoding.
    'ENABLED>DISABLED', 'ENCODED>ENABLED',
  ]),
};

/** The `FROM>TO` key the sets above use. */
export function pairKey(from: string, to: string): string {
  return `${from}>${to}`;
}
