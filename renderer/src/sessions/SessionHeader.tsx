import type { ReactNode, Ref } from 'react';
import { END_SESSION_SHORTCUT, type BannerState, type OpenSession } from '../../../shared/ipc/contract';
import { formatCountdown, modeLabel } from '../ui/format';
import { secondsLeftAt, useNow } from '../ui/useNow';
import { deadlineWarning, nextDeadline, type Countdowns, type Deadline } from './session-deadline';
import './session-header.css';

/** What the header says about a session, as main last sent it: the banner's state has it all. */
export type HeaderFacts = Omit<BannerState, 'sessionId' | 'secondsLeft'>;

/** The console's open session as the header's facts (the banner view gets them from main as they are). */
export function headerFacts(open: OpenSession): HeaderFacts {
  const { session } = open;
  return {
    customerName: session.customerName,
    customerEmail: session.customerEmail,
    storeName: open.storeName,
    mode: session.mode,
    reason: session.reason,
    ticket: session.ticket,
    idleSecondsLeft: open.idleSecondsLeft,
    maxSecondsLeft: open.maxSecondsLeft,
    idleTimeoutSeconds: session.idleTimeoutSeconds,
    state: open.state,
  };
}

export interface SessionHeaderProps {
  facts: HeaderFacts;
  /** When main sent `facts`: the countdowns run from here. */
  receivedAt: number;
  /** "End session" was pressed and main has not answered yet. */
  ending: boolean;
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
export function SessionHeader({ facts, receivedAt, ending, headingRef, children, ...props }: SessionHeaderProps) {
  const { customerName, customerEmail, storeName, mode, reason, ticket } = facts;
  const now = useNow(1000, facts.state === 'open');
  const state = ending && facts.state === 'open' ? 'ending' : facts.state;
  const left: Countdowns = {
    idleSecondsLeft: secondsLeftAt(facts.idleSecondsLeft, receivedAt, now),
    maxSecondsLeft: secondsLeftAt(facts.maxSecondsLeft, receivedAt, now),
    idleTimeoutSeconds: facts.idleTimeoutSeconds,
  };
  const live = state !== 'ended';
  const warning = state === 'open' ? deadlineWarning(left) : null;
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
      {live && <Timers left={left} opening={state === 'opening'} />}{' '}
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
      {children}
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

const TIMERS: Record<Deadline, { word: string; name: string; title: string }> = {
  idle: {
    word: 'Idle',
    name: 'Idle time left',
    title: 'Ends after this long without activity; any activity starts it again',
  },
  max: { word: 'Max', name: 'Maximum length left', title: 'The session’s maximum length: nothing extends it' },
};

/** Idle and maximum time left, the one that ends the session first marked. */
function Timers({ left, opening }: { left: Countdowns; opening: boolean }) {
  if (opening) return <span className="sh-timers">opening…</span>;
  const first = nextDeadline(left);
  const timer = (deadline: Deadline) => (
    <span
      role="timer"
      aria-label={TIMERS[deadline].name}
      title={TIMERS[deadline].title}
      className={first === deadline ? 'sh-timer first' : 'sh-timer'}
    >
      {TIMERS[deadline].word} {formatCountdown(deadline === 'idle' ? left.idleSecondsLeft : left.maxSecondsLeft)} left
    </span>
  );
  return (
    <span className="sh-timers">
      {timer('idle')} {timer('max')}
    </span>
  );
}
