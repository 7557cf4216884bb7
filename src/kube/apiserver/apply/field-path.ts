/**
 * Path elements of structured-merge-diff (sigs.k8s.io/structured-merge-diff fieldpath): how one step into
 * an object is named in managedFields (`f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`), ordered and printed
 * (`.spec.containers[name="c"].image` in conflict messages) exactly as upstream does.
 */
import { goQuote } from "../../../shared/go-format.js";

/** One step: a map field, an associative-list item by its keys, a set item by value, an atomic-list index. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: readonly (readonly [string, unknown])[] }
  | { readonly value: unknown }
  | { readonly index: number };

export type Path = readonly PathElement[];

/** A managedFields key that could not be parsed (upstream refuses to decode such an entry). */
export class FieldPathError extends Error {
  override readonly name = "FieldPathError";
}

/** A path element of a type this version does not know: upstream drops it silently. */
export const UNKNOWN_ELEMENT = Symbol("unknown path element type");

export const fieldElement = (field: string): PathElement => ({ field });

/** A key element; fields are sorted by name as upstream's FieldList.Sort does. */
export function keyElement(fields: readonly (readonly [string, unknown])[]): PathElement {
  return { key: [...fields].sort((a, b) => compareStrings(a[0], b[0])) };
}

/** Characters Go's encoder escapes differently from JSON.stringify. */
const GO_DIFFERENT = /[<>&\u2028\u2029\b\f]/;
const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
  "\\b": "\\u0008",
  "\\f": "\\u000c",
};

/**
 * Go's JSON string encoding as jsoniter's standard-library-compatible config writes it: HTML-sensitive
 * characters and U+2028/U+2029 escaped, control characters other than \n \r \t as \u00XX.
 */
export function goJsonString(s: string): string {
  const json = JSON.stringify(s);
  if (!GO_DIFFERENT.test(s)) return json;
  // Escape pairs are consumed whole, so an escaped backslash before a `b` stays as it is.
  return json.replace(/\\.|[<>&\u2028\u2029]/g, (m) => GO_ESCAPES[m] ?? m);
}

/** A JSON value as Go encodes it (sorted map keys, Go string escaping). */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort(compareStrings);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(obj[k])}`).join(",")}}`;
}

/** The managedFields spelling of an element (serializePathElementToWriter). */
export function serializeElement(pe: PathElement): string {
  if ("field" in pe) return `f:${pe.field}`;
  if ("key" in pe) return `k:{${pe.key.map(([name, v]) => `${goJsonString(name)}:${goJson(v)}`).join(",")}}`;
  if ("value" in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

/**
 * Parses a managedFields key (DeserializePathElement). Unknown element types give UNKNOWN_ELEMENT, which
 * upstream skips; malformed keys throw.
 */
export function parseElement(s: string): PathElement | typeof UNKNOWN_ELEMENT {
  if (s.length < 2) throw new FieldPathError("key must be 2 characters long:");
  if (s[1] !== ":") throw new FieldPathError(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case "f":
      return { field: body };
    case "v":
      return { value: parseJson(body) };
    case "k": {
      const parsed = parseJson(body);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new FieldPathError(`expected an object as the key of ${s}`);
      }
      return keyElement(Object.entries(parsed));
    }
    case "i": {
      if (!/^[+-]?\d+$/.test(body)) throw new FieldPathError(`strconv.Atoi: parsing "${body}": invalid syntax`);
      return { index: Number(body) };
    }
    default:
      return UNKNOWN_ELEMENT;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FieldPathError((error as Error).message);
  }
}

/**
 * Go's strings.Compare: byte order of the UTF-8 encodings, which is code point order. UTF-16 order (JS's
 * `<`) only differs from it where a surrogate meets a character from U+E000 up.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0xd800 && cb < 0xd800) return ca < cb ? -1 : 1;
    const pa = a.codePointAt(i) ?? 0;
    const pb = b.codePointAt(i) ?? 0;
    return pa < pb ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

const typeRank = (v: unknown): number => {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === "object") return 4;
  return 5;
};

/** value.Compare: numbers, then strings, booleans, lists, maps, null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }
  if (ra === 4) {
    const ea = Object.entries(a as object).sort((x, y) => compareStrings(x[0], y[0]));
    const eb = Object.entries(b as object).sort((x, y) => compareStrings(x[0], y[0]));
    return compareFieldLists(ea, eb);
  }
  return 0;
}

function compareFieldLists(a: readonly (readonly [string, unknown])[], b: readonly (readonly [string, unknown])[]): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const [na, va] = a[i] as readonly [string, unknown];
    const [nb, vb] = b[i] as readonly [string, unknown];
    const c = compareStrings(na, nb) || compareValues(va, vb);
    if (c !== 0) return c;
  }
}

const elementRank = (pe: PathElement): number => ("field" in pe ? 0 : "key" in pe ? 1 : "value" in pe ? 2 : 3);

/** PathElement.Compare: fields, then keys, values, indexes; each ordered within its kind. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ra = elementRank(a);
  const rb = elementRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ("field" in a && "field" in b) return compareStrings(a.field, b.field);
  if ("key" in a && "key" in b) return compareFieldLists(a.key, b.key);
  if ("value" in a && "value" in b) return compareValues(a.value, b.value);
  const ia = (a as { index: number }).index;
  const ib = (b as { index: number }).index;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** value.ToString, as the human-readable form of keys and set values. */
function valueToString(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(",")}]`;
  return Object.entries(v as object)
    .map(([k, item]) => `${k}=${valueToString(item)}`)
    .join("");
}

/** PathElement.String. */
export function elementToString(pe: PathElement): string {
  if ("field" in pe) return `.${pe.field}`;
  if ("key" in pe) return `[${pe.key.map(([name, v]) => `${name}=${valueToString(v)}`).join(",")}]`;
  if ("value" in pe) return `[=${valueToString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** Path.String: `.spec.template.spec.containers[name="c"].image`. */
export const pathToString = (path: Path): string => path.map(elementToString).join("");
