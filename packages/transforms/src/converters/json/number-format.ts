/**
 * Number text exactly as Kafka's JsonConverter (Jackson on the JVM) writes it.
 *
 * - `double`: Java's `Double.toString` — the shortest decimal that rounds back to the value (JDK 19+
 *   semantics, which is what Jackson's fast writer also produces), plain between 10^-3 and 10^7
 *   (`1.0`, `123.45`, `0.001`), else computerized scientific notation (`1.0E7`, `1.5E-5`, `-2.0E100`).
 * - `float`: `Float.toString`, the same layout with the shortest digits that round back to the float32.
 * - `BigDecimal` (Decimal with `decimal.format=NUMERIC`): `BigDecimal.toString`, which switches to
 *   scientific notation for a negative scale or very small values (`1.2E-7`, `1.23E+4`).
 */

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
const FLOAT64_MIN_NORMAL = 2.2250738585072014e-308;

/** Java's `Double.toString(v)`. Non-finite values give `NaN`, `Infinity`, `-Infinity`. */
export function javaDoubleString(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(v)) return String(v);
  const a = v < 0 ? -v : v;
  if (a >= 1e-3 && a < 1e7) {
    // V8 prints this range in plain notation with the same shortest digits Java selects.
    const s = String(v);
    return Number.isInteger(v) ? `${s}.0` : s;
  }
  let exp = v.toExponential();
  if (a < FLOAT64_MIN_NORMAL && exp.indexOf('.') < 0) exp = twoDigitCandidate(v, exp, false);
  return layout(exp);
}

/** Java's `Float.toString(f)` of the float32 nearest to `v`. */
export function javaFloatString(v: number): string {
  const f = Math.fround(v);
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(f)) return String(f);
  let exp = shortestFloatExponential(f);
  const a = f < 0 ? -f : f;
  if (a < FLOAT32_MIN_NORMAL && exp.indexOf('.') < 0) exp = twoDigitCandidate(f, exp, true);
  if (a >= 1e-3 && a < 1e7) return plain(exp);
  return layout(exp);
}

/**
 * Shortest `d.ddde±x` text whose nearest float32 is `f` (the closest such text when several exist).
 * `toPrecision(p)` is the closest p-digit decimal; near a power of two the rounding interval is lopsided,
 * so its neighbours one unit away are tried as well.
 */
function shortestFloatExponential(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const candidate = f.toExponential(p - 1);
    if (Math.fround(Number(candidate)) === f) return evenOnTie(f, candidate, p);
    const [mantissa, e] = candidate.split('e') as [string, string];
    const negative = mantissa.startsWith('-');
    const digits = BigInt(mantissa.replace(/[-.]/g, ''));
    for (const d of [digits - 1n, digits + 1n]) {
      const text = `${negative ? '-' : ''}${d}e${Number(e) - (p - 1)}`;
      if (d > 0n && Math.fround(Number(text)) === f) return Number(text).toExponential(p - 1);
    }
  }
  return f.toExponential(8);
}

/**
 * `toExponential` breaks an exact tie upwards (2660952.25 → `2.660952e6`+3); Java takes the even digit
 * (2660952.2). A tie is when the float's exact value has one digit more, a 5.
 */
function evenOnTie(f: number, candidate: string, p: number): string {
  const finer = f.toExponential(p);
  const e = finer.indexOf('e');
  if (finer.charCodeAt(e - 1) !== 0x35 || Number(finer) !== f) return candidate;
  const [mantissa, exp] = candidate.split('e') as [string, string];
  const digits = BigInt(mantissa.replace(/[-.]/g, ''));
  if (digits % 2n === 0n) return candidate;
  const lower = Number(`${f < 0 ? '-' : ''}${digits - 1n}e${Number(exp) - (p - 1)}`);
  return Math.fround(lower) === f ? lower.toExponential(p - 1) : candidate;
}

/**
 * Java picks among 1- and 2-digit candidates when the shortest has one digit (matters only for
 * subnormals, whose rounding interval is wide): Float.MIN_VALUE prints `1.4E-45`, not `1.0E-45`.
 */
function twoDigitCandidate(v: number, oneDigit: string, float32: boolean): string {
  const two = v.toExponential(1);
  const back = Number(two);
  return (float32 ? Math.fround(back) : back) === v && !two.includes('.0e') ? two : oneDigit;
}

/** `[-]d[.ddd]e±x` → Java's `[-]d.dddE[-]x`. */
function layout(exp: string): string {
  const e = exp.indexOf('e');
  let mantissa = exp.slice(0, e);
  if (mantissa.indexOf('.') < 0) mantissa += '.0';
  const power = exp.charCodeAt(e + 1) === 0x2b /* + */ ? exp.slice(e + 2) : exp.slice(e + 1);
  return `${mantissa}E${power}`;
}

/** `[-]d[.ddd]e±x` with -3 ≤ x < 7 → plain notation with at least one fraction digit. */
function plain(exp: string): string {
  const e = exp.indexOf('e');
  const negative = exp.charCodeAt(0) === 0x2d;
  const digits = exp.slice(negative ? 1 : 0, e).replace('.', '');
  const power = Number(exp.slice(e + 1));
  let text: string;
  if (power < 0) text = `0.${'0'.repeat(-power - 1)}${digits}`;
  else if (digits.length > power + 1) text = `${digits.slice(0, power + 1)}.${digits.slice(power + 1)}`;
  else text = `${digits}${'0'.repeat(power + 1 - digits.length)}.0`;
  return negative ? `-${text}` : text;
}

/** Java's `BigDecimal.toString()` of `unscaled × 10^-scale`. */
export function bigDecimalString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const coeff = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + coeff;
  const adjusted = -scale + (coeff.length - 1);
  if (scale > 0 && adjusted >= -6) {
    const point = coeff.length - scale;
    if (point > 0) return `${sign}${coeff.slice(0, point)}.${coeff.slice(point)}`;
    return `${sign}0.${'0'.repeat(-point)}${coeff}`;
  }
  const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}
