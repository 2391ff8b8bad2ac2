/**
 * Java's `java.text.SimpleDateFormat` in UTC with the US locale, as Kafka's TimestampConverter and
 * TimestampRouter use it (they set the time zone to UTC).
 *
 * Pattern letters: `G` era, `y` year, `Y` week year, `M`/`L` month (1–2 letters a number, 3 `Jan`,
 * 4+ `January`), `w` week in year, `W` week in month, `D` day in year, `d` day in month, `F` day of
 * week in month, `E` day name (`Mon`/`Monday`), `u` day number (1 = Monday), `a` AM/PM, `H` hour
 * 0–23, `k` 1–24, `K` 0–11, `h` 1–12, `m` minute, `s` second, `S` millisecond, `z` `UTC`, `Z`
 * `+0000`, `X` `Z`. Text in single quotes is literal, `''` is a quote; other non-letters are literal.
 *
 * Parsing is lenient as Java's default: out-of-range values roll over (month 13 is January of the next
 * year), a numeric field reads all its digits unless the next field is numeric too (then it reads
 * exactly its width), two-digit years fall within 80 years before and 20 after now, text after the
 * pattern is ignored, and a zone (`Z`, `UTC`, `GMT+01:00`, `+0100`, `+01:00`) shifts the instant.
 * Named zones other than UTC/GMT/UT are not supported.
 */

const DAY = 86_400_000;
const JAVA_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ZONE_NAMES = ['Coordinated Universal Time', 'Greenwich Mean Time', 'UTC', 'GMT', 'UT'];

type Token = { readonly literal: string } | { readonly letter: string; readonly count: number };

function isNumeric(t: Token | undefined): boolean {
  if (t === undefined || !('letter' in t)) return false;
  if (t.letter === 'M' || t.letter === 'L') return t.count <= 2;
  return 'yYwWDdFuHkKhmsS'.includes(t.letter);
}

/** A compiled SimpleDateFormat pattern. Immutable: share one per config. */
export class SimpleDateFormat {
  readonly pattern: string;
  readonly #tokens: readonly Token[];
  readonly #centuryStartYear: number;

  /** @throws Error naming the problem when the pattern is not a valid SimpleDateFormat pattern. */
  constructor(pattern: string, now: number = Date.now()) {
    this.pattern = pattern;
    this.#tokens = compile(pattern);
    this.#centuryStartYear = new Date(now).getUTCFullYear() - 80;
  }

  /** Formats an instant (a Date or milliseconds since the epoch) in UTC. */
  format(instant: Date | number): string {
    const ms = typeof instant === 'number' ? instant : instant.getTime();
    const date = new Date(ms);
    let out = '';
    for (const t of this.#tokens) out += 'literal' in t ? t.literal : formatField(t.letter, t.count, date, ms);
    return out;
  }

  /**
   * Parses text into an instant, leniently as Java does.
   * @throws Error when the text does not match the pattern.
   */
  parse(text: string): Date {
    const f = {
      year: 1970,
      month: 0,
      day: 1,
      dayOfYear: -1,
      hour: 0,
      hour12: -1,
      pm: false,
      minute: 0,
      second: 0,
      millis: 0,
      offset: 0,
    };
    let pos = 0;
    const fail = (): never => {
      throw new Error(`value (${text}) does not match pattern (${this.pattern})`);
    };
    for (let i = 0; i < this.#tokens.length; i++) {
      const t = this.#tokens[i]!;
      if ('literal' in t) {
        if (!text.startsWith(t.literal, pos)) fail();
        pos += t.literal.length;
        continue;
      }
      const { letter, count } = t;
      if (isNumeric(t)) {
        const width = isNumeric(this.#tokens[i + 1]) ? count : Number.POSITIVE_INFINITY;
        const start = pos;
        while (pos < text.length && pos - start < width && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) {
          pos++;
        }
        if (pos === start || (width !== Number.POSITIVE_INFINITY && pos - start < width)) fail();
        const v = Number(text.slice(start, pos));
        switch (letter) {
          case 'y':
          case 'Y':
            f.year = count <= 2 && pos - start === 2 ? this.#twoDigitYear(v) : v;
            break;
          case 'M':
          case 'L':
            f.month = v - 1;
            break;
          case 'd':
            f.day = v;
            break;
          case 'D':
            f.dayOfYear = v;
            break;
          case 'H':
            f.hour = v;
            break;
          case 'k':
            f.hour = v === 24 ? 0 : v;
            break;
          case 'K':
            f.hour12 = v;
            break;
          case 'h':
            f.hour12 = v === 12 ? 0 : v;
            break;
          case 'm':
            f.minute = v;
            break;
          case 's':
            f.second = v;
            break;
          case 'S':
            f.millis = v;
            break;
          // w, W, F, u: implied by the date fields, as in Java when a full date is given.
        }
        continue;
      }
      switch (letter) {
        case 'M':
        case 'L': {
          const m = matchName(text, pos, MONTHS);
          if (m === undefined) fail();
          f.month = m!.index;
          pos += m!.length;
          break;
        }
        case 'E': {
          const m = matchName(text, pos, DAYS);
          if (m === undefined) fail();
          pos += m!.length;
          break;
        }
        case 'a': {
          const m = matchText(text, pos, ['AM', 'PM']);
          if (m === undefined) fail();
          f.pm = m!.index === 1;
          pos += 2;
          break;
        }
        case 'G': {
          const m = matchText(text, pos, ['AD', 'BC']);
          if (m === undefined) fail();
          if (m!.index === 1) f.year = 1 - f.year;
          pos += 2;
          break;
        }
        default: {
          // z, Z, X
          const zone = parseZone(text, pos);
          if (zone === undefined) fail();
          f.offset = zone!.offset;
          pos = zone!.end;
        }
      }
    }
    if (f.hour12 >= 0) f.hour = f.hour12 + (f.pm ? 12 : 0);
    const d = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
    if (f.dayOfYear >= 0 && f.month === 0 && f.day === 1) d.setUTCFullYear(f.year, 0, f.dayOfYear);
    else d.setUTCFullYear(f.year, f.month, f.day);
    d.setUTCHours(f.hour, f.minute, f.second, f.millis);
    const ms = d.getTime() - f.offset;
    if (!Number.isFinite(ms)) fail();
    return new Date(ms);
  }

  #twoDigitYear(v: number): number {
    const start = this.#centuryStartYear;
    const ambiguous = start % 100;
    return v + Math.floor(start / 100) * 100 + (v < ambiguous ? 100 : 0);
  }
}

function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  const pushLiteral = () => {
    if (literal !== '') tokens.push({ literal });
    literal = '';
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new Error(`Unterminated quote in pattern '${pattern}'`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            literal += "'";
            j += 2;
            continue;
          }
          break;
        }
        literal += pattern[j];
        j++;
      }
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!JAVA_LETTERS.includes(c)) throw new Error(`Illegal pattern character '${c}' in pattern '${pattern}'`);
      let j = i;
      while (pattern[j] === c) j++;
      const count = j - i;
      if (c === 'X' && count > 3) throw new Error(`invalid ISO 8601 format: length=${count}`);
      pushLiteral();
      tokens.push({ letter: c, count });
      i = j;
      continue;
    }
    literal += c;
    i++;
  }
  pushLiteral();
  return tokens;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function daysSinceEpochOfYearStart(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return Math.floor(d.getTime() / DAY);
}

function dayOfWeek(epochDay: number): number {
  // 1970-01-01 was a Thursday; 0 = Sunday.
  return (((epochDay + 4) % 7) + 7) % 7;
}

/** Week of year and week year with the US rules: weeks start on Sunday, week 1 contains January 1. */
function weekOfYear(ms: number, year: number): { week: number; weekYear: number } {
  const day = Math.floor(ms / DAY);
  const weekStart = day - dayOfWeek(day);
  if (weekStart + 6 >= daysSinceEpochOfYearStart(year + 1)) return { week: 1, weekYear: year + 1 };
  const jan1 = daysSinceEpochOfYearStart(year);
  return { week: Math.floor((day - jan1 + dayOfWeek(jan1)) / 7) + 1, weekYear: year };
}

function formatYear(year: number, count: number): string {
  const y = year > 0 ? year : 1 - year;
  return count === 2 ? pad(y % 100, 2) : pad(y, count);
}

function formatField(letter: string, count: number, d: Date, ms: number): string {
  switch (letter) {
    case 'G':
      return d.getUTCFullYear() > 0 ? 'AD' : 'BC';
    case 'y':
      return formatYear(d.getUTCFullYear(), count);
    case 'Y':
      return formatYear(weekOfYear(ms, d.getUTCFullYear()).weekYear, count);
    case 'M':
    case 'L': {
      const m = d.getUTCMonth();
      if (count >= 4) return MONTHS[m]!;
      if (count === 3) return MONTHS[m]!.slice(0, 3);
      return pad(m + 1, count);
    }
    case 'w':
      return pad(weekOfYear(ms, d.getUTCFullYear()).week, count);
    case 'W': {
      const first = Math.floor(ms / DAY) - (d.getUTCDate() - 1);
      return pad(Math.floor((d.getUTCDate() - 1 + dayOfWeek(first)) / 7) + 1, count);
    }
    case 'D':
      return pad(Math.floor(ms / DAY) - daysSinceEpochOfYearStart(d.getUTCFullYear()) + 1, count);
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'F':
      return pad(Math.floor((d.getUTCDate() - 1) / 7) + 1, count);
    case 'E': {
      const name = DAYS[d.getUTCDay()]!;
      return count >= 4 ? name : name.slice(0, 3);
    }
    case 'u':
      return pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), count);
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(d.getUTCHours(), count);
    case 'k':
      return pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), count);
    case 'K':
      return pad(d.getUTCHours() % 12, count);
    case 'h':
      return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    case 'S':
      return pad(d.getUTCMilliseconds(), count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    default:
      // X: ISO 8601 zone, 'Z' for UTC at every width.
      return 'Z';
  }
}

function matchText(text: string, pos: number, options: readonly string[]): { index: number } | undefined {
  const upper = text.slice(pos, pos + 2).toUpperCase();
  const index = options.indexOf(upper);
  return index < 0 ? undefined : { index };
}

/** Matches a full or 3-letter name, case-insensitively, preferring the full one. */
function matchName(text: string, pos: number, names: readonly string[]): { index: number; length: number } | undefined {
  const rest = text.slice(pos).toLowerCase();
  for (const [index, name] of names.entries())
    if (rest.startsWith(name.toLowerCase())) return { index, length: name.length };
  for (const [index, name] of names.entries()) {
    if (rest.startsWith(name.slice(0, 3).toLowerCase())) return { index, length: 3 };
  }
  return undefined;
}

const OFFSET_RE = /^([+-])(\d{1,2})(?::?(\d{2}))?/;

function parseZone(text: string, pos: number): { offset: number; end: number } | undefined {
  if (text[pos] === 'Z') return { offset: 0, end: pos + 1 };
  let end = pos;
  const upper = text.slice(pos).toUpperCase();
  const name = ZONE_NAMES.find((n) => upper.startsWith(n.toUpperCase()));
  if (name !== undefined) end += name.length;
  const m = OFFSET_RE.exec(text.slice(end));
  if (m === null) return name === undefined ? undefined : { offset: 0, end };
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 23 || minutes > 59) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  return { offset: sign * (hours * 60 + minutes) * 60_000, end: end + m[0].length };
}
