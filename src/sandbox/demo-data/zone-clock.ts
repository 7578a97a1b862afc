/**
 * UTC offsets of an IANA zone, from the platform's Intl time-zone data (no library: Node 20
 * ships full ICU). An offset is looked up once per quarter hour of UTC and cached, which keeps
 * generating hundreds of thousands of entries fast; it is exact because every offset change in
 * the tz database since 1970 happens on a quarter-hour boundary of UTC.
 *
 * Deliberately separate from src/domain/time-zone.ts: the demo data is the oracle the sync's
 * own time-zone code is tested against, so the two must not share an implementation.
 */

const MINUTE_MS = 60_000;
const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Whether the runtime knows the zone; the message names the option to fix. */
export function assertKnownTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new RangeError(`unknown IANA time zone "${zone}" (use a name such as "Europe/Vienna")`);
  }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `YYYY-MM-DDTHH:mm:ss` of a wall-clock time kept as milliseconds on a UTC axis. */
function formatWall(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 19);
}

/** UTC audit timestamp as timr writes `last_modified`. */
export function formatUtc(instantMs: number): string {
  return `${formatWall(instantMs)}Z`;
}

export class ZoneClock {
  private readonly parts: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  /** Formatted times repeat across employees (everyone starts at 08:00), so keep them. */
  private readonly formatted = new Map<number, string>();

  constructor(readonly zone: string) {
    assertKnownTimeZone(zone);
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Minutes east of UTC in effect at the instant. */
  offsetMinutes(instantMs: number): number {
    const bucket = Math.floor(instantMs / QUARTER_HOUR_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      offset = this.lookUpOffset(bucket * QUARTER_HOUR_MS);
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /**
   * Instant of a wall-clock time in this zone. Ambiguous times (the repeated hour in autumn)
   * take the earlier instant; times skipped in spring move forward by the gap — the same
   * choice as Temporal's "compatible" disambiguation.
   */
  toInstant(wallMs: number): number {
    const offsetBefore = this.offsetMinutes(wallMs - DAY_MS);
    const offsetAfter = this.offsetMinutes(wallMs + DAY_MS);
    const early = wallMs - offsetBefore * MINUTE_MS;
    const late = wallMs - offsetAfter * MINUTE_MS;
    const earlyValid = this.offsetMinutes(early) === offsetBefore;
    const lateValid = this.offsetMinutes(late) === offsetAfter;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
    return early;
  }

  /** RFC 3339 with the offset in effect here; `zulu` writes a zero offset as `Z`. */
  format(instantMs: number, zulu = false): string {
    let text = this.formatted.get(instantMs);
    if (text === undefined) {
      const offset = this.offsetMinutes(instantMs);
      text = `${formatWall(instantMs + offset * MINUTE_MS)}${formatOffset(offset)}`;
      this.formatted.set(instantMs, text);
    }
    return zulu && text.endsWith('+00:00') ? `${text.slice(0, -6)}Z` : text;
  }

  /** Wall-clock time of an instant, as milliseconds on a UTC axis. */
  toWall(instantMs: number): number {
    return instantMs + this.offsetMinutes(instantMs) * MINUTE_MS;
  }

  private lookUpOffset(instantMs: number): number {
    const values: Record<string, number> = {};
    for (const part of this.parts.formatToParts(instantMs)) {
      if (part.type !== 'literal') values[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      values.year ?? 1970,
      (values.month ?? 1) - 1,
      values.day ?? 1,
      values.hour ?? 0,
      values.minute ?? 0,
      values.second ?? 0,
    );
    return Math.round((wall - instantMs) / MINUTE_MS);
  }
}

/** One clock per zone for a whole generation run, so tenants in the same zone share the cache. */
export class ZoneClocks {
  private readonly clocks = new Map<string, ZoneClock>();

  get(zone: string): ZoneClock {
    let clock = this.clocks.get(zone);
    if (!clock) {
      clock = new ZoneClock(zone);
      this.clocks.set(zone, clock);
    }
    return clock;
  }
}
