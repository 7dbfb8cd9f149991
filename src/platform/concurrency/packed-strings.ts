/**
 * A list of strings (or nulls) as one string and the end of each item, to pass between threads:
 * `postMessage` clones an array of strings item by item (a third of an LDAP reading thread's time
 * went into cloning three arrays of 500 short strings per page), one string and one typed array
 * cost a copy each.
 */
export interface PackedStrings {
  text: string;
  /** End offset of each item in `text`; -1 for a null item. */
  ends: Int32Array;
}

/** Packs `values` (see {@link PackedStrings}). */
export function packStrings(values: ReadonlyArray<string | null>): PackedStrings {
  const ends = new Int32Array(values.length);
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      ends[i] = -1;
      continue;
    }
    text += value;
    ends[i] = text.length;
  }
  return { text, ends };
}

/** The strings {@link packStrings} packed, in order. */
export function unpackStrings(packed: PackedStrings): Array<string | null> {
  const { text, ends } = packed;
  const values = new Array<string | null>(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    if (end < 0) {
      values[i] = null;
      continue;
    }
    values[i] = text.slice(start, end);
    start = end;
  }
  return values;
}
