/**
 * metadata.managedFields as upstream decodes, encodes and validates it (apimachinery
 * managedfields/internal/managedfields.go, apis/meta/v1/validation): one entry per manager identity
 * (manager, operation, apiVersion for updaters, subresource), FieldsV1 sets, times, sorted on encode.
 */
import type { FieldCause } from "../../api/descriptor.js";
import { goQuote } from "../../../shared/go-format.js";
import { FieldSet } from "./field-set.js";

export type Operation = "Apply" | "Update";

/** One manager's ownership: the fields, in which version, and whether they were applied. */
export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
  /** The FieldsV1 this set was decoded from, while the set is unchanged: encoding reuses it. */
  encoded?: Record<string, unknown>;
}

/** Managers by identifier (BuildManagerIdentifier), with the time of each one's last change. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** A managedFields value that cannot be decoded (upstream then falls back to the live object's). */
export class ManagedFieldsError extends Error {
  override readonly name = "ManagedFieldsError";
}

/**
 * The identifier of a manager: the entry without fields, type and time (and without apiVersion for
 * appliers), JSON-encoded in struct order, e.g. `{"manager":"kubectl","operation":"Apply"}`.
 */
export function managerIdentifier(entry: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  const id: Record<string, string> = {};
  if (entry.manager) id.manager = entry.manager;
  if (entry.operation) id.operation = entry.operation;
  if (entry.apiVersion && entry.operation !== "Apply") id.apiVersion = entry.apiVersion;
  if (entry.subresource) id.subresource = entry.subresource;
  return JSON.stringify(id);
}

/** The identity parts of an identifier (the reverse of managerIdentifier). */
export function parseIdentifier(identifier: string): ManagerIdentity {
  const cached = identities.get(identifier);
  if (cached) return cached;
  let identity: ManagerIdentity;
  try {
    const parsed = JSON.parse(identifier) as Record<string, unknown>;
    const str = (k: string) => (typeof parsed[k] === "string" ? (parsed[k] as string) : undefined);
    identity = { manager: str("manager") ?? "", operation: str("operation") ?? "", apiVersion: str("apiVersion"), subresource: str("subresource") };
  } catch {
    identity = { manager: identifier, operation: "" };
  }
  // The same few managers write again and again; the cache is bounded by starting over.
  if (identities.size >= 1024) identities.clear();
  identities.set(identifier, identity);
  return identity;
}

export interface ManagerIdentity {
  readonly manager: string;
  readonly operation: string;
  readonly apiVersion?: string;
  readonly subresource?: string;
}

const identities = new Map<string, ManagerIdentity>();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * DecodeManagedFields: throws ManagedFieldsError for anything upstream cannot decode. `stored`: the entries
 * come from storage (encoded by this code), so an unchanged set may be written back as it was.
 */
export function decodeManagedFields(entries: unknown, stored = false): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new ManagedFieldsError("managedFields must be a list");
  for (const raw of entries) {
    if (!isObject(raw)) throw new ManagedFieldsError(`error decoding versioned set from ${JSON.stringify(raw)}`);
    const entry = raw as ManagedFieldsEntry;
    if (entry.fieldsType !== "FieldsV1") {
      throw new ManagedFieldsError(`error decoding versioned set from ${JSON.stringify(raw)}: error decoding set: unsupported field type ${entry.fieldsType ?? ""}`);
    }
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(entry.fieldsV1 ?? {});
    } catch (error) {
      throw new ManagedFieldsError(`error decoding versioned set from ${JSON.stringify(raw)}: ${(error as Error).message}`);
    }
    const id = managerIdentifier(entry);
    managed.fields.set(id, { set, apiVersion: entry.apiVersion ?? "", applied: entry.operation === "Apply", ...(stored ? { encoded: entry.fieldsV1 } : {}) });
    managed.times.set(id, entry.time);
  }
  return managed;
}

const unixSeconds = (time: string | undefined): number => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);

/** EncodeObjectManagedFields: one entry per manager, sorted by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const who = parseIdentifier(id);
    const entry: ManagedFieldsEntry = {};
    if (who.manager) entry.manager = who.manager;
    if (who.operation) entry.operation = who.operation;
    if (vs.apiVersion) entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = "FieldsV1";
    entry.fieldsV1 = vs.encoded ?? vs.set.toFieldsV1();
    if (who.subresource) entry.subresource = who.subresource;
    entries.push(entry);
  }
  const cmp = (a = "", b = ""): number => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      unixSeconds(p.time) - unixSeconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

/** A list that asks to reset ownership: empty but present, or one empty entry. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isObject(entries[0]) && Object.values(entries[0]).every((v) => v === undefined || v === null || v === "");
}

/** apimachinery's FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export function validateFieldManager(manager: string, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (Buffer.byteLength(manager, "utf8") > FIELD_MANAGER_MAX_LENGTH) {
    causes.push({ field, reason: "FieldValueTooLong", message: `Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` });
  }
  if (/^[\x20-\x7e]*$/.test(manager)) return causes;
  let position = 0;
  for (const ch of manager) {
    if (!isPrintable(ch)) {
      const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
      causes.push({ field, reason: "FieldValueInvalid", message: `Invalid value: ${goQuote(manager)}: invalid character U+${code} (at position ${position})` });
    }
    position += Buffer.byteLength(ch, "utf8");
  }
  return causes;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export const isPrintable = (ch: string): boolean => ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);

/** ValidateManagedFields over the stored entries. */
export function validateManagedFields(entries: ManagedFieldsEntry[]): FieldCause[] {
  const causes: FieldCause[] = [];
  entries.forEach((entry, i) => {
    const at = `metadata.managedFields[${i}]`;
    const operation = entry.operation ?? "";
    if (operation !== "Apply" && operation !== "Update") {
      causes.push({ field: `${at}.operation`, reason: "FieldValueInvalid", message: `Invalid value: ${goQuote(operation)}: must be \`Apply\` or \`Update\`` });
    }
    const fieldsType = entry.fieldsType ?? "";
    if (fieldsType !== "" && fieldsType !== "FieldsV1") {
      causes.push({ field: `${at}.fieldsType`, reason: "FieldValueInvalid", message: `Invalid value: ${goQuote(fieldsType)}: must be \`FieldsV1\`` });
    }
    causes.push(...validateFieldManager(entry.manager ?? "", `${at}.manager`));
  });
  return causes;
}

/**
 * Why the managedFields of a request body cannot be decoded into []ManagedFieldsEntry (a JSON type
 * mismatch, as encoding/json words it), or undefined.
 */
export function managedFieldsDecodeError(entries: unknown): string | undefined {
  if (!Array.isArray(entries)) return undefined;
  const field = (name: string) => `ManagedFieldsEntry.metadata.managedFields.${name}`;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    for (const name of ["manager", "operation", "apiVersion", "fieldsType", "subresource"]) {
      const v = entry[name];
      if (v !== undefined && v !== null && typeof v !== "string") {
        return `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${field(name)} of type ${name === "operation" ? "v1.ManagedFieldsOperationType" : "string"}`;
      }
    }
    const time = entry.time;
    if (time !== undefined && time !== null) {
      if (typeof time !== "string") return `json: cannot unmarshal ${jsonKind(time)} into Go value of type string`;
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(time) || Number.isNaN(Date.parse(time))) {
        return `parsing time ${goQuote(JSON.stringify(time))} as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse ${goQuote(`${time}"`)} as "2006"`;
      }
    }
  }
  return undefined;
}

const jsonKind = (v: unknown): string =>
  Array.isArray(v) ? "array" : typeof v === "boolean" ? "bool" : typeof v === "number" ? "number" : typeof v === "object" ? "object" : "string";
