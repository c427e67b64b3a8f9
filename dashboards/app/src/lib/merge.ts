// Read models kept fresh by pushed events: an event carries only the items that changed, each whole.

/**
 * The list with each item of `changed` in place of the one with its id; an item the list does not
 * have yet is appended. The list's order is kept, and it is returned as is when nothing changed.
 */
export function mergeById<T extends { id: string }>(list: readonly T[], changed: readonly T[]): T[] {
  if (!changed.length) return list as T[];
  const byId = new Map(changed.map((x) => [x.id, x]));
  const out = list.map((x) => {
    const next = byId.get(x.id);
    if (!next) return x;
    byId.delete(x.id);
    return next;
  });
  return [...out, ...byId.values()];
}
