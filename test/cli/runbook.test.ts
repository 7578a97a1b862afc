/**
 * docs/runbook.md is what support types: every `timr-sync` line in it must name a command that
 * exists and only options that command has, and every command must be in it. Checked against
 * the commands' own --help (no server needed).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandPaths } from '../../src/cli/commands/registry.js';
import { runCli } from '../../src/cli/timr-sync.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function help(argv: string[]): Promise<string> {
  let stdout = '';
  const code = await runCli([...argv, '--help'], { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: () => true }, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
  expect(code, argv.join(' ')).toBe(0);
  return stdout;
}

/** The `timr-sync …` command lines of the runbook's sh blocks, without env assignments and comments. */
function commandLines(markdown: string): string[][] {
  const lines: string[][] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const raw of joined.split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      const tokens = line.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
      while (tokens[0] && /^[A-Z_]+=/.test(tokens[0])) tokens.shift();
      if (tokens[0] === 'timr-sync') lines.push(tokens.slice(1));
    }
  }
  return lines;
}

describe('docs/runbook.md', () => {
  it('names existing commands with their own options, and every command', async () => {
    const lines = commandLines(await readFile(path.join(root, 'docs/runbook.md'), 'utf8'));
    expect(lines.length).toBeGreaterThan(20);
    const ctx = { io: { stdout: { write: () => true }, stderr: { write: () => true }, env: {} }, client: () => Promise.reject(new Error('no server')), now: () => new Date(), sleep: async () => undefined, run: <A extends unknown[]>(fn: (...a: A) => Promise<number>) => async (...a: A) => void (await fn(...a)) };
    const paths = commandPaths(ctx).sort((a, b) => b.length - a.length);
    const used = new Set<string>();
    for (const tokens of lines) {
      const p = paths.find((candidate) => candidate.every((word, i) => tokens[i] === word));
      expect(p, `no such command: timr-sync ${tokens.join(' ')}`).toBeDefined();
      used.add(p![0]!);
      const text = await help(p!);
      for (const option of tokens.slice(p!.length).filter((t) => t.startsWith('--'))) {
        const name = option.replace(/=.*$/, '');
        expect(text, `timr-sync ${tokens.join(' ')}: ${p!.join(' ')} has no ${name}`).toMatch(new RegExp(`\\s${name}(\\s|,|$)`, 'm'));
      }
    }
    expect(COMMANDS.map((c) => c.name).filter((name) => !used.has(name))).toEqual([]);
  });
});
