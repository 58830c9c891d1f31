import type { ReactNode, Ref } from 'react';
import type { SessionMode } from '../../../shared/api/settings';
import { END_SESSION_SHORTCUT, type OpenSession } from '../../../shared/ipc/contract';
import { formatCountdown, modeLabel } from '../ui/format';
import { deadlineWarning, nextDeadline, type Deadline } from './session-deadline';
import './session-header.css';

export interface SessionHeaderProps {
  customerName: string;
  customerEmail: string;
  storeName: string;
  mode: SessionMode;
  reason: string;
  ticket: string | null;
  idleSecondsLeft: number;
  maxSecondsLeft: number;
  idleTimeoutSeconds: number;
  state: OpenSession['state'];
  onEnd: () => void;
  onKeepAlive: () => void;
  keepingAlive: boolean;
  /** The console's header names the customer as the screen's heading; the banner view has none. */
  headingRef?: Ref<HTMLHeadingElement>;
  /** Console only: links that need the console (the customer's page). */
  children?: ReactNode;
}

const WARNING: Record<Deadline, string> = {
  idle: 'About to end: no activity (idle timeout).',
  max: 'About to end: the maximum session length is reached.',
};

/**
 * The one line about a session: whom, where, how, why, how long (idle and maximum, separately),
 * End, and about a minute before a deadline, which one is about to end it ("I'm still here"
 * moves the idle one). The console draws it above the browser tier's storefront; in Electron it
 * is the banner view above the storefront view, out of the page's reach.
 */
export function SessionHeader(props: SessionHeaderProps) {
  const { customerName, customerEmail, storeName, mode, reason, ticket, state, headingRef } = props;
  const live = state !== 'ended';
  const warning = state === 'open' ? deadlineWarning(props) : null;
  return (
    <div
      className={`session-header mode-${mode}${warning ? ' warning' : ''}`}
      role="region"
      aria-label="Assisted session"
    >
      <div className="sh-who">
        <span className="sh-lead">Assisting</span>{' '}
        {headingRef ? (
          <h1 className="sh-customer" ref={headingRef} tabIndex={-1}>
            {customerName}
          </h1>
        ) : (
          <strong className="sh-customer">{customerName}</strong>
        )}{' '}
        <span className="sh-email">({customerEmail})</span> <span className="sh-fact">{storeName}</span>{' '}
        <span className="sh-fact sh-mode">{modeLabel(mode)}</span>{' '}
        <span className="sh-fact sh-reason" title={reason}>
          {ticket ? `${ticket}: ` : ''}
          {reason}
        </span>
      </div>{' '}
      {live && <Timers {...props} />}{' '}
      {warning && (
        <span className="sh-warning" role="alert">
          {WARNING[warning.deadline]}
        </span>
      )}
      {warning?.deadline === 'idle' && (
        <button type="button" className="sh-keep" onClick={props.onKeepAlive} disabled={props.keepingAlive}>
          I’m still here
        </button>
      )}
      {props.children}
      {live ? (
        <button
          type="button"
          className="sh-end"
          onClick={props.onEnd}
          disabled={state === 'ending'}
          aria-keyshortcuts={END_SESSION_SHORTCUT.aria}
          title={`End session (${END_SESSION_SHORTCUT.label})`}
        >
          {state === 'ending' ? 'Ending…' : 'End session'}
        </button>
      ) : (
        <span className="sh-ended">Ended</span>
      )}
    </div>
  );
}

/** Idle and maximum time left, the one that ends the session first marked. */
function Timers({ idleSecondsLeft, maxSecondsLeft, state }: SessionHeaderProps) {
  if (state === 'opening') return <span className="sh-timers">opening…</span>;
  const first = nextDeadline({ idleSecondsLeft, maxSecondsLeft });
  return (
    <span className="sh-timers">
      <span
        role="timer"
        aria-label="Idle time left"
        title="Ends after this long without activity; any activity starts it again"
        className={first === 'idle' ? 'sh-timer first' : 'sh-timer'}
      >
        Idle {formatCountdown(idleSecondsLeft)} left
      </span>{' '}
      <span
        role="timer"
        aria-label="Maximum length left"
        title="The session’s maximum length: nothing extends it"
        className={first === 'max' ? 'sh-timer first' : 'sh-timer'}
      >
        Max {formatCountdown(maxSecondsLeft)} left
      </span>
    </span>
  );
}
