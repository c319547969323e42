import cliProgress from 'cli-progress';

/**
 * Progress for long imports and exports: a bar on a terminal, a line every few seconds otherwise
 * (CI logs, redirected output). Always on stderr, so stdout stays the command's data.
 */
export function progressReporter(label: string) {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let lastLine = 0;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${label} {value} rows | {rate} rows/s | {duration_formatted}`, stream: process.stderr, noTTYOutput: false },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(0, 0, { rate: 0 });
  return {
    update(rows: number) {
      const seconds = (Date.now() - started) / 1000;
      const rate = Math.round(rows / Math.max(seconds, 0.001));
      if (bar) {
        bar.setTotal(rows);
        bar.update(rows, { rate });
      } else if (Date.now() - lastLine > 2000) {
        lastLine = Date.now();
        process.stderr.write(`${label}: ${rows} rows (${rate} rows/s)\n`);
      }
    },
    done(rows: number) {
      bar?.stop();
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`${label}: ${rows} rows in ${seconds.toFixed(1)} s\n`);
    },
  };
}
