/**
 * Property tests of the timr sandbox's keyset pagination: walking pages while rows are
 * inserted, deleted and re-keyed never skips or repeats a row that stayed put.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePageToken, paginate, PageTokenError, queryFingerprint, type Page, type SortDirection } from '../../src/sandbox/timr/pagination.js';

interface Row {
  id: string;
  key: number;
}

type Mutation = { kind: 'insert'; key: number } | { kind: 'delete'; pick: number } | { kind: 'rekey'; pick: number; key: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), key: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rekey' as const), pick: fc.nat(), key: fc.integer({ min: 0, max: 9 }) }),
);

function walk(rows: Map<string, Row>, limit: number, direction: SortDirection, between: (page: number) => void): string[] {
  const fingerprint = queryFingerprint({ route: 'test', direction });
  const seen: string[] = [];
  let token: string | null = null;
  let page = 0;
  do {
    const after: { key: string | number; id: string } | undefined = token === null ? undefined : decodePageToken(token, fingerprint);
    const result: Page<Row> = paginate([...rows.values()], { sortKey: (r) => r.key, direction, limit, after, fingerprint });
    seen.push(...result.data.map((r) => r.id));
    token = result.next_page_token;
    if (token !== null) between(page++);
  } while (token !== null && page < 10_000);
  return seen;
}

describe('timr sandbox pagination (property)', () => {
  it('visits every row exactly once in key-then-id order when nothing changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<SortDirection>('asc', 'dsc'),
        (keys, limit, direction) => {
          const rows = new Map(keys.map((key, i) => [`r${i}`, { id: `r${i}`, key }]));
          const seen = walk(rows, limit, direction, () => {});
          const expected = [...rows.values()]
            .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .map((r) => r.id);
          expect(seen).toEqual(direction === 'asc' ? expected : expected.reverse());
        },
      ),
    );
  });

  it('never skips or repeats rows that were not touched while paging', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<SortDirection>('asc', 'dsc'),
        fc.array(fc.array(mutationArb, { maxLength: 4 }), { maxLength: 30 }),
        (keys, limit, direction, mutationsPerPage) => {
          const rows = new Map(keys.map((key, i) => [`r${String(i).padStart(3, '0')}`, { id: `r${String(i).padStart(3, '0')}`, key }]));
          const touched = new Set<string>();
          let inserted = 0;
          const seen = walk(rows, limit, direction, (page) => {
            for (const m of mutationsPerPage[page] ?? []) {
              const ids = [...rows.keys()];
              if (m.kind === 'insert') {
                const id = `n${inserted++}`;
                rows.set(id, { id, key: m.key });
                touched.add(id);
              } else if (ids.length > 0) {
                const id = ids[m.pick % ids.length]!;
                touched.add(id);
                if (m.kind === 'delete') rows.delete(id);
                else rows.set(id, { id, key: m.key });
              }
            }
          });
          const counts = new Map<string, number>();
          for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
          for (const id of keys.map((_, i) => `r${String(i).padStart(3, '0')}`)) {
            if (!touched.has(id)) expect(counts.get(id), id).toBe(1);
          }
          for (const [id, n] of counts) if (!touched.has(id)) expect(n, id).toBe(1);
        },
      ),
    );
  });

  it('refuses a token under another query fingerprint', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        const fa = queryFingerprint({ notes: a });
        const fb = queryFingerprint({ notes: b });
        fc.pre(fa !== fb);
        const rows = [{ id: 'x', key: 1 }, { id: 'y', key: 2 }];
        const token = paginate(rows, { sortKey: (r) => r.key, direction: 'asc', limit: 1, fingerprint: fa }).next_page_token!;
        expect(decodePageToken(token, fa)).toEqual({ key: 1, id: 'x' });
        expect(() => decodePageToken(token, fb)).toThrow(PageTokenError);
      }),
    );
  });
});
