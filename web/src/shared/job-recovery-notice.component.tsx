import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JobRun } from '../api/admin.api.ts';

/**
 * Says, on a job's progress, that the process running it stopped (killed, lost) and what became of
 * the job: waiting for its retry, resumed by another worker, or failed with no attempt left.
 * Renders nothing for a job that never lost its worker.
 */
export function JobRecoveryNotice({ job }: { job: Pick<JobRun, 'status' | 'recovery'> }) {
  const { t } = useTranslation();
  const recovery = job.recovery;
  if (!recovery) return null;
  let text: string;
  if (!recovery.retrying) text = t('jobs.workerLost');
  else if (job.status === 'queued') {
    text = recovery.attempts === null
      ? t('jobs.retrying', { attempt: recovery.attempt })
      : t('jobs.retryingOf', { attempt: recovery.attempt, attempts: recovery.attempts });
  } else text = t('jobs.resumed', { attempt: recovery.attempt });
  return (
    <Alert color={recovery.retrying ? 'yellow' : 'red'} variant="light" mt={4} role="status" data-testid="job-recovery">
      {text}
    </Alert>
  );
}
