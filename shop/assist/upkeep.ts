import type { FastifyBaseLogger } from 'fastify';
import type { ShopContext } from '../context';
import { dropExpiredSharedState } from '../db/housekeeping';
import { sweepExpiredSessions } from './settle';

/** The advisory lock of the upkeep leader: one shop process among those sharing the database. */
export const UPKEEP_LOCK = 74_310_004;

export interface Upkeep {
  /** One round, if this process leads: overdue sessions ended, expired shared state dropped. Null when it does not. */
  runOnce(): Promise<{ sessionsEnded: number } | null>;
  stop(): Promise<void>;
}

/**
 * Every `ctx.config.sweepIntervalMs`, the leader ends overdue sessions (so live-session lists and
 * the storefront agree even when nobody reads a session) and drops expired shared state. The
 * other processes only check that the leader is still there, and take over when it is gone.
 */
export function startUpkeep(ctx: ShopContext, log: FastifyBaseLogger): Upkeep {
  const leadership = ctx.db.leadership(UPKEEP_LOCK);
  let running: Promise<unknown> | null = null;
  let failing = false;

  const runOnce = async () => {
    if (!(await leadership.isLeader())) return null;
    const sessionsEnded = await sweepExpiredSessions(ctx);
    await dropExpiredSharedState(ctx.db, ctx.clock.now(), ctx.config.signInThrottle.windowSeconds);
    return { sessionsEnded };
  };
  const timer = setInterval(() => {
    if (running) return;
    running = runOnce()
      .then(() => {
        if (failing) log.info('shop upkeep works again');
        failing = false;
      })
      .catch((error: unknown) => {
        // Once per run of failures: the next round retries.
        if (!failing)
          log.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'shop upkeep failed');
        failing = true;
      })
      .finally(() => {
        running = null;
      });
  }, ctx.config.sweepIntervalMs);
  timer.unref();

  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
      await leadership.release();
    },
  };
}
