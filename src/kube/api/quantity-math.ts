/**
 * Exact resource.Quantity arithmetic for admission and quota: values as whole milli-units
 * (bigint, rounded up as Quantity.MilliValue does) and upstream's canonical String() form
 * ("1500m", "2", "256Mi", "1G"), so sums and messages read as kube-apiserver writes them.
 */

const SYNTAX = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** A quantity: its value in milli-units and whether it was written with a binary suffix. */
export interface Milli {
  milli: bigint;
  binary: boolean;
}

const ceilDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
};

/** The quantity's exact value in milli-units (rounded up), or undefined when it is not a quantity. */
export function parseMilli(text: unknown): Milli | undefined {
  if (typeof text === "number") {
    if (!Number.isFinite(text)) return undefined;
    return { milli: BigInt(Math.ceil(text * 1000)), binary: false };
  }
  if (typeof text !== "string") return undefined;
  const m = SYNTAX.exec(text);
  if (!m) return undefined;
  const [, sign, number = "", suffix = ""] = m;
  const [whole = "", fraction = ""] = number.split(".");
  let numerator = BigInt((whole || "0") + fraction) * (sign === "-" ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  const binary = suffix in BINARY;
  if (binary) numerator *= 1024n ** BigInt(BINARY[suffix] ?? 0);
  else {
    const exponent = suffix in DECIMAL ? (DECIMAL[suffix] ?? 0) : Number(suffix.slice(1));
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return { milli: ceilDiv(numerator * 1000n, denominator), binary };
}

/** Quantity.String() of a value: binary suffixes for binary quantities that divide evenly, else decimal SI. */
export function formatMilli(q: Milli): string {
  const { milli, binary } = q;
  if (milli === 0n) return "0";
  const negative = milli < 0n;
  const abs = negative ? -milli : milli;
  const sign = negative ? "-" : "";
  if (abs % 1000n !== 0n) return `${sign}${abs}m`;
  let units = abs / 1000n;
  if (binary && units >= 1024n) {
    const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let i = 0;
    while (i < 6 && units % 1024n === 0n) {
      units /= 1024n;
      i++;
    }
    if (i > 0) return `${sign}${units}${suffixes[i]}`;
  }
  const suffixes = ["", "k", "M", "G", "T", "P", "E"];
  let i = 0;
  while (i < 6 && units % 1000n === 0n) {
    units /= 1000n;
    i++;
  }
  return `${sign}${units}${suffixes[i]}`;
}

/** Canonical text of a stored quantity ("1.5" → "1500m"); what is not a quantity is shown as written. */
export const canonicalQuantity = (text: unknown): string => {
  const q = parseMilli(text);
  return q ? formatMilli(q) : String(text);
};

/** Quantity.Add: the sum keeps the format of the first non-zero operand, as a zero Quantity adopts its addend's. */
export function addMilli(a: Milli | undefined, b: Milli): Milli {
  if (!a) return { ...b };
  return { milli: a.milli + b.milli, binary: a.milli === 0n ? b.binary : a.binary };
}

/** A resource list (name → quantity) parsed; entries that are not quantities are skipped. */
export type ResourceList = Map<string, Milli>;

export function parseResourceList(raw: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const q = parseMilli(v);
    if (q) out.set(k, q);
  }
  return out;
}

/** quota.Add of two resource lists. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) out.set(k, addMilli(out.get(k), v));
  return out;
}

/** The list as JSON, quantities in canonical form, keys sorted. */
export function listToJson(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...list.keys()].sort()) out[k] = formatMilli(list.get(k) as Milli);
  return out;
}
