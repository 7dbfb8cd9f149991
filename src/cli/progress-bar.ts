import type { ProgressReporter } from '../modules/jobs/jobs.service.ts';

/** Renders a one-line progress bar on a TTY (or plain percentage lines when not a TTY). */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr, width = 30) {
  let lastPercent = -1;
  return {
    update(current: number, total: number | null, message = ''): void {
      const percent = total ? Math.min(100, Math.floor((current / total) * 100)) : 0;
      if (!stream.isTTY) {
        if (percent >= lastPercent + 10 || (percent === 100 && lastPercent !== 100)) {
          stream.write(`${percent}% ${current}/${total ?? '?'} ${message}\n`);
          lastPercent = percent;
        }
        return;
      }
      const filled = Math.round((percent / 100) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${current}/${total ?? '?'} ${message}`.padEnd(100));
      lastPercent = percent;
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/** The part of a job run's reporter a command drives. */
export type CommandReporter = Pick<ProgressReporter, 'start' | 'advance' | 'succeed' | 'fail'>;

/**
 * A job run's reporter that also draws its progress on `stream`: a command run from a shell is
 * recorded like one started from the API (the web UI shows it) and shows its bar.
 */
export function reporterWithBar(recorded: CommandReporter, stream: NodeJS.WriteStream = process.stderr): CommandReporter {
  const bar = createProgressBar(stream);
  let total: number | null = null;
  return {
    async start(count, message) {
      total = count;
      bar.update(0, total, message ?? '');
      await recorded.start(count, message);
    },
    async advance(current, message) {
      bar.update(current, total, message ?? '');
      await recorded.advance(current, message);
    },
    async succeed(result) {
      bar.done();
      await recorded.succeed(result);
    },
    async fail(error) {
      bar.done();
      await recorded.fail(error);
    },
  };
}
