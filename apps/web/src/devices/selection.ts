import { bulkTagSchema, tagsSchema, type BulkTag } from '@ecogrid/contracts';

/**
 * Bulk selection on the devices table outlives paging (select on page 1, go on to page 2 and add
 * more), so it is kept as ids; the rows seen are remembered to export or describe the selection.
 */
export type Selection = ReadonlySet<string>;

export const emptySelection: Selection = new Set();

/** The selected rows among those seen, in selection order. */
export function selectedRows<Row extends { id: string }>(
  selection: Selection,
  seen: ReadonlyMap<string, Row>,
): Row[] {
  return [...selection].flatMap((id) => {
    const row = seen.get(id);
    return row ? [row] : [];
  });
}

/** Tags typed as "a, b; c" → ["a", "b", "c"], without empties or repeats. */
export function splitTags(text: string): string[] {
  const tags = text
    .split(/[,;\n]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
  return [...new Set(tags)];
}

export type BulkTagResult =
  | { ok: true; body: BulkTag }
  | { ok: false; errors: { add?: string; remove?: string; form?: string } };

export function buildBulkTag(
  selection: Selection,
  addText: string,
  removeText: string,
): BulkTagResult {
  const add = splitTags(addText);
  const remove = splitTags(removeText);
  const errors: { add?: string; remove?: string; form?: string } = {};
  const addCheck = tagsSchema.safeParse(add);
  if (!addCheck.success) errors.add = tagIssue(addCheck.error.issues, add);
  const removeCheck = tagsSchema.safeParse(remove);
  if (!removeCheck.success) errors.remove = tagIssue(removeCheck.error.issues, remove);
  const both = add.filter((tag) => remove.includes(tag));
  if (both.length > 0) errors.form = `Add or remove "${both[0]}", not both`;
  if (selection.size === 0) errors.form = 'Select at least one device';
  else if (add.length + remove.length === 0) errors.form = 'Enter a tag to add or remove';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const body = bulkTagSchema.safeParse({ deviceIds: [...selection], add, remove });
  if (!body.success) return { ok: false, errors: { form: body.error.issues[0]!.message } };
  return { ok: true, body: body.data };
}

function tagIssue(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  tags: readonly string[],
): string {
  const issue = issues[0]!;
  const index = issue.path[0];
  const tag = typeof index === 'number' ? tags[index] : undefined;
  return tag === undefined ? issue.message : `"${tag}": ${issue.message}`;
}
