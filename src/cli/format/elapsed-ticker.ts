/**
 * "waiting… 12s" while a long request runs. On a terminal one line is redrawn in place; in
 * logs (not a TTY) a line is written now and then, so CI output stays short.
 */
import type { OutputStream } from '../commands/cli-io.js';
import { formatSeconds } from './durations.js';

export interface TickerOptions {
  /** Redraw period on a terminal. */
  ttyIntervalMs?: number;
  /** Line period when not on a terminal. */
  logIntervalMs?: number;
  now?: () => number;
}

export interface Ticker {
  /** Stops and clears the in-place line; returns the seconds elapsed until the first stop. */
  stop(): number;
}

export function startElapsedTicker(stream: OutputStream, label: string, opts: TickerOptions = {}): Ticker {
  const now = opts.now ?? Date.now;
  const started = now();
  const elapsed = () => (now() - started) / 1000;
  const tty = stream.isTTY === true;
  const render = () => `${label} ${formatSeconds(elapsed())}`;
  const draw = tty ? () => stream.write(`\r\x1b[2K${render()}`) : () => stream.write(`${render()}\n`);
  if (tty) draw();
  const timer = setInterval(draw, tty ? (opts.ttyIntervalMs ?? 1_000) : (opts.logIntervalMs ?? 15_000));
  // Never the reason the process stays alive.
  timer.unref?.();
  let stoppedAfter: number | undefined;
  return {
    stop() {
      if (stoppedAfter === undefined) {
        stoppedAfter = elapsed();
        clearInterval(timer);
        if (tty) stream.write('\r\x1b[2K');
      }
      return stoppedAfter;
    },
  };
}
