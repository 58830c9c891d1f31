import type { AuditAction, AuditEvent } from '../../../shared/api/audit';
import type { AuditActionGroup } from '../../../shared/audit/action-groups';

// Over AuditAction, so the type checker asks for a label whenever an action is added.
const ACTIONS: Readonly<Record<AuditAction, string>> = {
  'staff.sign_in': 'Signed in',
  'staff.sign_in_failed': 'Sign-in failed',
  'staff.mfa_failed': 'Wrong authenticator code',
  'staff.locked': 'Sign-in throttled',
  'staff.sign_out': 'Signed out',
  'staff.token_reuse': 'Reused sign-in token (revoked)',
  'staff.step_up': 'Confirmed identity',
  'staff.step_up_failed': 'Identity confirmation failed',
  'session.start': 'Session started',
  'session.refused': 'Session refused',
  'session.handoff_redeemed': 'Storefront opened',
  'session.handoff_refused': 'Storefront hand-off refused',
  'session.end': 'Session ended',
  'session.mode_changed': 'Mode changed',
  'session.page_view': 'Page viewed',
  'session.action': 'Action taken',
  'session.action_refused': 'Action refused',
  'customer.consent_granted': 'Consent granted',
  'customer.consent_revoked': 'Consent withdrawn',
  'customer.consent_code_issued': 'Consent code issued',
  'customer.consent_code_used': 'Consent code used',
  'settings.changed': 'Settings changed',
  'access.denied': 'Access denied',
};

export function actionLabel(action: string): string {
  return (ACTIONS as Readonly<Record<string, string>>)[action] ?? action;
}

/** Choices of the action filter: a prefix, one exact action, or a named group (`group`, not an action). */
export const ACTION_GROUPS: readonly { value: string; label: string; group?: AuditActionGroup }[] = [
  { value: '', label: 'All actions' },
  { value: 'group:refused', label: 'Refused', group: 'refused' },
  { value: 'session.', label: 'Sessions (all)' },
  { value: 'session.page_view', label: 'Pages viewed' },
  { value: 'session.action', label: 'Actions taken' },
  { value: 'session.action_refused', label: 'Actions refused' },
  { value: 'staff.', label: 'Staff sign-in & step-up' },
  { value: 'customer.', label: 'Customer consent' },
  { value: 'settings.', label: 'Settings' },
];

/** An event's details as the viewer shows them: label and value, already in words. */
export interface DetailPart {
  label: string;
  value: string;
}

type Details = Readonly<Record<string, unknown>>;
type DescribeDetails = (d: Details) => DetailPart[];

/** Local date and time with seconds, in the agent's time zone. */
const plainNumber = new Intl.NumberFormat();
const dateTimeWithSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export function formatEventTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeWithSeconds.format(date);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Internal ids (`cus_000001`, `stf_agent`, `evt_…`) and keys that name them are left out. */
const INTERNAL_ID = /^[a-z]{2,5}_[A-Za-z0-9_-]+$/;
const ID_KEY = /(^id|Id|Ids|Hash)$/;

const words = (code: string) => code.replace(/[_.]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** A value in words: no nulls, no ids, times local with seconds; undefined leaves it out. */
function plain(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return plainNumber.format(value);
  if (typeof value === 'string') {
    if (ISO_TIME.test(value)) return formatEventTime(value);
    if (INTERNAL_ID.test(value)) return undefined;
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map(plain).filter((v): v is string => v !== undefined);
    return items.length > 0 ? items.join(', ') : undefined;
  }
  return undefined;
}

/** A part from one key, or none when its value has nothing to show; `as` turns a code into words. */
function part(d: Details, key: string, label: string, as?: Readonly<Record<string, string>>): DetailPart[] {
  const raw = d[key];
  const value = typeof raw === 'string' && as ? (as[raw] ?? words(raw)) : plain(raw);
  return value === undefined ? [] : [{ label, value }];
}

const MODES: Readonly<Record<string, string>> = { view: 'View only', act: 'Can act' };
const END_REASONS: Readonly<Record<string, string>> = {
  ended_by_agent: 'Ended by the agent',
  terminated_by_supervisor: 'Terminated by a supervisor',
  idle_timeout: 'Idle for too long',
  max_length: 'Reached its maximum length',
  sign_out: 'The agent signed out',
  app_exit: 'The console was closed',
  ended_by_customer: 'Ended by the customer',
  access_revoked: 'The agent lost access',
  console_lost: 'The console stopped responding',
};
const CONSENT_BASIS: Readonly<Record<string, string>> = {
  standing: 'Standing consent',
  code: 'One-time code',
  not_required: 'Not required',
};
const METHODS: Readonly<Record<string, string>> = {
  'password+totp': 'Password and authenticator code',
  totp: 'Authenticator code',
  password: 'Password',
};

/** The keys no formatter shows anywhere (ids, hashes, internal flags). */
const HIDDEN = new Set(['decoy', 'address', 'staffId', 'storeId', 'accountId', 'familyId', 'codeId']);

/** Everything an action's own formatter did not name: labelled from its key, ids and nulls left out. */
function rest(d: Details, named: readonly string[]): DetailPart[] {
  return Object.keys(d)
    .filter((k) => !named.includes(k) && !HIDDEN.has(k) && !ID_KEY.test(k))
    .flatMap((k) => part(d, k, words(k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())));
}

/** Named parts first, then the rest. */
const shown =
  (...parts: [key: string, label: string, as?: Readonly<Record<string, string>>][]): DescribeDetails =>
  (d) => [
    ...parts.flatMap(([key, label, as]) => part(d, key, label, as)),
    ...rest(
      d,
      parts.map(([key]) => key),
    ),
  ];

/** A refusal the shop counted several times: how many, and over which stretch. */
const refusal =
  (...parts: [key: string, label: string, as?: Readonly<Record<string, string>>][]): DescribeDetails =>
  (d) => {
    const count = typeof d.count === 'number' && d.count > 1 ? [{ label: 'Times', value: plain(d.count) ?? '' }] : [];
    const span = d.count !== 1 && typeof d.firstAt === 'string' ? part(d, 'firstAt', 'First') : [];
    const named = ['count', 'firstAt', 'lastAt', 'route', ...parts.map(([k]) => k)];
    return [
      ...parts.flatMap(([k, label, as]) => part(d, k, label, as)),
      ...count,
      ...span,
      ...part(d, 'route', 'Where'),
      ...rest(d, named),
    ];
  };

/** A reason the shop gives as a code (`view_only`), said in words. */
const CODE: Readonly<Record<string, string>> = {};

const failure = shown(['reason', 'Why', CODE], ['email', 'Email'], ['retryAfterSeconds', 'Retry after (s)']);

// Over AuditAction, so the type checker asks for a formatter whenever an action is added.
const DETAILS: Readonly<Record<AuditAction, DescribeDetails>> = {
  'staff.sign_in': shown(['method', 'With', METHODS]),
  'staff.sign_in_failed': failure,
  'staff.mfa_failed': failure,
  'staff.locked': shown(
    ['scope', 'Throttled', CODE],
    ['email', 'Email'],
    ['failures', 'Failures'],
    ['delaySeconds', 'Wait (s)'],
  ),
  'staff.sign_out': (d) => [
    ...(d.everywhere === true ? [{ label: 'Where', value: 'Every device' }] : []),
    ...part(d, 'sessionsEnded', 'Sessions ended'),
    ...rest(d, ['everywhere', 'sessionsEnded']),
  ],
  'staff.token_reuse': () => [{ label: 'Result', value: 'This sign-in was revoked everywhere' }],
  'staff.step_up': shown(['method', 'With', METHODS], ['expiresAt', 'Valid until']),
  'staff.step_up_failed': shown(['method', 'With', METHODS], ['reason', 'Why', CODE]),
  'session.start': shown(
    ['mode', 'Mode', MODES],
    ['reason', 'Reason'],
    ['ticket', 'Ticket'],
    ['consentBasis', 'Consent', CONSENT_BASIS],
  ),
  'session.refused': shown(
    ['message', 'Why'],
    ['mode', 'Mode', MODES],
    ['reason', 'Reason'],
    ['ticket', 'Ticket'],
    ['code', 'Code'],
  ),
  'session.handoff_redeemed': shown(['mode', 'Mode', MODES]),
  'session.handoff_refused': refusal(['reason', 'Why', CODE]),
  'session.end': shown(['reason', 'How', END_REASONS], ['note', 'Note'], ['endedAt', 'Ended']),
  'session.mode_changed': (d) => [
    ...part(d, 'from', 'From', MODES),
    ...part(d, 'to', 'To', MODES),
    ...(d.stepUp === true ? [{ label: 'Identity', value: 'Confirmed' }] : []),
    ...rest(d, ['from', 'to', 'stepUp']),
  ],
  'session.page_view': shown(['title', 'Page'], ['path', 'Path'], ['store', 'Store']),
  'session.action': shown(['action', 'Action'], ['path', 'Path'], ['store', 'Store']),
  'session.action_refused': refusal(['reason', 'Why', CODE], ['action', 'Action'], ['path', 'Path']),
  'customer.consent_granted': shown(['duration', 'For'], ['expiresAt', 'Until']),
  'customer.consent_revoked': shown(['previousStatus', 'Was']),
  'customer.consent_code_issued': shown(['expiresAt', 'Valid until']),
  'customer.consent_code_used': () => [{ label: 'Consent', value: 'One-time code accepted' }],
  'settings.changed': (d) => {
    const changed = d.changed && typeof d.changed === 'object' ? (d.changed as Record<string, unknown>) : {};
    return Object.entries(changed).map(([key, change]) => {
      const c = (change ?? {}) as { before?: unknown; after?: unknown };
      return {
        label: words(key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()),
        value: `${plain(c.before) ?? '—'} → ${plain(c.after) ?? '—'}`,
      };
    });
  },
  'access.denied': refusal(['reason', 'Why', CODE]),
};

/** The event's details in words, per action: no nulls, no internal ids, local times with seconds. */
export function describeDetails(event: AuditEvent): DetailPart[] {
  const describe = (DETAILS as Readonly<Record<string, DescribeDetails | undefined>>)[event.action];
  return describe ? describe(event.details) : rest(event.details, []);
}

/** One line from the event's details (see describeDetails). */
export function detailsSummary(event: AuditEvent): string {
  return describeDetails(event)
    .map((p) => `${p.label}: ${p.value}`)
    .join(' · ');
}

/** Who did it, in words: staff and customers by name, the shop's own timers as such. */
export function actorLabel(event: AuditEvent): string {
  if (event.actor.name) return event.actor.name;
  if (event.actor.type === 'system') return 'The shop (automatic)';
  return event.actor.type === 'customer' ? 'The customer' : 'Unknown staff member';
}

export type TimelineKind = 'start' | 'page' | 'action' | 'refused' | 'end' | 'other';

export function timelineKind(action: string): TimelineKind {
  if (action === 'session.start' || action === 'session.handoff_redeemed') return 'start';
  if (action === 'session.page_view') return 'page';
  if (action === 'session.action') return 'action';
  if (action === 'session.action_refused' || action === 'session.refused' || action === 'session.handoff_refused')
    return 'refused';
  if (action === 'session.end') return 'end';
  return 'other';
}
