/** Loose readers for the JSON objects the scheduler reads (pods, nodes, PDBs): never throw on odd shapes. */
export type Json = Record<string, unknown>;

export const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
export const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === "object" && !Array.isArray(x)) : []);
export const str = (v: unknown): string => (typeof v === "string" ? v : "");
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
export const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
export const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(rec(v))) if (typeof value === "string") out[k] = value;
  return out;
};
/** Milliseconds since the epoch of an RFC 3339 timestamp, or `fallback`. */
export const timeOf = (v: unknown, fallback = 0): number => {
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : fallback;
};
