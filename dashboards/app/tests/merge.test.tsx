// Merging a pushed event's changed items into a list.
import { describe, expect, it } from 'vitest';
import { mergeById } from '../src/lib/merge.js';

describe('mergeById', () => {
  const list = [
    { id: 'a', v: 1 },
    { id: 'b', v: 1 },
    { id: 'c', v: 1 },
  ];

  it('replaces the changed items in place and keeps the others', () => {
    const out = mergeById(list, [{ id: 'c', v: 2 }, { id: 'a', v: 3 }]);
    expect(out).toEqual([
      { id: 'a', v: 3 },
      { id: 'b', v: 1 },
      { id: 'c', v: 2 },
    ]);
    expect(out[1]).toBe(list[1]);
    expect(list[0]).toEqual({ id: 'a', v: 1 });
  });

  it('appends an item the list does not have, and returns the list itself when nothing changed', () => {
    expect(mergeById(list, [{ id: 'd', v: 1 }]).map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(mergeById(list, [])).toBe(list);
  });
});
