import { useEffect, useMemo, useRef } from 'react';
import type { ViewInput } from '../../../shared/ipc/view-input';
import type { OpenSession } from '../../../shared/ipc/contract';
import { useBridge, useHost, useIpcMutation } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import { ErrorNote } from '../ui/ErrorNote';
import { formatCountdown, formatTime, modeLabel } from '../ui/format';
import { secondsLeftAt, useNow } from '../ui/useNow';
import { BannerView } from './BannerView';
import { LiveStorefront } from './LiveStorefront';
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
  const show = useUi((s) => s.show);
  const dismiss = useUi((s) => s.dismiss);
  const setAuditFilter = useUi((s) => s.setAuditFilter);
  const canAuditOwn = useCan('audit.read.own');
  const canAuditAll = useCan('audit.read.all');
  const setOpen = useSetOpenSession();
  const end = useIpcMutation('sessions.end', { onSuccess: setOpen });
  const ended = open.state === 'ended';
  const now = useNow(1000, open.state === 'open');
  const left = secondsLeftAt(open.secondsLeft, receivedAt, now);
  const endIt = () => {
    end.mutate({ sessionId: session.id });
  };

  return (
    <section className="session-screen" aria-label={`Session with ${session.customerName}`}>
      <div className="session-head">
        <div>
          <h1>{session.customerName}</h1>
          <p className="muted small">
            {open.storeName} · {modeLabel(session.mode)} · started {formatTime(session.startedAt)} · reason:{' '}
            {session.reason}
            {session.ticket ? ` · ticket ${session.ticket}` : ''}
          </p>
        </div>
        <div className="row">
          {!ended && (
            <span className="countdown-big" aria-label="Time left">
              {open.state === 'open' ? formatCountdown(left) : open.state}
            </span>
          )}
          <button
            type="button"
            className="link"
            onClick={() => {
              show({ name: 'customer', customerId: session.customerId });
            }}
          >
            Customer
          </button>
          {!ended && (
            <button
              type="button"
              className="danger"
              onClick={endIt}
              disabled={end.isPending || open.state === 'ending'}
            >
              End session
            </button>
          )}
        </div>
      </div>
      <ErrorNote error={end.error} prefix="Could not end the session." />
      {ended ? (
        <div className="ended-panel" role="alert">
          <h2>Session ended</h2>
          <p>{open.endedMessage ?? 'This session has ended.'}</p>
          {session.endNote && <p className="muted">Note: {session.endNote}</p>}
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                dismiss(session.id);
                show({ name: 'search' });
              }}
            >
              Close tab
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
      ) : (
        <StorefrontArea open={open} secondsLeft={left} onEnd={endIt} />
      )}
    </section>
  );
}

/**
 * The area the session's storefront fills. In Electron, main lays its banner and storefront views
 * over this rectangle (reported on every resize); in the browser tier the storefront lives in its
 * own browser context, so its live screencast stands in for it, and the box the screencast fills is
 * reported instead, so the storefront's page takes that size.
 */
function StorefrontArea({ open, secondsLeft, onEnd }: { open: OpenSession; secondsLeft: number; onEnd: () => void }) {
  const host = useHost();
  const bridge = useBridge();
  const area = useRef<HTMLDivElement>(null);
  const sessionId = open.session.id;
  const sendInput = useMemo(() => {
    const send = host.sendInput;
    return send ? (input: ViewInput) => send(sessionId, input) : null;
  }, [host, sessionId]);
  const live = host.streamUrl && sendInput ? { streamUrl: host.streamUrl(sessionId), sendInput } : null;

  useEffect(() => {
    const element = area.current;
    if (!element) return;
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
  }, [bridge, sessionId]);

  return (
    <div className="storefront-area" ref={live ? undefined : area}>
      {live && (
        <>
          <BannerView
            customerName={open.session.customerName}
            customerEmail={open.session.customerEmail}
            storeName={open.storeName}
            mode={open.session.mode}
            secondsLeft={secondsLeft}
            state={open.state}
            onEnd={onEnd}
          />
          <LiveStorefront
            streamUrl={live.streamUrl}
            customerName={open.session.customerName}
            sendInput={live.sendInput}
            screenRef={area}
          />
        </>
      )}
    </div>
  );
}
