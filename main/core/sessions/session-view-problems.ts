import type { OpenSession, ViewProblem } from '../../../shared/ipc/contract';
import { ConsoleRefusedError } from '../errors';
import type { ViewHost } from '../view-host';
import { isLive, openSessionOf, type SessionEntries } from './session-entries';

/**
 * A storefront view in trouble (its page crashed or hangs, or the store's certificate was
 * refused): the tab shows what happened with a reload or an end instead of a blank view that
 * still counts as an open session; a page that loads again clears it.
 */

/** The view's report of what went wrong, in words for the agent. */
export type ViewTrouble =
  { kind: 'crashed'; reason: string } | { kind: 'unresponsive' } | { kind: 'certificate'; error: string; url: string };

export function viewProblemOf(trouble: ViewTrouble): ViewProblem {
  switch (trouble.kind) {
    case 'crashed':
      return {
        kind: 'crashed',
        message: `The customer's storefront stopped working (${trouble.reason}). Reload it to go on, or end the session.`,
      };
    case 'unresponsive':
      return {
        kind: 'unresponsive',
        message: "The customer's storefront is not responding. Wait a moment, reload it, or end the session.",
      };
    case 'certificate':
      return {
        kind: 'certificate',
        message: `The store's certificate was refused (${trouble.error}) for ${new URL(trouble.url).origin}: nothing was loaded from it. End the session and tell your administrator.`,
      };
  }
}

export interface ViewProblems {
  /** What the view host reports: trouble, or null once the page shows again. */
  report: (sessionId: string, trouble: ViewTrouble | null) => void;
  /** The agent's "Reload the storefront": the page is loaded again; a failure is shown as the problem. */
  reload: (sessionId: string) => Promise<OpenSession>;
}

export function createViewProblems(deps: {
  entries: SessionEntries;
  viewHost: Pick<ViewHost, 'reload'>;
  log: (message: string) => void;
}): ViewProblems {
  const { entries } = deps;
  return {
    report(sessionId, trouble) {
      const entry = entries.get(sessionId);
      if (!entry || !isLive(entry)) return;
      const problem = trouble ? viewProblemOf(trouble) : null;
      if (JSON.stringify(problem) === JSON.stringify(entry.problem)) return;
      if (problem) deps.log(`the view of ${sessionId}: ${problem.kind}`);
      entry.problem = problem;
      entries.emit();
    },
    async reload(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry || !isLive(entry))
        throw new ConsoleRefusedError('session_not_open', 'This session is not open in this console.');
      entry.problem = null;
      entries.emit();
      try {
        await deps.viewHost.reload(sessionId);
      } catch (error) {
        deps.log(`reloading the view of ${sessionId} failed: ${String(error)}`);
        entry.problem = {
          kind: 'reload_failed',
          message: "The customer's storefront could not be loaded again. End the session and start a new one.",
        };
        entries.emit();
      }
      return openSessionOf(entry);
    },
  };
}

/** Electron's `render-process-gone` reasons, in words for the agent. */
export function crashInWords(reason: string): string {
  switch (reason) {
    case 'oom':
      return 'it ran out of memory';
    case 'killed':
      return 'its process was stopped';
    case 'clean-exit':
      return 'its process ended';
    default:
      return 'its process ended unexpectedly';
  }
}
