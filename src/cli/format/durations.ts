/** Seconds as people read them: 45s, 15m, 1h 30m, 2d 3h. Zero parts are left out. */
export function formatSeconds(total: number): string {
  const seconds = Math.max(0, Math.round(total));
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = seconds;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join(' ');
}

/** "in 4m 12s" or "12s ago", relative to `now`. */
export function formatRelative(target: Date, now: Date): string {
  const diff = (target.getTime() - now.getTime()) / 1000;
  if (Math.abs(diff) < 1) return 'now';
  return diff > 0 ? `in ${formatSeconds(diff)}` : `${formatSeconds(-diff)} ago`;
}

/** Duration between two ISO timestamps, or "?" when either does not parse. */
export function formatElapsed(startIso: string, endIso: string): string {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(ms) ? formatSeconds(ms / 1000) : '?';
}
