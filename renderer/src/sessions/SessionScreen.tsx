import { useEffect, useMemo, useRef } from 'react';
import type { ViewInput } from '../../../shared/ipc/view-input';
import type { OpenSession, ViewProblem } from '../../../shared/ipc/contract';
import { useBridge, useHost, useIpcMutation } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveStorefront } from './LiveStorefront';
import { headerFacts, SessionHeader } from './SessionHeader';
import { SwitchToAct } from './SwitchToAct';
import { isEndShortcut } from './session-deadline';
import { useViewsCovered } from './views-covered';
import { useOpenSessions, useSetOpenSession } from './useOpenSessions';

export function SessionScreen({ sessionId }: { sessionId: string }) {
  const open = useOpenSessions();
  const found = open.sessions.find((s) => s.session.id === sessionId);
  const show = useUi((s) => s.show);
  if (!found) {
    return (
      <section className="page">
        <p className="empty">This session is no longer open in the console.</p>
        <button
          type="button"
          onClick={() => {
            show({ name: 'search' });
          }}
        >
          Back to search
        </button>
      </section>
    );
  }
  return <SessionPane open={found} receivedAt={open.receivedAt} />;
}

function SessionPane({ open, receivedAt }: { open: OpenSession; receivedAt: number }) {
  const { session } = open;
  const host = useHost();
  const show = useUi((s) => s.show);
  const setOpen = useSetOpenSession();
  const end = useIpcMutation('sessions.end', { onSuccess: setOpen });
  const keepAlive = useIpcMutation('sessions.keepAlive', { onSuccess: setOpen });
  const ended = open.state === 'ended';
  const heading = useRef<HTMLHeadingElement>(null);
  const endIt = () => {
    end.mutate({ sessionId: session.id });
  };
  useEndShortcut(!ended && open.state !== 'ending' && !end.isPending, endIt);
  // The session has the keyboard as it opens: its heading, so '/' still reaches the search.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  // In Electron the banner view above the storefront is the live session's header.
  const bannerIsHeader = host.kind === 'electron' && !ended;

  return (
    <section className="session-screen" aria-label={`Session with ${session.customerName}`}>
      {bannerIsHeader ? (
        <>
          <h1 className="visually-hidden" tabIndex={-1} ref={heading}>
            Session with {session.customerName}
          </h1>
          <SwitchToAct open={open} />
        </>
      ) : (
        <SessionHeader
          facts={headerFacts(open)}
          receivedAt={receivedAt}
          ending={end.isPending}
          onEnd={endIt}
          onKeepAlive={() => {
            keepAlive.mutate({ sessionId: session.id });
          }}
          keepingAlive={keepAlive.isPending}
          headingRef={heading}
        >
          <SwitchToAct open={open} />
          <button
            type="button"
            className="link"
            onClick={() => {
              show({ name: 'customer', customerId: session.customerId });
            }}
          >
            Customer
          </button>
        </SessionHeader>
      )}
      <ErrorNote error={end.error} prefix="Could not end the session." />
      <ErrorNote error={keepAlive.error} prefix="Could not keep the session open." />
      {ended ? (
        <EndedPanel open={open} />
      ) : open.problem ? (
        <ViewProblemPanel open={open} problem={open.problem} onEnd={endIt} ending={end.isPending} />
      ) : (
        <StorefrontArea open={open} />
      )}
    </section>
  );
}

/** Ends the shown session on Ctrl+Shift+E, also while the live storefront has the keys. */
function useEndShortcut(enabled: boolean, onEnd: () => void): void {
  const latest = useRef(onEnd);
  useEffect(() => {
    latest.current = onEnd;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat || !isEndShortcut(event)) return;
      event.preventDefault();
      event.stopPropagation();
      latest.current();
    };
    // Capture: before the live storefront's own handler would send the keys to the page.
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
    };
  }, [enabled]);
}

const PROBLEM_TITLES: Record<ViewProblem['kind'], string> = {
  crashed: 'The storefront stopped working',
  unresponsive: 'The storefront is not responding',
  certificate: 'The store’s certificate was refused',
  reload_failed: 'The storefront could not be loaded again',
};

/**
 * In place of a storefront that crashed, hangs or was refused: what happened, a reload where one
 * can help, and the end. (Unmounting the storefront area hides its view, so nothing blank stays.)
 */
function ViewProblemPanel(props: { open: OpenSession; problem: ViewProblem; onEnd: () => void; ending: boolean }) {
  const { open, problem } = props;
  const setOpen = useSetOpenSession();
  const reload = useIpcMutation('sessions.reloadView', { onSuccess: setOpen });
  const canReload = problem.kind === 'crashed' || problem.kind === 'unresponsive';
  return (
    <div className="ended-panel" role="alert">
      <h2>{PROBLEM_TITLES[problem.kind]}</h2>
      <p>{problem.message}</p>
      <div className="row">
        {canReload && (
          <button
            type="button"
            className="primary"
            disabled={reload.isPending}
            onClick={() => {
              reload.mutate({ sessionId: open.session.id });
            }}
          >
            {reload.isPending ? 'Reloading…' : 'Reload the storefront'}
          </button>
        )}
        <button
          type="button"
          className={canReload ? undefined : 'primary'}
          disabled={props.ending}
          onClick={props.onEnd}
        >
          End session
        </button>
      </div>
      <ErrorNote error={reload.error} prefix="Could not reload the storefront." />
    </div>
  );
}

function EndedPanel({ open }: { open: OpenSession }) {
  const { session } = open;
  const show = useUi((s) => s.show);
  const dismiss = useUi((s) => s.dismiss);
  const setAuditFilter = useUi((s) => s.setAuditFilter);
  const canAuditOwn = useCan('audit.read.own');
  const canAuditAll = useCan('audit.read.all');
  return (
    <div className="ended-panel" role="alert">
      <h2>Session ended</h2>
      <p>{open.endedMessage ?? 'This session has ended.'}</p>
      <div className="row">
        <button
          type="button"
          className="primary"
          onClick={() => {
            dismiss(session.id);
            show({ name: 'search' });
          }}
        >
          Dismiss
        </button>
        {(canAuditOwn || canAuditAll) && (
          <button
            type="button"
            onClick={() => {
              setAuditFilter({ sessionId: session.id });
              show({ name: 'audit' });
            }}
          >
            View timeline
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * The area the session's storefront fills. In Electron, main lays its banner and storefront views
 * over this rectangle (reported on every resize); in the browser tier the storefront lives in its
 * own browser context, so its live screencast stands in for it (under the console's session header),
 * and the box the screencast fills is reported instead, so the storefront's page takes that size.
 */
function StorefrontArea({ open }: { open: OpenSession }) {
  const host = useHost();
  const bridge = useBridge();
  const area = useRef<HTMLDivElement>(null);
  const sessionId = open.session.id;
  const sendInput = useMemo(() => {
    const send = host.sendInput;
    return send ? (input: ViewInput) => send(sessionId, input) : null;
  }, [host, sessionId]);
  const live = host.streamUrl && sendInput ? { streamUrl: host.streamUrl(sessionId), sendInput } : null;
  // Electron's views sit above the console's HTML: they step aside while a console dialog is open.
  const covered = useViewsCovered() && host.kind === 'electron';

  useEffect(() => {
    const element = area.current;
    if (!element) return;
    if (covered) {
      void bridge['sessions.show']({ sessionId: null });
      return;
    }
    let last = '';
    const report = () => {
      const rect = element.getBoundingClientRect();
      const bounds = {
        x: Math.max(0, Math.round(rect.left)),
        y: Math.max(0, Math.round(rect.top)),
        width: Math.max(0, Math.round(rect.width)),
        height: Math.max(0, Math.round(rect.height)),
      };
      const key = JSON.stringify(bounds);
      if (key === last) return;
      last = key;
      void bridge['sessions.show']({ sessionId, bounds });
    };
    report();
    const observer = new ResizeObserver(report);
    observer.observe(element);
    window.addEventListener('resize', report);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', report);
      void bridge['sessions.show']({ sessionId: null });
    };
  }, [bridge, sessionId, covered]);

  return (
    <div className="storefront-area" ref={live ? undefined : area}>
      {live && (
        <LiveStorefront
          streamUrl={live.streamUrl}
          customerName={open.session.customerName}
          sendInput={live.sendInput}
          screenRef={area}
        />
      )}
    </div>
  );
}
