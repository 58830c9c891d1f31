import type { StepUpRequest } from '../../../shared/api/auth';
import type { SessionMode } from '../../../shared/api/settings';
import type { OpenSession } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import { ConsoleRefusedError, ShopRefusedError } from '../errors';
import type { ViewHost } from '../view-host';
import { bannerOf, openSessionOf, type SessionEntries, type SessionEntry } from './session-entries';

/**
 * Switching an open session between view and act without ending it: to act, step-up first (as
 * for a start), then the shop decides (permission, consent, the token) and audits the change.
 * The storefront reads the mode on every request; the view reloads its page so its controls match,
 * and the tab and the banner take the shop's answer.
 */

export interface ModeChange {
  sessionId: string;
  mode: SessionMode;
  /** Required to switch to act; ignored back to view. */
  stepUp?: StepUpRequest | undefined;
}

export function createModeSwitch(deps: {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  entries: SessionEntries;
  viewHost: Pick<ViewHost, 'update' | 'reload'>;
  /** Asks the shop about one session (after a refusal that may mean it ended). */
  check: (entry: SessionEntry) => Promise<void>;
}): (change: ModeChange) => Promise<OpenSession> {
  const { entries } = deps;

  return async function switchMode({ sessionId, mode, stepUp }) {
    const entry = entries.get(sessionId);
    if (entry?.state !== 'open')
      throw new ConsoleRefusedError('session_not_open', 'This session is not open in this console.');
    if (entry.session.mode === mode) return openSessionOf(entry);
    const api = deps.api();
    let stepUpToken: string | undefined;
    if (mode === 'act') {
      if (!stepUp)
        throw new ConsoleRefusedError('step_up_required', 'Confirm it is you before acting for the customer.');
      stepUpToken = (await api.stepUp(stepUp)).stepUpToken;
    }
    try {
      const session = await api.changeMode(sessionId, { mode, ...(stepUpToken ? { stepUpToken } : {}) });
      if (session.status !== 'ended') entries.adopt(entry, session);
    } catch (error) {
      // Refused because it ended meanwhile (409): the tab learns it the usual way.
      if (error instanceof ShopRefusedError && error.code === 'session_ended') await deps.check(entry);
      throw error;
    }
    entries.emit();
    deps.viewHost.update(bannerOf(entry));
    // The page on screen was drawn for the old mode (its controls locked or not): draw it again.
    await deps.viewHost.reload(sessionId).catch(() => undefined);
    return openSessionOf(entry);
  };
}
