/**
 * Order of strings as UTF-8 bytes, which is Unicode code-point order and what Flink's STRING
 * comparison (BinaryStringData#compareTo) uses. JavaScript's `<` and localeCompare compare UTF-16
 * code units or collate, and both put U+FF21 after U+1F525, unlike UTF-8.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(j) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

/** The greater of two strings in UTF-8 byte order: what SQL MAX(STRING) picks. */
export const maxUtf8 = (a: string, b: string): string => (compareUtf8(a, b) >= 0 ? a : b);
