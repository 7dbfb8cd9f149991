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
