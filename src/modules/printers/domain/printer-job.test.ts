import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HELD_JOB_STATUSES, isFinalJobStatus, nextJobStatus, PRINTER_JOB_STATUSES, type PrinterJobEvent, type PrinterJobStatus } from './printer-job.ts';

const EVENTS: PrinterJobEvent[] = ['take', 'progress', 'done', 'fail', 'cancel'];

test('any sequence of events: final statuses are never left, a job is cancelled only before it is taken, done and failed only after', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 30 }), (events) => {
    let status: PrinterJobStatus = 'queued';
    let taken = false;
    for (const event of events) {
      const next = nextJobStatus(status, event);
      if (isFinalJobStatus(status)) {
        assert.equal(next, null, `${status} is final`);
        continue;
      }
      if (next === null) continue;
      if (next === 'cancelled') assert.equal(taken, false);
      if (next === 'done' || next === 'failed') assert.equal(taken, true);
      if (next === 'printing') assert.ok(HELD_JOB_STATUSES.includes(status));
      taken ||= next === 'taken';
      status = next;
    }
    assert.ok(PRINTER_JOB_STATUSES.includes(status));
  }));
});

test('a held job is given back to a restarted client (take again keeps its status)', () => {
  for (const status of HELD_JOB_STATUSES) assert.equal(nextJobStatus(status, 'take'), status);
  assert.equal(nextJobStatus('queued', 'take'), 'taken');
  assert.equal(nextJobStatus('queued', 'done'), null, 'a job its client never took is not done');
});
