import type { Customer } from '../../shared/api/shop';
import { expectRefusal, stepUp } from '../sign-in';
import { CheckFailed, expect, need, SkipCheck, type Check, type RunContext, type SignedIn } from '../suite';

const LOOKUP = 'customers: the staff file customers exist, consent as stated';
export const START = 'sessions: start a view session for a consenting customer';
const COLLEAGUE = "sessions: a colleague may not end an agent's session";

const firstAccount = (customer: Customer): string => {
  const account = customer.accounts[0];
  if (!account) throw new CheckFailed(`${customer.name} has no account`);
  return account.id;
};

function startView(agent: SignedIn, customer: Customer, stepUpToken: string, why: string) {
  return agent.client.createSession({
    customerId: customer.id,
    accountId: firstAccount(customer),
    mode: 'view',
    reason: `Conformance check: ${why}`,
    stepUpToken,
  });
}

async function consentRefused(ctx: RunContext): Promise<string> {
  const { unconsented } = need(ctx.state.customers, LOOKUP);
  const agent = await ctx.as('agent');
  const policy = await agent.client.assistPolicy();
  if (!policy.consentRequired) throw new SkipCheck("the shop's settings do not require consent");
  const token = await stepUp(agent, ctx.totp);
  await expectRefusal(startView(agent, unconsented, token, 'no consent'), [403], 'consent_required');
  return `${unconsented.name}: 403 consent_required`;
}

async function start(ctx: RunContext): Promise<string> {
  const { consented } = need(ctx.state.customers, LOOKUP);
  const agent = await ctx.as('agent');
  await expectRefusal(startView(agent, consented, 'x'.repeat(43), 'made-up step-up'), [401], 'step_up_required');
  const stepUpToken = await stepUp(agent, ctx.totp);
  const { session, handoffUrl } = await startView(agent, consented, stepUpToken, 'assisted session');
  expect(session.status === 'pending', `a new session is ${session.status}, not pending`);
  expect(session.customerId === consented.id, `the session is for ${session.customerId}, not ${consented.id}`);
  expect(session.staffId === agent.staff.id, `the session is ${session.staffId}'s, not ${agent.staff.id}'s`);
  ctx.state.sessionA = { session, handoffUrl, stepUpToken };
  return `${session.id} pending; handoff ${new URL(handoffUrl).pathname}`;
}

async function stepUpOnce(ctx: RunContext): Promise<string> {
  const { consented } = need(ctx.state.customers, LOOKUP);
  const { stepUpToken } = need(ctx.state.sessionA, START);
  const agent = await ctx.as('agent');
  await expectRefusal(startView(agent, consented, stepUpToken, 'step-up reuse'), [401], 'step_up_required');
  return 'second use: 401 step_up_required';
}

async function heartbeat(ctx: RunContext): Promise<string> {
  const { session } = need(ctx.state.sessionA, START);
  const agent = await ctx.as('agent');
  const lease = await agent.client.renewLease(session.id);
  const beat = await agent.client.heartbeat(session.id);
  expect(beat.status !== 'ended', `the session ended (${beat.endReason ?? '?'}) on a heartbeat`);
  expect(beat.consoleLeaseExpiresAt >= lease.consoleLeaseExpiresAt, 'a heartbeat moved the console lease back');
  expect(beat.lastActivityAt >= session.lastActivityAt, 'a heartbeat moved the last activity back');
  return `${beat.status}; lease until ${beat.consoleLeaseExpiresAt}`;
}

async function agentEnds(ctx: RunContext): Promise<string> {
  const { session } = need(ctx.state.sessionA, START);
  const agent = await ctx.as('agent');
  const ended = await agent.client.endSession(session.id, {});
  expect(ended.status === 'ended', `after end the session is ${ended.status}`);
  expect(ended.endReason === 'ended_by_agent', `end reason ${ended.endReason ?? 'none'}, not ended_by_agent`);
  await expectRefusal(agent.client.heartbeat(session.id), [409], 'session_ended');
  return 'ended_by_agent; a later heartbeat: 409 session_ended';
}

/** The agent who starts the session a supervisor terminates: a second agent where there is one. */
const starterOf = (ctx: RunContext) => ctx.as('agent', ctx.people('agent').length > 1 ? 1 : 0);

async function colleagueRefused(ctx: RunContext): Promise<string> {
  const { consented } = need(ctx.state.customers, LOOKUP);
  const starter = await starterOf(ctx);
  const created = await startView(starter, consented, await stepUp(starter, ctx.totp), 'supervisor terminate');
  ctx.state.sessionB = { session: created.session, agent: starter };
  const others = ctx.people('agent').length > 1 ? [await ctx.as('agent')] : [];
  if (ctx.people('trainee').length > 0) others.push(await ctx.as('trainee'));
  if (others.length === 0) throw new SkipCheck('the staff file has no second agent or trainee');
  for (const other of others)
    await expectRefusal(other.client.endSession(created.session.id, { note: 'not mine' }), [403, 404]);
  return `${others.map((o) => o.staff.role).join(' and ')} refused (403/404)`;
}

async function supervisorTerminates(ctx: RunContext): Promise<string> {
  const { session, agent } = need(ctx.state.sessionB, COLLEAGUE);
  const supervisor = await ctx.as('supervisor');
  const ended = await supervisor.client.endSession(session.id, { note: 'Conformance check: terminate' });
  expect(ended.status === 'ended', `after terminate the session is ${ended.status}`);
  expect(ended.endReason === 'terminated_by_supervisor', `end reason ${ended.endReason ?? 'none'}`);
  expect(ended.endedBy?.role === 'supervisor', `ended by ${ended.endedBy?.role ?? 'nobody'}, not a supervisor`);
  await expectRefusal(agent.client.heartbeat(session.id), [409], 'session_ended');
  return "terminated_by_supervisor; the agent's heartbeat: 409 session_ended";
}

/** Before the storefront checks: starting, step-up, consent. */
export const sessionStartChecks: Check[] = [
  { name: 'consent: a session without consent is refused (consent_required)', run: consentRefused },
  { name: START, run: start },
  { name: 'step-up: a step-up token works once', run: stepUpOnce },
];

export const heartbeatCheck: Check = { name: 'sessions: heartbeat renews the console lease', run: heartbeat };
export const agentEndCheck: Check = { name: 'sessions: the agent ends the session', run: agentEnds };

export const terminateChecks: Check[] = [
  { name: COLLEAGUE, run: colleagueRefused },
  { name: "sessions: a supervisor terminates an agent's session", run: supervisorTerminates },
];
