/**
 * CPU and memory of a process as the kernel accounts them (/proc), so worker figures do not
 * depend on what the worker reports about itself. Linux only, as the benchmark machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds the process has used so far (its threads included). */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** utime + stime of a process's or thread's `stat` line. */
function statCpuSeconds(stat: string): number {
  // The command name (field 2) may contain spaces: fields count from the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** The machine's load when a figure was taken (others' test suites share these cores). */
export function machineLoad(): { load1: number; load5: number; cores: number; at: string } {
  const [load1, load5] = os.loadavg();
  return { load1: round(load1!, 2), load5: round(load5!, 2), cores: os.cpus().length, at: new Date().toISOString() };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** CPU seconds per thread name of a process (/proc/<pid>/task), threads of one name summed. */
export function threadCpuSeconds(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Node names its worker threads like its main thread: the main one is told apart by its id.
      const name = String(pid) === tid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '#');
      out[name] = (out[name] ?? 0) + statCpuSeconds(stat);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** Per-thread CPU between two readings of threadCpuSeconds (threads that ended are missing). */
export function threadCpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, round(v - (before[k] ?? 0), 2)]));
}
