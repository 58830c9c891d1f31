import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc (Linux only): where a load test's CPU went — the shop process, the
 * PostgreSQL server's processes on this machine, and the machine as a whole (busy, idle, and
 * stolen by the hypervisor). A load test that leaves the cores idle is waiting on something
 * other than CPU; one that keeps them busy is as fast as the CPU per request allows.
 */
export interface CpuSnapshot {
  /** Milliseconds of CPU, user + system. */
  process: number;
  postgres: number;
  /** Machine-wide milliseconds summed over all cores. */
  busy: number;
  idle: number;
  steal: number;
}

export interface CpuUse {
  processMs: number;
  postgresMs: number;
  /** Shares of all cores' time over the window, 0..1. */
  busy: number;
  idle: number;
  steal: number;
}

let ticksPerSecond: number | null = null;
const msPerTick = () => {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return 1000 / ticksPerSecond;
};

/**
 * The fields of /proc/<pid>/stat from field 3 (state) on, so field n is at index n - 3; null once
 * the process has gone.
 */
export function procStatFields(pid: string | number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // The command name may hold spaces; fields count from after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime (fields 14 and 15) of a process, in ticks; 0 once it has gone. */
function processTicks(pid: string | number): number {
  const fields = procStatFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** The PostgreSQL server's processes on this machine (the postmaster and its children). */
export function postgresPids(): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
    } catch {
      // The process ended while the list was read.
      return false;
    }
  });
}

/**
 * CPU ms (user + system) of these processes; with `exitedChildren`, also of their children that
 * have exited (cutime + cstime, fields 16 and 17): PostgreSQL's backends come and go with a
 * pool's connections, and one that exits during a window would otherwise take its CPU with it.
 */
export function processesCpuMs(pids: readonly (number | string)[], options: { exitedChildren?: boolean } = {}): number {
  const ticks = pids.reduce<number>((sum, pid) => {
    const fields = procStatFields(pid);
    if (!fields) return sum;
    const children = options.exitedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return sum + Number(fields[11]) + Number(fields[12]) + children;
  }, 0);
  return ticks * msPerTick();
}

const postgresTicks = () => postgresPids().reduce((sum, pid) => sum + processTicks(pid), 0);

/** A snapshot, or null where /proc is not there to read (not Linux). */
export function cpuSnapshot(pid: number): CpuSnapshot | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return null;
  }
  // cpu  user nice system idle iowait irq softirq steal …
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (line ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const tick = msPerTick();
  return {
    process: processTicks(pid) * tick,
    postgres: postgresTicks() * tick,
    busy: (user + nice + system + irq + softirq) * tick,
    idle: (idle + iowait) * tick,
    steal: steal * tick,
  };
}

/** What happened between two snapshots, per request where `requests` is given. */
export function cpuUse(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuUse {
  const total = after.busy + after.idle + after.steal - (before.busy + before.idle + before.steal);
  const share = (key: 'busy' | 'idle' | 'steal') => (total > 0 ? (after[key] - before[key]) / total : 0);
  const perRequest = (key: 'process' | 'postgres') => (requests > 0 ? (after[key] - before[key]) / requests : 0);
  return {
    processMs: perRequest('process'),
    postgresMs: perRequest('postgres'),
    busy: share('busy'),
    idle: share('idle'),
    steal: share('steal'),
  };
}
