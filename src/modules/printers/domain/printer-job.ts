/**
 * The life of a printer job, pure. queued → taken (its client claimed it) → printing (pages sent
 * to the spooler) → done | failed; the office may cancel a job its client has not taken yet. A
 * client that restarts while holding a job gets it back (taken or printing) and carries on, so
 * those states accept the client's reports again; done, failed and cancelled are final.
 */
export const PRINTER_JOB_STATUSES = ['queued', 'taken', 'printing', 'done', 'failed', 'cancelled'] as const;
export type PrinterJobStatus = (typeof PRINTER_JOB_STATUSES)[number];

/** What may happen to a job: the client's reports and the office's cancel. */
export type PrinterJobEvent = 'take' | 'progress' | 'done' | 'fail' | 'cancel';

const NEXT: Record<PrinterJobStatus, Partial<Record<PrinterJobEvent, PrinterJobStatus>>> = {
  queued: { take: 'taken', cancel: 'cancelled' },
  taken: { take: 'taken', progress: 'printing', done: 'done', fail: 'failed' },
  printing: { take: 'printing', progress: 'printing', done: 'done', fail: 'failed' },
  done: {},
  failed: {},
  cancelled: {},
};

/** The status after `event`, or null when the event is refused in this status. */
export function nextJobStatus(status: PrinterJobStatus, event: PrinterJobEvent): PrinterJobStatus | null {
  return NEXT[status][event] ?? null;
}

/** True for the statuses nothing leaves. */
export function isFinalJobStatus(status: PrinterJobStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

/** The statuses a client holds a job in (given back to it when it polls after a restart). */
export const HELD_JOB_STATUSES: readonly PrinterJobStatus[] = ['taken', 'printing'];
