/**
 * resource.Quantity as far as validation needs it: the accepted syntax (apimachinery's
 * regular expression) and an approximate numeric value for comparisons (min ≤ max, > 0).
 * Quantities are stored as written; upstream re-serializes them canonically ("1000m" → "1").
 */

/** The text resource.ParseQuantity's error quotes. */
export const QUANTITY_REGEXP = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

const SYNTAX = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value, or undefined when `text` is not a quantity. A JSON number is a quantity too. */
export function parseQuantity(text: unknown): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) ? text : undefined;
  if (typeof text !== "string") return undefined;
  const m = SYNTAX.exec(text.trim() === text ? text : "");
  if (!m) return undefined;
  const base = Number(m[1]);
  const suffix = m[2] ?? "";
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  return base * (SUFFIX[suffix] ?? NaN);
}

/** The decode error for a value that is not a quantity (a 400, as when Go's decoder meets it). */
export const quantityDecodeError = (kind: string, version: string): string =>
  `${kind} in version "${version}" cannot be handled as a ${kind}: quantities must match the regular expression '${QUANTITY_REGEXP}'`;
