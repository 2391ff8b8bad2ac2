/**
 * Guava's `CaseFormat`, which RocketMQ Connect's ChangeCase uses: the source format says where words
 * start (`-`, `_` or an upper-case ASCII letter), the target format how to join and case them.
 */
export const CASE_FORMATS = [
  'LOWER_HYPHEN',
  'LOWER_UNDERSCORE',
  'LOWER_CAMEL',
  'UPPER_CAMEL',
  'UPPER_UNDERSCORE',
] as const;
export type CaseFormat = (typeof CASE_FORMATS)[number];

const SEPARATOR: Readonly<Record<CaseFormat, string>> = {
  LOWER_HYPHEN: '-',
  LOWER_UNDERSCORE: '_',
  LOWER_CAMEL: '',
  UPPER_CAMEL: '',
  UPPER_UNDERSCORE: '_',
};

/** ASCII-only case changes, as Guava's `Ascii`. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}
function firstCharOnlyToUpper(word: string): string {
  return word === '' ? word : asciiUpper(word[0]!) + asciiLower(word.slice(1));
}

function normalizeWord(format: CaseFormat, word: string): string {
  switch (format) {
    case 'LOWER_HYPHEN':
    case 'LOWER_UNDERSCORE':
      return asciiLower(word);
    case 'UPPER_UNDERSCORE':
      return asciiUpper(word);
    default:
      return firstCharOnlyToUpper(word);
  }
}

function normalizeFirstWord(format: CaseFormat, word: string): string {
  return format === 'LOWER_CAMEL' ? asciiLower(word) : normalizeWord(format, word);
}

function boundary(format: CaseFormat, s: string, from: number): number {
  if (SEPARATOR[format] !== '') return s.indexOf(SEPARATOR[format], from);
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return i;
  }
  return -1;
}

/** `from.to(to, s)` of Guava: converts an identifier from one case format to another. */
export function convertCase(from: CaseFormat, to: CaseFormat, s: string): string {
  if (from === to) return s;
  // Guava's shortcuts, which keep characters the general path would re-case.
  if (from === 'LOWER_HYPHEN' && to === 'LOWER_UNDERSCORE') return s.replaceAll('-', '_');
  if (from === 'LOWER_HYPHEN' && to === 'UPPER_UNDERSCORE') return asciiUpper(s.replaceAll('-', '_'));
  if (from === 'LOWER_UNDERSCORE' && to === 'LOWER_HYPHEN') return s.replaceAll('_', '-');
  if (from === 'LOWER_UNDERSCORE' && to === 'UPPER_UNDERSCORE') return asciiUpper(s);
  if (from === 'UPPER_UNDERSCORE' && to === 'LOWER_HYPHEN') return asciiLower(s.replaceAll('_', '-'));
  if (from === 'UPPER_UNDERSCORE' && to === 'LOWER_UNDERSCORE') return asciiLower(s);
  const sepLength = SEPARATOR[from].length;
  let out = '';
  let i = 0;
  for (let j = boundary(from, s, 0); j !== -1; j = boundary(from, s, j + 1)) {
    if (i === 0) out = normalizeFirstWord(to, s.slice(i, j));
    else out += normalizeWord(to, s.slice(i, j));
    out += SEPARATOR[to];
    i = j + sepLength;
  }
  return i === 0 ? normalizeFirstWord(to, s) : out + normalizeWord(to, s.slice(i));
}
