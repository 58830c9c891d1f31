import { execFileSync } from 'node:child_process';
import { postgresPids, procStatFields } from './cpu-time';

/**
 * The Linux scheduling policy of the PostgreSQL server's processes on this machine.
 *
 * When the shop and PostgreSQL share a few cores, every query the shop writes to its socket wakes
 * a backend on the shop's own core, and under the default policy that backend may take the core
 * at once: the shop's event loop stops in the middle of its work while the other core idles.
 * SCHED_BATCH is the same fair scheduling without that wake-up preemption, so the backend runs
 * when the shop yields or on a free core. `chrt --batch` needs no privileges for one's own
 * processes; the benchmark measures the search under both policies.
 */
export type SchedulingPolicy = 'normal' | 'batch';

const POLICY_NUMBER: Record<SchedulingPolicy, string> = { normal: '0', batch: '3' };
const CHRT_FLAG: Record<SchedulingPolicy, string> = { normal: '--other', batch: '--batch' };

/** Field 41 of /proc/<pid>/stat; null once the process has gone. */
const policyOf = (pid: string): string | null => procStatFields(pid)?.[38] ?? null;

/** The policy every PostgreSQL process has now; null when they differ or there are none. */
export function postgresScheduling(): SchedulingPolicy | null {
  const found = new Set(
    postgresPids()
      .map(policyOf)
      .filter((p) => p !== null),
  );
  const [only] = found;
  if (found.size !== 1) return null;
  return only === POLICY_NUMBER.batch ? 'batch' : only === POLICY_NUMBER.normal ? 'normal' : null;
}

/**
 * Sets `policy` on every PostgreSQL process, the postmaster included, so backends it starts later
 * inherit it. True when every process has it afterwards; false where that cannot be done (not
 * Linux, no `chrt`, a server run by another user, or no server on this machine).
 */
export function setPostgresScheduling(policy: SchedulingPolicy): boolean {
  const pids = postgresPids();
  if (pids.length === 0) return false;
  for (const pid of pids) {
    try {
      execFileSync('chrt', [CHRT_FLAG[policy], '--all-tasks', '--pid', '0', pid], { stdio: 'ignore' });
    } catch {
      // Checked below: a process that ended in between does not count against the result.
    }
  }
  return pids.every((pid) => {
    const current = policyOf(pid);
    return current === null || current === POLICY_NUMBER[policy];
  });
}
