/**
 * Behaviour knobs of the Personio sandbox. Items the vendor does not document (overlap
 * wording, zero-length periods, unknown-person status, v2 rate limits) live here so tests can
 * try both readings; the defaults are our best reading of API-NOTES.md.
 */
import { z } from 'zod';

export const PersonioSettings = z.object({
  /** Send Retry-After on 429 answers from the sandbox's own limiters. */
  retryAfter: z.boolean().default(true),
  /** Requests per window per OAuth client (the token's client_id); v2 limits are undocumented. */
  rateLimitPerClient: z.number().int().positive().default(1000),
  /** Requests per window per source IP, all tenants together (v1 documented 2,000/min). */
  rateLimitPerIp: z.number().int().positive().default(2000),
  /** Token requests per window per client_id on POST /v2/auth/token. */
  authRateLimitPerClient: z.number().int().positive().default(150),
  /** The window the two limits above are counted over (fixed window) or refill over (token bucket). */
  rateLimitWindowSeconds: z.number().int().positive().default(60),
  /**
   * token-bucket: per-endpoint buckets per client plus one bucket per IP, refilled at limit ÷
   * window per second (what a probe saw at Personio); fixed-window: counters aligned to the epoch
   * (v1's "2,000 requests per minute"), the per-client one across all endpoints.
   */
  rateLimitAlgorithm: z.enum(['token-bucket', 'fixed-window']).default('token-bucket'),
  /** Token bucket capacity as seconds of its rate: 60 (a whole window) lets a quiet client spend a window's quota at once, like the fixed window. */
  rateLimitBurstSeconds: z.number().positive().default(60),
  /** Send x-ratelimit-limit/-remaining/-reset (and -replenish-rate, -burst-capacity) on API answers (token bucket only). */
  rateLimitHeaders: z.boolean().default(true),
  /** Longest accepted period; longer ones get 422 "Period time range too long". */
  maxPeriodHours: z.number().positive().default(24),
  /** Title of the 422 for overlapping periods (v1 said "Existing overlapping attendances periods"). */
  overlapMessage: z.string().min(1).default('Overlapping attendance periods'),
  /** Whether start == end is accepted; the `zero-hours` Zeitausgleich representation relies on "accept" (v1 rejected it). */
  zeroLengthPeriods: z.enum(['accept', 'reject']).default('accept'),
  /** Status for a POST naming a person the tenant does not have. */
  unknownPersonStatus: z.union([z.literal(404), z.literal(422)]).default(404),
  /** Personio's comment limit is undocumented; null accepts any length. */
  commentMaxLength: z.number().int().positive().nullable().default(null),
  /** With an approval rule, periods written without skip_approval=true end up "pending". */
  approvalRuleActive: z.boolean().default(true),
});
export type PersonioSettings = z.infer<typeof PersonioSettings>;

/**
 * What POST /_sandbox/settings accepts: any subset, unknown keys rejected so typos surface. The
 * defaults are taken off first: `.partial()` keeps them, so a patch of one key used to reset
 * every other setting to its default.
 */
export const PersonioSettingsPatch = z
  .object(
    Object.fromEntries(Object.entries(PersonioSettings.shape).map(([key, field]) => [key, field.unwrap().optional()])) as {
      [K in keyof typeof PersonioSettings.shape]: z.ZodOptional<ReturnType<(typeof PersonioSettings.shape)[K]['unwrap']>>;
    },
  )
  .strict();
export type PersonioSettingsPatch = z.infer<typeof PersonioSettingsPatch>;

export function defaultSettings(overrides: Partial<PersonioSettings> = {}): PersonioSettings {
  return PersonioSettings.parse(overrides);
}

/** Merges in place so every module holding the settings object sees the change at once. */
export function applySettingsPatch(settings: PersonioSettings, patch: PersonioSettingsPatch): PersonioSettings {
  Object.assign(settings, PersonioSettings.parse({ ...settings, ...patch }));
  return settings;
}
