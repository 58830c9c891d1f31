import {
  AuditQuery,
  AuditRecentQuery,
  AuditSearchQuery,
  AUDIT_ACTION_GROUPS,
  GENESIS_HASH,
} from '../../protocol/protocol';
import type { IUserModuleService } from '@medusajs/framework/types';
import { route } from '../router';
import { staffOf } from '../staff';
import { readerHead, readerScope, readEvents } from './read';

const pages = route({
  method: 'GET',
  path: '/audit/events',
  access: ['audit.read.own', 'audit.read.all'],
  query: AuditQuery,
  async handle({ deps, staff, query }) {
    const scope = readerScope(staff);
    const events = await readEvents(
      deps.db,
      `seq > ? AND ${scope.where}`,
      [query.after, ...scope.params],
      'ASC',
      query.limit,
    );
    const head = (await readerHead(deps.db, staff)) ?? { seq: 0, hash: GENESIS_HASH };
    return { body: { events, nextAfter: events.at(-1)?.seq ?? query.after, head } };
  },
});

const recent = route({
  method: 'GET',
  path: '/audit/recent',
  access: ['audit.read.own', 'audit.read.all'],
  query: AuditRecentQuery,
  async handle({ deps, staff, query }) {
    const scope = readerScope(staff);
    return { body: { events: await readEvents(deps.db, scope.where, scope.params, 'DESC', query.limit) } };
  },
});

async function allStaff(users: IUserModuleService) {
  const list = await users.listUsers({}, { take: 1000, order: { email: 'ASC' } });
  return list.flatMap((user) => {
    const staff = staffOf(user);
    return staff ? [{ id: staff.id, name: staff.name, email: staff.email, disabled: false }] : [];
  });
}

const directory = route({
  method: 'GET',
  path: '/audit/staff',
  access: ['audit.read.all'],
  async handle({ deps }) {
    return { body: { staff: await allStaff(deps.users) } };
  },
});

const search = route({
  method: 'GET',
  path: '/audit/search',
  access: ['audit.read.own', 'audit.read.all'],
  query: AuditSearchQuery,
  async handle({ deps, staff, query }) {
    const scope = readerScope(staff);
    const where = [scope.where];
    const params: unknown[] = [...scope.params];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.staffId) add('actor_id = ?', query.staffId);
    if (query.customerId) add('customer_id = ?', query.customerId);
    if (query.sessionId) add('session_id = ?', query.sessionId);
    if (query.action)
      query.action.endsWith('.') ? add('starts_with(action, ?)', query.action) : add('action = ?', query.action);
    if (query.actionGroup) add('action = ANY(?)', [...AUDIT_ACTION_GROUPS[query.actionGroup]]);
    if (query.from) add('at >= ?', new Date(query.from));
    if (query.to) add('at <= ?', new Date(query.to));
    if (query.before) add('seq < ?', query.before);
    const events = await readEvents(deps.db, where.join(' AND '), params, 'DESC', query.limit + 1);
    const page = events.slice(0, query.limit);
    return { body: { events: page, nextBefore: events.length > query.limit ? (page.at(-1)?.seq ?? null) : null } };
  },
});

// This connector does not sign checkpoints: it lists no keys, as the protocol lets a shop say.
const keys = route({
  method: 'GET',
  path: '/audit/keys',
  access: ['audit.read.own', 'audit.read.all'],
  async handle() {
    return { body: { keys: [] } };
  },
});

const checkpoints = route({
  method: 'GET',
  path: '/audit/checkpoints',
  access: ['audit.read.own', 'audit.read.all'],
  query: AuditQuery,
  async handle({ query }) {
    return { body: { items: [], nextAfter: query.after } };
  },
});

export const auditRoutes = [pages, recent, directory, search, keys, checkpoints];
