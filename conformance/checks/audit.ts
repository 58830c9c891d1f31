import { AuditPage, type AuditCheckpoint, type AuditEvent } from '../../shared/api/audit';
import { CHAIN_START, verifyChain, type ChainState } from '../../shared/audit/chain';
import { checkCheckpoint } from '../../shared/audit/checkpoint';
import { nodeEd25519Verify, nodeSha256Hex } from '../../main/core/audit-mirror/node-crypto';
import type { ApiClient } from '../../main/core/api/api-client';
import { CheckFailed, expect, need, SkipCheck, type Check, type RunContext } from '../suite';
import { START } from './sessions';

const CHAIN = 'audit: the hash chain verifies from the first event';
const PAGE = 1000;

/** One page of GET /audit/events as the console's audit mirror reads it: raw bytes, parsed against AuditPage. */
async function readPage(client: ApiClient, after: number): Promise<AuditPage> {
  const bytes = await client.auditEvents(after, PAGE);
  const parsed = AuditPage.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
  if (!parsed.success) throw new CheckFailed(`an audit page (after ${after}) does not match AuditPage`);
  return parsed.data;
}

const describeBreak = (check: { badSeq: number; problem: string }) => `event ${check.badSeq}: ${check.problem}`;

/** Every page of the log from seq 0, each event's hash and link checked, ending at the head the shop states. */
async function chainVerifies(ctx: RunContext): Promise<string> {
  const { client } = await ctx.as('supervisor');
  const events: AuditEvent[] = [];
  let state: ChainState = CHAIN_START;
  let after = 0;
  let newest: AuditCheckpoint | null | undefined;
  for (;;) {
    const page = await readPage(client, after);
    newest = page.checkpoint;
    const check = verifyChain(page.events, state, nodeSha256Hex);
    if (!check.ok) throw new CheckFailed(`the chain breaks at ${describeBreak(check)}`);
    events.push(...page.events);
    state = { lastSeq: check.lastSeq, lastHash: check.lastHash };
    if (page.events.length === 0) {
      expect(page.head.seq === state.lastSeq, `the head is seq ${page.head.seq}, the last event read ${state.lastSeq}`);
      expect(page.head.hash === state.lastHash, `the head's hash is not event ${state.lastSeq}'s`);
      break;
    }
    expect(page.nextAfter > after, `nextAfter did not move on from ${after}`);
    after = page.nextAfter;
  }
  expect(events.length > 0, 'the audit log is empty');
  expect(events[0]?.seq === 1, `a reader of every event got seq ${events[0]?.seq ?? '?'} first, not 1`);
  ctx.state.audit = { events, hashes: new Map(events.map((e) => [e.seq, e.hash])) };
  return `${events.length} events, seq 1–${state.lastSeq}${newest ? `; newest checkpoint at ${newest.seq}` : ''}`;
}

async function allCheckpoints(client: ApiClient): Promise<AuditCheckpoint[]> {
  const all: AuditCheckpoint[] = [];
  for (let after = 0; ;) {
    const page = await client.auditCheckpoints(after, PAGE);
    all.push(...page.items);
    if (page.items.length === 0 || page.nextAfter <= after) return all;
    after = page.nextAfter;
  }
}

/** Each signed checkpoint: by a listed key, a valid Ed25519 signature, and the hash of the event the chain holds. */
async function checkpointsVerify(ctx: RunContext): Promise<string> {
  const { hashes } = need(ctx.state.audit, CHAIN);
  const { client } = await ctx.as('supervisor');
  const { keys } = await client.auditKeys();
  if (keys.length === 0) throw new SkipCheck('the shop lists no checkpoint signing keys (it does not sign)');
  const checkpoints = await allCheckpoints(client);
  if (checkpoints.length === 0) throw new CheckFailed(`${keys.length} key(s) listed but no signed checkpoint`);
  const byId = new Map(keys.map((k) => [k.keyId, k]));
  const verify = nodeEd25519Verify();
  let compared = 0;
  for (const checkpoint of checkpoints) {
    const result = checkCheckpoint(checkpoint, byId, (seq) => hashes.get(seq), verify);
    if (!result.ok) throw new CheckFailed(`checkpoint at seq ${checkpoint.seq}: ${result.problem}`);
    if (result.compared) compared += 1;
  }
  return `${checkpoints.length} checkpoint(s), ${keys.length} key(s); ${compared} compared with the chain`;
}

/** The sessions the suite ran are on record: start, handoff, end, and the refused start without consent. */
function sessionsOnRecord(ctx: RunContext): Promise<string> {
  const { events } = need(ctx.state.audit, CHAIN);
  const { session } = need(ctx.state.sessionA, START);
  const actions = new Set(events.filter((e) => e.sessionId === session.id).map((e) => e.action));
  for (const action of ['session.start', 'session.handoff_redeemed', 'session.end'] as const)
    expect(actions.has(action), `no ${action} event for ${session.id}`);
  const unconsented = ctx.state.customers?.unconsented.id;
  const refusal = events.some((e) => e.action === 'session.refused' && e.customerId === unconsented);
  expect(refusal, `no session.refused event for ${unconsented ?? 'the customer without consent'}`);
  return Promise.resolve(`${session.id}: start, handoff, end; the refused start`);
}

export const auditChecks: Check[] = [
  { name: CHAIN, run: chainVerifies },
  { name: 'audit: signed checkpoints verify with the listed keys', run: checkpointsVerify },
  { name: "audit: the suite's sessions and refusal are on record", run: sessionsOnRecord },
];
