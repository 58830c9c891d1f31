import type { PGlite } from '@electric-sql/pglite';
import type { AuditEvent } from '../../../shared/api/audit';
import { AUDIT_COLUMN_LIST, eventFromRow, type StoredAuditRow } from '../../../shared/audit/codec';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { filterSql } from './filter-sql';
import { planQuery } from './query-plan';

/** Matching events oldest first, `pageSize` at a time, by keyset (seq > the last one), so deep pages stay fast. */
export async function* scanMatches(
  db: PGlite,
  chunkSize: number,
  filter: AuditFilter,
  pageSize: number,
): AsyncGenerator<AuditEvent[]> {
  const { range, plan } = await db.transaction((tx) => planQuery(tx, filter, chunkSize));
  const where = filterSql(filter, range, plan);
  let after = 0;
  for (;;) {
    const joiner = where.sql ? `${where.sql} AND` : 'WHERE';
    const page = await db.query<StoredAuditRow>(
      `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events ${joiner} seq > $${where.params.length + 1} ORDER BY seq LIMIT $${where.params.length + 2}`,
      [...where.params, after, pageSize],
    );
    const last = page.rows[page.rows.length - 1];
    if (!last) return;
    yield page.rows.map(eventFromRow);
    after = last.seq;
  }
}
