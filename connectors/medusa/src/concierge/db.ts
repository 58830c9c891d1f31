import type { Knex } from '@medusajs/framework/mikro-orm/knex';

/** SQL with `?` placeholders (knex's), answering rows. */
export interface Sql {
  query<R extends object>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** The plugin's database: Medusa's own PostgreSQL connection; a transaction is one unit of work. */
export interface Db extends Sql {
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

function sqlOver(runner: Knex | Knex.Transaction): Sql {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      const result = (await runner.raw(text, params as Knex.RawBinding[])) as { rows: R[] };
      return result.rows;
    },
  };
}

export function knexDb(knex: Knex): Db {
  return {
    ...sqlOver(knex),
    transaction: (work) => knex.transaction((trx) => work(sqlOver(trx))),
  };
}
