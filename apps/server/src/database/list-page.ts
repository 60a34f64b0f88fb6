import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';

/** ORDER BY a column expression, ascending or descending, nulls last; ties broken by id. */
export function sortBy(column: RawBuilder<unknown>, descending: boolean): RawBuilder<unknown> {
  return sql`${column} ${sql.raw(descending ? 'desc' : 'asc')} nulls last, id`;
}

/**
 * One page of a filtered list and the total it belongs to, as every `?page=&limit=` list answers:
 * the same filtered query, once for the rows and once for the count.
 */
export async function listPage<DB, TB extends keyof DB, Row>(
  filtered: SelectQueryBuilder<DB, TB, Record<never, never>>,
  order: RawBuilder<unknown>,
  page: { page: number; limit: number },
): Promise<{ rows: Row[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered
      .selectAll()
      .orderBy(order)
      .limit(page.limit)
      .offset((page.page - 1) * page.limit)
      .execute(),
    filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ]);
  // Kysely cannot follow the selection through the generic table here; the shape is the one above.
  return { rows: rows as Row[], total: Number((count as { total: string }).total) };
}
