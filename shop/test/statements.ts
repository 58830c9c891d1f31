import type { Queryable } from '../db/database';

export interface RecordedStatement {
  sql: string;
  params: readonly unknown[];
}

/** `db`, recording every statement run through it, for tests that look at the SQL a call made. */
export function recordingQueryable(db: Queryable): { db: Queryable; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  return {
    statements,
    db: {
      query: (sql, params, options) => {
        statements.push({ sql, params: params ?? [] });
        return db.query(sql, params, options);
      },
    },
  };
}

/** One node of EXPLAIN (FORMAT JSON)'s plan tree: the fields the tests read. */
export interface PlanNode {
  /** `Seq Scan`, `Index Scan`, … */
  'Node Type'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  /** 0 for a node that never ran. */
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Runs `statement` under EXPLAIN ANALYZE and returns every node of its plan, root first. */
export async function analyzedPlanNodes(db: Queryable, statement: RecordedStatement): Promise<PlanNode[]> {
  const row = (
    await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`, statement.params)
  ).rows[0];
  // PostgreSQL's driver parses the json column; PGlite hands it over as text.
  const plan =
    typeof row?.['QUERY PLAN'] === 'string' ? (JSON.parse(row['QUERY PLAN']) as unknown) : row?.['QUERY PLAN'];
  const root = (plan as [{ Plan: PlanNode }] | undefined)?.[0]?.Plan;
  if (!root) throw new Error('EXPLAIN returned no plan');
  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
  return nodes(root);
}
