import { z } from 'zod';
import { StepUpRequest, Staff } from '../api/auth';
import { Id } from '../api/common';
import { AssistPolicy, Settings, SessionMode } from '../api/settings';
import {
  Customer,
  CustomerSearchQuery,
  CustomerSearchResponse,
  DocumentsResponse,
  DocumentType,
  ShopDocumentDetail,
  Store,
} from '../api/shop';
import { AssistSession, EndReason, SessionListResponse, SessionStatus, SessionTimelineResponse } from '../api/sessions';
import { AuditEvent, AuditKeyId, AuditRecent, AuditStaffDirectory } from '../api/audit';
import { AuditActionGroup } from '../audit/action-groups';
import { CustomerActiveSessionsResponse } from '../api/sessions';

/**
 * The console's IPC contract: every call the renderer may make to main, with zod schemas for
 * its argument and result. main validates arguments against these before any handler runs;
 * the preload exposes exactly these names and nothing else. The browser tier carries the same
 * calls over HTTP to the same handlers.
 */

/** Why a call failed, in terms the UI can explain. */
export const IpcErrorKind = z.enum(['network', 'shop', 'auth', 'validation', 'keychain', 'internal']);
export const IpcError = z.object({
  kind: IpcErrorKind,
  /** The shop's error code (e.g. `consent_required`) when the shop refused, else our own. */
  code: z.string(),
  message: z.string(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type IpcError = z.infer<typeof IpcError>;

export const KeychainState = z.object({
  available: z.boolean(),
  /** Shown when unavailable: sign-in then lasts for this run only. */
  message: z.string().nullable(),
});

export const AuthState = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('signed_out'),
    shopUrl: z.string(),
    /** The shops this console may sign in to (command line or settings); shopUrl is one of them. */
    shops: z.array(z.string()).min(1),
    keychain: KeychainState,
    lastEmail: z.string().nullable(),
  }),
  z.object({ status: z.literal('mfa_required'), shopUrl: z.string(), keychain: KeychainState, email: z.string() }),
  z.object({
    status: z.literal('signed_in'),
    shopUrl: z.string(),
    keychain: KeychainState,
    staff: Staff,
    restored: z.boolean(),
  }),
]);
export type AuthState = z.infer<typeof AuthState>;

export const Bounds = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(0),
  height: z.number().int().min(0),
});
export type Bounds = z.infer<typeof Bounds>;

/** Why a session's storefront cannot be shown now; the console offers a reload (unless refused) or the end. */
export const ViewProblem = z.object({
  kind: z.enum(['crashed', 'unresponsive', 'certificate', 'reload_failed']),
  /** What happened, in words for the agent. */
  message: z.string(),
});
export type ViewProblem = z.infer<typeof ViewProblem>;

/** A session open in this console, as the UI shows it in a tab and main's banner shows it. */
export const OpenSession = z.object({
  session: AssistSession,
  storeName: z.string(),
  /**
   * Seconds until the shop ends it (the earlier of its maximum length and its idle deadline), as main
   * computed them when it sent this value (0 once ended); the renderer counts down from its arrival.
   */
  secondsLeft: z.number().int(),
  /** Seconds until the idle deadline (moved by activity and by `sessions.keepAlive`), 0 once ended. */
  idleSecondsLeft: z.number().int(),
  /** Seconds until the maximum length is reached (nothing moves it), 0 once ended. */
  maxSecondsLeft: z.number().int(),
  state: z.enum(['opening', 'open', 'ending', 'ended']),
  /** Set once ended: what ended it, in words for the agent. */
  endedMessage: z.string().nullable(),
  /** Set while the storefront cannot be shown (its page crashed, hangs, or the store's certificate was refused). */
  problem: ViewProblem.nullable(),
});
export type OpenSession = z.infer<typeof OpenSession>;

/** A session a crashed run of this console left open, as the next sign-in found it. */
export const RecoveredSession = z.object({
  sessionId: Id,
  customerName: z.string(),
  /** `ended_now`: still live, this sign-in ended it (app_exit); `already_ended`: the shop had ended it. */
  outcome: z.enum(['ended_now', 'already_ended']),
  endReason: EndReason.nullable(),
  /** What happened to it, in words for the agent. */
  detail: z.string(),
});
export type RecoveredSession = z.infer<typeof RecoveredSession>;

/** Told once after sign-in when this console's journal named sessions of the last run; the agent dismisses it. */
export const RecoveryNotice = z.object({ message: z.string(), sessions: z.array(RecoveredSession).min(1) });
export type RecoveryNotice = z.infer<typeof RecoveryNotice>;

/** The notice, or null once dismissed or signed out (wrapped: an event payload is never bare null). */
export const RecoveryState = z.object({ notice: RecoveryNotice.nullable() });
export type RecoveryState = z.infer<typeof RecoveryState>;

export const AuditFilter = z.object({
  staffId: Id.optional(),
  customerId: Id.optional(),
  sessionId: Id.optional(),
  /** An action or an action group prefix such as `session.` */
  action: z.string().max(64).optional(),
  /** A named set of actions (shared/audit/action-groups.ts), e.g. every refusal. */
  actionGroup: AuditActionGroup.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  text: z.string().max(200).optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditWindow = z.object({
  /** Null: the window was turned off ("all") after this copy started at one; it keeps what it has. */
  days: z.number().int().positive().nullable(),
  /** Events from this time on are kept here (now minus `days`). */
  since: z.iso.datetime({ offset: true }).nullable(),
  /** Events up to this seq are the shop's alone (0: this copy starts at the log's beginning). */
  heldAfter: z.number().int().min(0),
});
export type AuditWindow = z.infer<typeof AuditWindow>;

/** `audit.older`: one page of the viewer's filter over the history older than the copy, from the shop. */
export const AuditOlderPage = z.object({
  /** Newest first, every seq at most the window's `heldAfter`. */
  events: z.array(AuditEvent),
  /** Pass as `before` for the next page; null when this page is the last. */
  nextBefore: z.number().int().positive().nullable(),
});
export type AuditOlderPage = z.infer<typeof AuditOlderPage>;

/** `audit.query` counts filtered totals up to this many (exact without filters); the viewer shows "more than" at the cap. */
export const AUDIT_COUNT_CAP = 10_000;

/** Where a pinned signing key came from: the first sync (trust on first use), configuration, or a person's "Trust". */
export const KeyPinSource = z.enum(['first_sync', 'configuration', 'trusted']);
export type KeyPinSource = z.infer<typeof KeyPinSource>;

/** A signing key the shop lists, and whether this console pinned it. */
export const AuditKeyStatus = z.object({
  keyId: AuditKeyId,
  /** keyId in groups of four, to compare aloud or on paper. */
  fingerprint: z.string(),
  pinned: z.boolean(),
  pinnedAt: z.string().nullable(),
  source: KeyPinSource.nullable(),
  retiredAt: z.string().nullable(),
});
export type AuditKeyStatus = z.infer<typeof AuditKeyStatus>;

/** What the shop's signed checkpoints say about the mirror (see main/core/audit-mirror/checkpoints.ts). */
export const AuditSigningStatus = z.object({
  /**
   * unsigned: the shop lists no signing key; verified: every checkpoint holds; warning: a key
   * this console did not pin (its checkpoints are not counted); rewritten: a checkpoint
   * contradicts the log (see `rewritten`).
   */
  state: z.enum(['unsigned', 'verified', 'warning', 'rewritten']),
  keys: z.array(AuditKeyStatus),
  /** Checkpoints whose signature verified with a pinned key. */
  checkpoints: z.number().int(),
  /** Of those, the ones whose seq the mirror holds and whose hash matched its own. */
  compared: z.number().int(),
  /** The newest checkpoint seen (0 before the first). */
  lastCheckpointSeq: z.number().int(),
  /** "The shop's history was rewritten at or before seq N", and why. */
  rewritten: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
  message: z.string().nullable(),
});
export type AuditSigningStatus = z.infer<typeof AuditSigningStatus>;

/** Checking again what the mirror already stored: in the background after start, and on "Verify again". */
export const AuditReverifyStatus = z.object({
  state: z.enum(['idle', 'running']),
  /** Events checked so far in the pass under way (or the last one). */
  checked: z.number().int(),
  total: z.number().int(),
  lastCompletedAt: z.string().nullable(),
  /** The first stored event that no longer verifies, found by a pass. */
  problem: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
});
export type AuditReverifyStatus = z.infer<typeof AuditReverifyStatus>;

export const AuditSyncStatus = z.object({
  /** opening: the local copy is being opened (or set up on first use); `message` says which. */
  state: z.enum(['opening', 'idle', 'syncing', 'error']),
  /**
   * all: the whole log (links between events are checked); own: only this staff member's
   * events, so only each event's own hash and the checkpoints' signatures can be.
   */
  scope: z.enum(['all', 'own']),
  signing: AuditSigningStatus,
  reverify: AuditReverifyStatus,
  lastSeq: z.number().int(),
  headSeq: z.number().int(),
  synced: z.number().int(),
  message: z.string().nullable(),
  verification: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), checked: z.number().int() }),
    z.object({ ok: z.literal(false), badSeq: z.number().int(), problem: z.string() }),
  ]),
  lastSyncAt: z.string().nullable(),
  /**
   * A supervisor's copy keeps a window of recent history (CONCIERGE_AUDIT_WINDOW_DAYS, default 90):
   * events up to `heldAfter` are not on this computer and `audit.older` asks the shop for them.
   * Null: the copy holds everything the reader may see (an agent's own events, or no window).
   */
  window: AuditWindow.nullable(),
});
export type AuditSyncStatus = z.infer<typeof AuditSyncStatus>;

/** Before the first answer about signing: nothing known yet. */
export const SIGNING_UNKNOWN: AuditSigningStatus = {
  state: 'unsigned',
  keys: [],
  checkpoints: 0,
  compared: 0,
  lastCheckpointSeq: 0,
  rewritten: null,
  message: null,
};
export const REVERIFY_IDLE: AuditReverifyStatus = {
  state: 'idle',
  checked: 0,
  total: 0,
  lastCompletedAt: null,
  problem: null,
};

/** The browser tier's handle on one export file waiting to be downloaded (random, one use). */
export const DownloadId = z.string().regex(/^[0-9a-f]{32}$/);

/**
 * Where an audit export went. Electron: `saved`, the file the agent chose in a save dialog. The
 * browser tier: `download`, a one-time `GET /exports/<downloadId>` its bridge hands to the browser.
 */
export const AuditExportDelivery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('saved'), path: z.string() }),
  z.object({ kind: z.literal('download'), downloadId: DownloadId, fileName: z.string() }),
]);
export type AuditExportDelivery = z.infer<typeof AuditExportDelivery>;

/** `delivery` null: the agent cancelled the save dialog. */
export const AuditExportResult = z.object({ count: z.number().int(), delivery: AuditExportDelivery.nullable() });
export type AuditExportResult = z.infer<typeof AuditExportResult>;

/** The shop's event stream, as the console shows it (main/core/live-updates.ts). */
export const LiveUpdatesState = z.enum(['connecting', 'live', 'reconnecting', 'stopped']);
export type LiveUpdatesState = z.infer<typeof LiveUpdatesState>;

const call = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

export const ipcContract = {
  'auth.state': call(z.object({}), AuthState),
  'auth.signIn': call(
    z.object({ shopUrl: z.url(), email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }),
    AuthState,
  ),
  'auth.verifyMfa': call(z.object({ code: z.string().regex(/^\d{6}$/) }), AuthState),
  'auth.signOut': call(z.object({}), AuthState),

  'shop.stores': call(z.object({}), z.array(Store)),
  'shop.searchCustomers': call(
    CustomerSearchQuery.extend({ limit: z.number().int().min(1).max(100).optional() }),
    CustomerSearchResponse,
  ),
  'shop.customer': call(z.object({ id: Id }), Customer),
  'shop.documents': call(z.object({ customerId: Id, type: DocumentType.optional() }), DocumentsResponse),
  /** One document with lines, totals, addresses and related documents, read without a session. */
  'shop.document': call(z.object({ customerId: Id, documentId: Id }), ShopDocumentDetail),
  'shop.sessions': call(z.object({ status: SessionStatus.optional(), customerId: Id.optional() }), SessionListResponse),
  /** One session's latest pages and actions, read from the shop as they happen (live sessions). */
  'shop.sessionTimeline': call(z.object({ sessionId: Id }), SessionTimelineResponse),
  /** Who has a session open with this customer now, colleagues included (name, mode, start), to warn before a second one. */
  'shop.customerActiveSessions': call(z.object({ customerId: Id }), CustomerActiveSessionsResponse),
  'shop.settings': call(z.object({}), Settings),
  'shop.saveSettings': call(Settings, Settings),
  /** The settings subset any signed-in staff may read, for starting sessions. */
  'shop.assistPolicy': call(z.object({}), AssistPolicy),

  'sessions.start': call(
    z.object({
      customerId: Id,
      accountId: Id,
      mode: SessionMode,
      reason: z.string().trim().min(3).max(500),
      ticket: z.string().trim().max(100).optional(),
      consentCode: z
        .string()
        .regex(/^\d{6}$/)
        .optional(),
      /** The storefront opens on this document's page (one of the account's) instead of the store's home. */
      landingDocumentId: Id.optional(),
      stepUp: StepUpRequest,
    }),
    OpenSession,
  ),
  'sessions.open': call(z.object({}), z.array(OpenSession)),
  'sessions.end': call(z.object({ sessionId: Id }), OpenSession),
  /** "I'm still here": an activity heartbeat now, which moves the idle deadline (not the maximum length). */
  'sessions.keepAlive': call(z.object({ sessionId: Id }), OpenSession),
  /** Loads the session's storefront page again, after it crashed or stopped responding. */
  'sessions.reloadView': call(z.object({ sessionId: Id }), OpenSession),
  /** Switches an open session between view and act without ending it; act needs a step-up, as a start does. */
  'sessions.switchMode': call(
    z.discriminatedUnion('mode', [
      z.object({ sessionId: Id, mode: z.literal('act'), stepUp: StepUpRequest }),
      z.object({ sessionId: Id, mode: z.literal('view') }),
    ]),
    OpenSession,
  ),
  'sessions.terminate': call(z.object({ sessionId: Id, note: z.string().trim().min(3).max(500) }), AssistSession),
  /** The sign-in's notice about sessions this console's last run left open; `notice` is null when there is none. */
  'sessions.recovery': call(z.object({}), RecoveryState),
  'sessions.dismissRecovery': call(z.object({}), z.object({})),
  /** Shows this session's storefront in the given area of the console window (null hides all). */
  'sessions.show': call(z.object({ sessionId: Id.nullable(), bounds: Bounds.optional() }), z.object({})),

  'audit.status': call(z.object({}), AuditSyncStatus),
  'audit.sync': call(z.object({}), AuditSyncStatus),
  /** The audit screen opened (or closed): while it is open, the log's growth is synced within seconds. */
  'audit.watch': call(z.object({ watching: z.boolean() }), z.object({})),
  /** Checks again every event the mirror stored (and the checkpoints over them); answers at once, the status follows. */
  'audit.verifyAgain': call(z.object({}), AuditSyncStatus),
  /** Pins a signing key the shop lists that this console did not pin (a person compared its fingerprint). */
  'audit.trustKey': call(z.object({ keyId: AuditKeyId }), AuditSyncStatus),
  'audit.query': call(
    z.object({ filter: AuditFilter, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }),
    z.object({ total: z.number().int(), events: z.array(AuditEvent) }),
  ),
  /**
   * The filter over history older than a supervisor's copy holds, answered by the shop (GET
   * /audit/search; no free text): newest first, `before` the previous page's `nextBefore`.
   */
  'audit.older': call(
    z.object({
      filter: AuditFilter,
      before: z.number().int().min(1).nullable(),
      limit: z.number().int().min(1).max(200),
    }),
    AuditOlderPage,
  ),
  'audit.export': call(z.object({ filter: AuditFilter, format: z.enum(['csv', 'jsonl']) }), AuditExportResult),
  /** The staff filter's directory (name, email), from the shop; `audit.read.all` only. */
  'audit.staff': call(z.object({}), AuditStaffDirectory),
  /**
   * The newest events the signed-in person may read, from the shop, newest first: what the viewer
   * shows, marked as not yet checked here, until this computer's copy has opened and synced.
   */
  'audit.recent': call(z.object({ limit: z.number().int().min(1).max(200) }), AuditRecent),
  /** Whether the shop's event stream is live (then nothing polls), reconnecting (polling meanwhile), or off. */
  'live.state': call(z.object({}), LiveUpdatesState),
} as const;

export type IpcContract = typeof ipcContract;
export type IpcChannel = keyof IpcContract;
export type IpcArgs<C extends IpcChannel> = z.input<IpcContract[C]['args']>;
export type IpcValue<C extends IpcChannel> = z.output<IpcContract[C]['result']>;
export type IpcResponse<C extends IpcChannel> = { ok: true; value: IpcValue<C> } | { ok: false; error: IpcError };

/** Events main pushes to the console renderer. */
export const ipcEvents = {
  'auth.changed': AuthState,
  'sessions.changed': z.array(OpenSession),
  'sessions.recovery': RecoveryState,
  'audit.status': AuditSyncStatus,
  'live.state': LiveUpdatesState,
  /** A session the signed-in person may read changed at the shop (the live-sessions list refreshes). */
  'live.session': AssistSession,
} as const;
export type IpcEventName = keyof typeof ipcEvents;
export type IpcEventPayload<E extends IpcEventName> = z.output<(typeof ipcEvents)[E]>;

/**
 * Options of one call. `signal`: the caller no longer wants the answer (search as you type, the
 * agent typed on). The browser tier's HTTP bridge aborts its request, which cancels the call in
 * main and main's request to the shop; the Electron preload takes no options (an AbortSignal
 * cannot cross the context bridge), so there the renderer only stops waiting.
 */
export interface IpcCallOptions {
  signal?: AbortSignal;
}

/**
 * What the console preload exposes as `window.concierge`: one named function per contract call
 * (never ipcRenderer itself), plus subscriptions to main's events.
 */
export type ConsoleBridge = {
  readonly [C in IpcChannel]: (args: IpcArgs<C>, options?: IpcCallOptions) => Promise<IpcResponse<C>>;
} & {
  readonly on: <E extends IpcEventName>(event: E, listener: (payload: IpcEventPayload<E>) => void) => () => void;
};

export const IPC_CHANNELS = Object.keys(ipcContract) as IpcChannel[];
export const IPC_EVENTS = Object.keys(ipcEvents) as IpcEventName[];

/**
 * Browser tier only: which run of the console answers. The token outlives a restart, so a page
 * left open tells runs apart by `instanceId` (random per start): the event stream's first event
 * `hello`, and `GET /ipc/hello`.
 */
export const BrowserTierHello = z.object({ instanceId: z.string().regex(/^[0-9a-f]{32}$/) });
export type BrowserTierHello = z.infer<typeof BrowserTierHello>;
export const BROWSER_TIER_HELLO_EVENT = 'hello';

/**
 * Browser tier only: the page's link to the console. `stopped`: the event stream dropped and the
 * console does not answer; `restarted`: another run answers (the page's state is stale);
 * `token_changed`: the console refuses the page's token (it restarted with a new address).
 */
export const ConsoleLink = z.enum(['connecting', 'connected', 'stopped', 'restarted', 'token_changed']);
export type ConsoleLink = z.infer<typeof ConsoleLink>;

/** Ends the open session shown (console, banner, storefront view): Ctrl+Shift+E (`KeyboardEvent.key` is "E"). */
export const END_SESSION_SHORTCUT = {
  key: 'e',
  ctrl: true,
  shift: true,
  alt: false,
  aria: 'Control+Shift+E',
  label: 'Ctrl+Shift+E',
} as const;

/** The banner's state, pushed by main to the banner view of one session. */
export const BannerState = z.object({
  sessionId: Id,
  customerName: z.string(),
  customerEmail: z.string(),
  storeName: z.string(),
  mode: SessionMode,
  reason: z.string(),
  ticket: z.string().nullable(),
  secondsLeft: z.number().int(),
  idleSecondsLeft: z.number().int(),
  maxSecondsLeft: z.number().int(),
  idleTimeoutSeconds: z.number().int(),
  state: OpenSession.shape.state,
});
export type BannerState = z.infer<typeof BannerState>;

/** What the banner preload exposes as `window.concierge`: its own state, "end this session" and "I'm still here". */
export interface BannerBridge {
  endSession(): Promise<void>;
  /** "I'm still here": moves this session's idle deadline. */
  keepAlive(): Promise<void>;
  onState(listener: (state: BannerState) => void): () => void;
}
