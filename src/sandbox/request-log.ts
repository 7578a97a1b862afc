/**
 * Bounded log of the API requests a sandbox served, so tests and the benchmark can count
 * what the sync really sent (e.g. how many POSTs reached Personio for one entry).
 */
export interface LoggedRequest {
  at: string;
  tenantId: string | null;
  method: string;
  route: string;
  url: string;
  status: number;
  /** True when the server destroyed the connection instead of answering (reset fault). */
  dropped: boolean;
  /** Injected faults that fired on this request (e.g. "commit-then-drop reset", "error 503"). */
  faults?: string[];
  /** Bytes of the response body sent (content-length; 0 when dropped or unknown). */
  bytes?: number;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  constructor(private readonly capacity = 10_000) {}

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(tenantId?: string): LoggedRequest[] {
    return tenantId ? this.entries.filter((e) => e.tenantId === tenantId) : [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
