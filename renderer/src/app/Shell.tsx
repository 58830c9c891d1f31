import { useEffect, useRef, useState } from 'react';
import { useIpcMutation } from '../bridge/context';
import { useCan, useSetAuthState, useStaff } from '../auth/useAuth';
import { useUi } from '../state/context';
import type { Screen } from '../state/ui-store';
import { CustomerSearch, SEARCH_INPUT_ID } from '../search/CustomerSearch';
import { CustomerView } from '../customer/CustomerView';
import { StartSessionDialog } from '../sessions/StartSessionDialog';
import { SessionTabs } from '../sessions/SessionTabs';
import { RecentlyEnded } from '../sessions/RecentlyEnded';
import { ConfirmDialog } from '../sessions/ConfirmDialog';
import { SessionScreen } from '../sessions/SessionScreen';
import { useOpenSessions } from '../sessions/useOpenSessions';
import { RecoveryNotice } from '../sessions/RecoveryNotice';
import { AuditViewer } from '../audit/AuditViewer';
import { LiveSessions } from '../live/LiveSessions';
import { SettingsScreen } from '../settings/SettingsScreen';
import { ErrorNote } from '../ui/ErrorNote';
import { ShopUnreachableBanner } from './ShopUnreachableBanner';
import { LiveUpdatesBanner } from './LiveUpdatesBanner';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Focuses the search box with its text selected, so what is typed next replaces the last search. */
function focusSearch(): boolean {
  const input = document.getElementById(SEARCH_INPUT_ID);
  if (!(input instanceof HTMLInputElement)) return false;
  input.focus();
  input.select();
  return true;
}

/**
 * '/' (outside text fields) or Ctrl/⌘+K jumps to customer search from anywhere. From another
 * screen the search box exists only after the switch renders, so the focus waits for it.
 */
function useSearchShortcut(show: (screen: Screen) => void): void {
  const wanted = useRef(false);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const ctrlK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k';
      const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target);
      if (!ctrlK && !slash) return;
      event.preventDefault();
      if (focusSearch()) return;
      wanted.current = true;
      show({ name: 'search' });
    }
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [show]);
  // After every render of the shell, which re-renders on the switch: the search box is there now.
  useEffect(() => {
    if (wanted.current && focusSearch()) wanted.current = false;
  });
}

function NavButton({
  label,
  target,
  active,
  onShow,
}: {
  label: string;
  target: Screen;
  active: boolean;
  onShow: (s: Screen) => void;
}) {
  return (
    <button
      type="button"
      className={`nav-tab${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
      onClick={() => {
        onShow(target);
      }}
    >
      {label}
    </button>
  );
}

export function Shell({ shopUrl }: { shopUrl: string }) {
  const staff = useStaff();
  const screen = useUi((s) => s.screen);
  const show = useUi((s) => s.show);
  const startTarget = useUi((s) => s.startTarget);
  const setAuth = useSetAuthState();
  const signOut = useIpcMutation('auth.signOut', { onSuccess: setAuth });
  const open = useOpenSessions();
  const canAuditOwn = useCan('audit.read.own');
  const canAuditAll = useCan('audit.read.all');
  const canAudit = canAuditOwn || canAuditAll;
  const canLive = useCan('sessions.read.all');
  const canSettings = useCan('settings.manage');
  useSearchShortcut(show);

  const live = open.sessions.filter((s) => s.state !== 'ended');
  const [askSignOut, setAskSignOut] = useState(false);

  return (
    <div className="shell">
      <ShopUnreachableBanner />
      <LiveUpdatesBanner />
      <header className="topbar">
        <span className="brand" title={shopUrl}>
          Concierge
        </span>
        <nav aria-label="Screens and sessions" className="tabs">
          <NavButton
            label="Customers"
            target={{ name: 'search' }}
            active={screen.name === 'search' || screen.name === 'customer'}
            onShow={show}
          />
          {/* Only the session tabs scroll when many are open; the screens' tabs stay in view. */}
          <span className="session-strip">
            <SessionTabs open={open} />
          </span>
          <RecentlyEnded open={open} />
          <span className="spacer" />
          {canAudit && (
            <NavButton label="Audit" target={{ name: 'audit' }} active={screen.name === 'audit'} onShow={show} />
          )}
          {canLive && (
            <NavButton label="Live sessions" target={{ name: 'live' }} active={screen.name === 'live'} onShow={show} />
          )}
          {canSettings && (
            <NavButton
              label="Settings"
              target={{ name: 'settings' }}
              active={screen.name === 'settings'}
              onShow={show}
            />
          )}
        </nav>
        <div className="who">
          <span>
            {staff.name} <span className="muted">· {staff.role}</span>
          </span>
          <button
            type="button"
            className="quiet"
            disabled={signOut.isPending}
            title={live.length > 0 ? 'Signing out ends your open sessions' : undefined}
            onClick={() => {
              if (live.length > 0) setAskSignOut(true);
              else signOut.mutate({});
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      {askSignOut && (
        <ConfirmDialog
          title={
            live.length === 1 ? 'Sign out and end your open session?' : `Sign out and end ${live.length} open sessions?`
          }
          confirmLabel="Sign out and end them"
          cancelLabel="Stay signed in"
          busy={signOut.isPending}
          onCancel={() => {
            setAskSignOut(false);
          }}
          onConfirm={() => {
            setAskSignOut(false);
            signOut.mutate({});
          }}
        >
          <p>Signing out ends these sessions at the shop and closes their storefronts:</p>
          <ul>
            {live.map((s) => (
              <li key={s.session.id}>
                {s.session.customerName} <span className="muted">({s.storeName})</span>
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
      <ErrorNote error={signOut.error} />
      <RecoveryNotice />
      <div className="content">
        <CurrentScreen screen={screen} />
      </div>
      {startTarget && <StartSessionDialog target={startTarget} />}
    </div>
  );
}

function CurrentScreen({ screen }: { screen: Screen }) {
  switch (screen.name) {
    case 'search':
      return <CustomerSearch />;
    case 'customer':
      return <CustomerView customerId={screen.customerId} key={screen.customerId} />;
    case 'session':
      return <SessionScreen sessionId={screen.sessionId} key={screen.sessionId} />;
    case 'audit':
      return <AuditViewer />;
    case 'live':
      return <LiveSessions />;
    case 'settings':
      return <SettingsScreen />;
  }
}
