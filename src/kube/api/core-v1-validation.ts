/**
 * Per-kind data rules of core/v1 ConfigMap and Secret, as kube-apiserver applies them
 * (pkg/apis/core/validation ValidateConfigMap/ValidateSecret and their Update variants, the
 * v1→internal Secret conversion, SetDefaults_Secret). Messages and field paths are upstream's,
 * so `kubectl` prints the same `The Secret "s" is invalid: data[a b]: Invalid value: ...`.
 */
import { goQuote } from "../../shared/go-format.js";
import type { FieldCause } from "./descriptor.js";
import type { StoredObject } from "./types.js";

/** core.MaxSecretSize: the total bytes of a Secret's or ConfigMap's values. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_MAP_KEY_RE = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`);
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const IMMUTABLE_MSG = "field is immutable when `immutable` is set";

/** apimachinery validation.IsConfigMapKey: the messages for an invalid data key, [] when valid. */
export function configMapKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  if (!CONFIG_MAP_KEY_RE.test(key)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' " +
        `(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${CONFIG_MAP_KEY_FMT}')`,
    );
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

const invalid = (field: string, value: string, detail: string): FieldCause => ({
  field,
  reason: "FieldValueInvalid",
  message: `Invalid value: ${goQuote(value)}: ${detail}`,
});
const required = (field: string): FieldCause => ({ field, reason: "FieldValueRequired", message: "Required value" });
const forbidden = (field: string, detail: string): FieldCause => ({ field, reason: "FieldValueForbidden", message: `Forbidden: ${detail}` });
const tooLong = (field: string, max: number): FieldCause => ({
  field,
  reason: "FieldValueTooLong",
  message: `Too long: may not be more than ${max} ${max === 1 ? "byte" : "bytes"}`,
});

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map([...B64].map((ch, i) => [ch.charCodeAt(0), i]));

/**
 * Where Go's base64.StdEncoding.DecodeString fails on `s` (the byte offset it reports as
 * "illegal base64 data at input byte N"), or undefined when `s` decodes. Like Go, CR and LF
 * are skipped and padding is required.
 */
export function goBase64ErrorOffset(s: string): number | undefined {
  const src = Buffer.from(s, "utf8");
  const isNl = (b: number | undefined) => b === 0x0a || b === 0x0d;
  let si = 0;
  while (si < src.length) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return si - j;
      }
      const b = src[si++]!;
      if (B64_INDEX.has(b)) continue;
      if (isNl(b)) {
        j--;
        continue;
      }
      if (b !== 0x3d) return si - 1;
      if (j < 2) return si - 1;
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== 0x3d) return si - 1;
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      return si < src.length ? si : undefined;
    }
  }
  return undefined;
}

/** Decoded length of a value that `goBase64ErrorOffset` accepted. */
const decodedLength = (s: string): number => Buffer.from(s.replace(/[\r\n]/g, ""), "base64").length;

/**
 * The 400 message kube-apiserver gives when a []byte map (Secret.data, ConfigMap.binaryData)
 * holds a value that is not base64: `Secret in version "v1" cannot be handled as a Secret:
 * illegal base64 data at input byte 3`. This is a decode error, not a validation cause, so the
 * registry should call it before prepare/validate and answer BadRequest.
 */
export function base64DecodeError(kind: string, obj: Record<string, unknown>): string | undefined {
  const field = kind === "Secret" ? "data" : kind === "ConfigMap" ? "binaryData" : undefined;
  if (!field) return undefined;
  for (const value of Object.values(stringMap(obj[field]))) {
    const at = goBase64ErrorOffset(value);
    if (at !== undefined) return `${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${at}`;
  }
  return undefined;
}

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === "string") out[k] = x;
  return out;
}

/** Secret.data as the internal type sees it: stringData merged over data, both base64. */
function mergedSecretData(obj: StoredObject): Record<string, string> {
  const data = { ...stringMap(obj.data) };
  for (const [k, v] of Object.entries(stringMap(obj.stringData))) data[k] = Buffer.from(v, "utf8").toString("base64");
  return data;
}

const sortedEntries = (m: Record<string, string>) => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** ValidateConfigMap (object-meta rules are the registry's). Keys are visited sorted; Go's map order is random. */
export function validateConfigMap(obj: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const data = stringMap(obj.data);
  const binaryData = stringMap(obj.binaryData);
  let total = 0;
  for (const [key, value] of sortedEntries(data)) {
    for (const msg of configMapKeyErrors(key)) causes.push(invalid(`data[${key}]`, key, msg));
    if (key in binaryData) causes.push(invalid(`data[${key}]`, key, "duplicate of key present in binaryData"));
    total += Buffer.byteLength(value, "utf8");
  }
  for (const [key, value] of sortedEntries(binaryData)) {
    for (const msg of configMapKeyErrors(key)) causes.push(invalid(`binaryData[${key}]`, key, msg));
    if (goBase64ErrorOffset(value) === undefined) total += decodedLength(value);
  }
  // Upstream reports the whole object: field.NewPath("") renders as "".
  if (total > MAX_SECRET_SIZE) causes.push(tooLong("", MAX_SECRET_SIZE));
  return causes;
}

/** An absent map and an empty one both mean "no data" once stored (omitempty), so compare them equal. */
function sameMap(a: unknown, b: unknown): boolean {
  const x = sortedEntries(stringMap(a));
  const y = sortedEntries(stringMap(b));
  return x.length === y.length && x.every(([k, v], i) => y[i]![0] === k && y[i]![1] === v);
}

/**
 * The update-only part of ValidateConfigMapUpdate: immutable ConfigMaps keep their data.
 * The registry runs `validate` on updates too, so ValidateConfigMap's causes are not repeated here.
 */
export function validateConfigMapUpdate(obj: StoredObject, old: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  if (old.immutable === true) {
    if (obj.immutable !== true) causes.push(forbidden("immutable", IMMUTABLE_MSG));
    if (!sameMap(obj.data, old.data)) causes.push(forbidden("data", IMMUTABLE_MSG));
    if (!sameMap(obj.binaryData, old.binaryData)) causes.push(forbidden("binaryData", IMMUTABLE_MSG));
  }
  return causes;
}

/** ValidateSecret: data keys, total size, and the keys each built-in secret type requires. */
export function validateSecret(obj: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const data = mergedSecretData(obj);
  let total = 0;
  for (const [key, value] of sortedEntries(data)) {
    for (const msg of configMapKeyErrors(key)) causes.push(invalid(`data[${key}]`, key, msg));
    if (goBase64ErrorOffset(value) === undefined) total += decodedLength(value);
  }
  if (total > MAX_SECRET_SIZE) causes.push(tooLong("data", MAX_SECRET_SIZE));

  const has = (k: string) => k in data;
  const annotations = obj.metadata.annotations ?? {};
  switch (typeof obj.type === "string" ? obj.type : "") {
    case "kubernetes.io/service-account-token":
      if (!annotations["kubernetes.io/service-account.name"]) {
        causes.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
      }
      break;
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = obj.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      if (!has(key)) {
        causes.push(required(`data[${key}]`));
        break;
      }
      const err = goJsonMapError(Buffer.from(data[key]!, "base64").toString("utf8"));
      if (err) causes.push(invalid(`data[${key}]`, "<secret contents redacted>", err));
      break;
    }
    case "kubernetes.io/basic-auth":
      if (!has("username") && !has("password")) causes.push(required("data[username]"), required("data[password]"));
      break;
    case "kubernetes.io/ssh-auth":
      if (!data["ssh-privatekey"]) causes.push(required("data[ssh-privatekey]"));
      break;
    case "kubernetes.io/tls":
      if (!has("tls.crt")) causes.push(required("data[tls.crt]"));
      if (!has("tls.key")) causes.push(required("data[tls.key]"));
      break;
  }
  return causes;
}

/**
 * The update-only part of ValidateSecretUpdate: the type never changes; immutable Secrets keep
 * their data. As for ConfigMaps, `validate` supplies the rest.
 */
export function validateSecretUpdate(obj: StoredObject, old: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const newType = typeof obj.type === "string" ? obj.type : "";
  const oldType = typeof old.type === "string" ? old.type : "";
  if (newType !== oldType) causes.push({ field: "type", reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(newType)}: field is immutable` });
  if (old.immutable === true) {
    if (obj.immutable !== true) causes.push(forbidden("immutable", IMMUTABLE_MSG));
    if (!sameMap(mergedSecretData(obj), mergedSecretData(old))) causes.push(forbidden("data", IMMUTABLE_MSG));
  }
  return causes;
}

function canonicalBase64(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    out[k] = goBase64ErrorOffset(v) === undefined ? Buffer.from(v.replace(/[\r\n]/g, ""), "base64").toString("base64") : v;
  }
  return out;
}

/**
 * What decoding and defaulting do to a Secret before the strategy runs: stringData is merged
 * into data (stringData wins) and dropped, data is re-encoded as canonical base64, and an empty
 * type becomes "Opaque". Mutates `obj`.
 */
export function normalizeSecret(obj: StoredObject): void {
  const data = canonicalBase64(mergedSecretData(obj));
  delete obj.stringData;
  if (Object.keys(data).length > 0) obj.data = data;
  else delete obj.data;
  if (typeof obj.type !== "string" || obj.type === "") obj.type = "Opaque";
}

/** ConfigMap binaryData is []byte too: re-encode it canonically, and drop empty maps (omitempty). Mutates `obj`. */
export function normalizeConfigMap(obj: StoredObject): void {
  for (const field of ["data", "binaryData"] as const) {
    const m = stringMap(obj[field]);
    if (obj[field] !== undefined && Object.keys(m).length === 0) delete obj[field];
  }
  if (obj.binaryData) obj.binaryData = canonicalBase64(stringMap(obj.binaryData));
}

/**
 * The error Go's json.Unmarshal gives for `text` decoded into map[string]interface{}, or
 * undefined when it succeeds (secret docker configs are validated this way).
 */
export function goJsonMapError(text: string): string | undefined {
  const syntax = goJsonSyntaxError(text);
  if (syntax) return syntax;
  const first = text.trimStart()[0];
  const kinds: Record<string, string> = { "[": "array", '"': "string", t: "bool", f: "bool" };
  if (first === "{" || first === "n") return undefined;
  return `json: cannot unmarshal ${kinds[first ?? ""] ?? "number"} into Go value of type map[string]interface {}`;
}

class JsonSyntax extends Error {}

/** A recursive-descent twin of Go's encoding/json scanner, for its error messages. */
function goJsonSyntaxError(text: string): string | undefined {
  let i = 0;
  const quoteChar = (c: string) => (c === "'" ? "'\\''" : c === '"' ? "'\"'" : `'${goQuote(c).slice(1, -1)}'`);
  const fail = (context: string): never => {
    if (i >= text.length) throw new JsonSyntax("unexpected end of JSON input");
    throw new JsonSyntax(`invalid character ${quoteChar(text[i]!)} ${context}`);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i]! >= "0" && text[i]! <= "9") i++;
    return i - start;
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail("");
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < " ") fail("in string literal");
      if (c === "\\") {
        i++;
        if (i >= text.length) fail("");
        if (text[i] === "u") {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? "")) fail("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(text[i]!)) fail("in string escape code");
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail("looking for beginning of object key string");
        string();
        ws();
        if (text[i] !== ":") fail("after object key");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail("after object key:value pair");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail("after array element");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      if (c === "-") {
        i++;
        if (!(text[i]! >= "0" && text[i]! <= "9")) fail("in numeric literal");
      }
      if (text[i] === "0") i++;
      else digits();
      if (text[i] === ".") {
        i++;
        if (digits() === 0) fail("after decimal point in numeric literal");
      }
      if (text[i] === "e" || text[i] === "E") {
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        if (digits() === 0) fail("in exponent of numeric literal");
      }
      return;
    }
    fail("looking for beginning of value");
  };
  try {
    value();
    ws();
    if (i < text.length) fail("after top-level value");
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntax) return e.message;
    throw e;
  }
}
