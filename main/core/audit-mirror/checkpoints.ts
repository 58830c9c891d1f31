/**
 * After each sync: the shop's signing keys against the ones this console pinned, the new signed
 * checkpoints stored and checked (on the store thread, checkpoint-store.ts), and the signs of a
 * log cut short. The result is the status's `signing` part.
 */
import type { AuditCheckpoint, AuditCheckpointPage, AuditKeys, AuditSigningKey } from '../../../shared/api/audit';
import { keyFingerprint } from '../../../shared/audit/checkpoint';
import type { AuditKeyStatus, AuditSigningStatus, AuditSyncStatus } from '../../../shared/ipc/contract';
import { ShopRefusedError } from '../errors';
import type { KeyPins, PinnedKey } from './key-pins';
import type { MirrorOps } from './protocol';
import type { MirrorState } from './store-state';
import type { WorkerClient } from './worker-client';

/** Checkpoints per request (the API allows up to 1,000). */
const CHECKPOINT_PAGE = 500;

export interface CheckpointApi {
  auditKeys(): Promise<AuditKeys>;
  auditCheckpoints(after: number, limit: number): Promise<AuditCheckpointPage>;
}

export interface CheckpointDeps {
  api: CheckpointApi;
  store: Pick<WorkerClient<MirrorOps>, 'call'>;
  pins: KeyPins;
  scope: AuditSyncStatus['scope'];
  now: () => Date;
}

/** The shop's keys, or null from a shop that does not sign (it has no such route). */
async function listedKeys(api: CheckpointApi): Promise<AuditSigningKey[] | null> {
  try {
    return (await api.auditKeys()).keys;
  } catch (error) {
    if (error instanceof ShopRefusedError && error.status === 404) return null;
    throw error;
  }
}

/** Pins the shop's keys on the first sync (trust on first use), unless configuration names them. */
async function pinnedAfterFirstUse(deps: CheckpointDeps, listed: readonly AuditSigningKey[]): Promise<PinnedKey[]> {
  const pinned = await deps.pins.list();
  if (pinned.length > 0 || deps.pins.configured || listed.length === 0) return pinned;
  const pinnedAt = deps.now().toISOString();
  return deps.pins.add(listed.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, pinnedAt, source: 'first_sync' })));
}

/**
 * Fetches the shop's whole checkpoint list (about one per thousand events: a back-fill may add
 * old seqs, and one dropped must be noticed), stores it and checks every unsettled one.
 */
async function fetchAndCheck(deps: CheckpointDeps, pinned: readonly PinnedKey[]): Promise<MirrorState> {
  const items: AuditCheckpoint[] = [];
  for (let after = 0; ;) {
    const page = await deps.api.auditCheckpoints(after, CHECKPOINT_PAGE);
    items.push(...page.items);
    if (page.nextAfter <= after || page.items.length < CHECKPOINT_PAGE) break;
    after = page.nextAfter;
  }
  await deps.store.call('storeCheckpointList', { items });
  // The pinned public key is what counts, never the one the shop lists now.
  const keys = pinned.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey }));
  for (;;) {
    const { state, more } = await deps.store.call('checkCheckpoints', { keys });
    if (!more) return state;
  }
}

/**
 * A log whose head (`shopHead`, from the sync's last page) is now behind what this console saw was
 * cut short. (A checkpoint it saw that the shop dropped is found with the list, checkpoint-store.ts.)
 */
async function checkNotCut(deps: CheckpointDeps, state: MirrorState, shopHead: number): Promise<MirrorState> {
  if (shopHead < state.cursor) return deps.store.call('markRewritten', { seq: state.cursor, problem: 'log_truncated' });
  // Checkpoints cover the whole log; an agent's head is their own newest event.
  if (deps.scope === 'all' && shopHead < state.signed.lastSeq)
    return deps.store.call('markRewritten', { seq: state.signed.lastSeq, problem: 'log_truncated' });
  return state;
}

/** The status's `signing` part from the shop's keys, the pins and the store's findings. */
export function signingStatus(
  listed: readonly AuditSigningKey[] | null,
  pinned: readonly PinnedKey[],
  state: MirrorState,
  unknownKeyIds: readonly string[],
): AuditSigningStatus {
  const pins = new Map(pinned.map((k) => [k.keyId, k]));
  const keyStatus = (keyId: string, retiredAt: string | null, publicKey: string | null): AuditKeyStatus => {
    const pin = pins.get(keyId);
    // A listed key whose id is pinned with another public key is not the pinned key.
    const matches = pin !== undefined && (publicKey === null || pin.publicKey === publicKey);
    return {
      keyId,
      fingerprint: keyFingerprint(keyId),
      pinned: matches,
      pinnedAt: matches ? pin.pinnedAt : null,
      source: matches ? pin.source : null,
      retiredAt,
    };
  };
  const keys = (listed ?? []).map((k) => keyStatus(k.keyId, k.retiredAt, k.publicKey));
  const listedIds = new Set(keys.map((k) => k.keyId));
  for (const keyId of unknownKeyIds) if (!listedIds.has(keyId)) keys.push(keyStatus(keyId, null, null));
  const unpinned = keys.filter((k) => !k.pinned);
  const { checked, compared, lastSeq, rewritten } = state.signed;
  const base = { keys, checkpoints: checked, compared, lastCheckpointSeq: lastSeq, rewritten };
  if (rewritten) return { ...base, state: 'rewritten', message: null };
  if (unpinned.length > 0)
    return {
      ...base,
      state: 'warning',
      message: `The shop signs with a key this console has not pinned: ${unpinned.map((k) => k.fingerprint).join(', ')}. Its checkpoints are not counted until someone who knows the key trusts it.`,
    };
  if (listed === null || listed.length === 0)
    return {
      ...base,
      state: pinned.length > 0 ? 'warning' : 'unsigned',
      message: pinned.length > 0 ? 'The shop no longer lists the signing keys this console pinned.' : null,
    };
  return { ...base, state: 'verified', message: null };
}

/** The checkpoint step of a sync (see the file's comment); returns the store's state and the signing status. */
export async function syncCheckpoints(
  deps: CheckpointDeps,
  shopHead: number,
): Promise<{ state: MirrorState; signing: AuditSigningStatus }> {
  const listed = await listedKeys(deps.api);
  // A shop without the keys route signs nothing (and lists no checkpoints).
  const pinned = listed === null ? await deps.pins.list() : await pinnedAfterFirstUse(deps, listed);
  let state = listed === null ? await deps.store.call('state', {}) : await fetchAndCheck(deps, pinned);
  state = await checkNotCut(deps, state, shopHead);
  const unknownKeyIds = await deps.store.call('unknownKeyIds', {});
  return { state, signing: signingStatus(listed, pinned, state, unknownKeyIds) };
}

/** Pins one key the shop lists (a person compared its fingerprint) and checks the checkpoints waiting for it. */
export async function trustListedKey(
  deps: CheckpointDeps,
  keyId: string,
): Promise<{ state: MirrorState; signing: AuditSigningStatus }> {
  const listed = (await listedKeys(deps.api)) ?? [];
  const key = listed.find((k) => k.keyId === keyId);
  if (!key) throw new Error(`The shop does not list the signing key ${keyFingerprint(keyId)}.`);
  const pinned = await deps.pins.add([
    { keyId, publicKey: key.publicKey, pinnedAt: deps.now().toISOString(), source: 'trusted' },
  ]);
  const state = await fetchAndCheck(deps, pinned);
  const unknownKeyIds = await deps.store.call('unknownKeyIds', {});
  return { state, signing: signingStatus(listed, pinned, state, unknownKeyIds) };
}
