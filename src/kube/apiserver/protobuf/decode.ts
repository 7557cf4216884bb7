import protobuf from "protobufjs/minimal.js";
import { JSON_FORMS, KINDS, MESSAGES } from "./messages.js";
import type { JsonForm } from "./messages.js";

/** The media type of Kubernetes protobuf bodies (kubectl ≥1.32 sends it for typed `create` commands). */
export const KUBERNETES_PROTOBUF = "application/vnd.kubernetes.protobuf";

/** Why a protobuf body could not be turned into a JSON object. */
export class ProtobufDecodeError extends Error {
  override name = "ProtobufDecodeError";
}

/** "k8s\0": the prefix of every Kubernetes protobuf body, followed by a runtime.Unknown message. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const;

type Scalar = "string" | "bool" | "int32" | "int64" | "float64" | "bytes";

type TypeRef =
  | { kind: "scalar"; scalar: Scalar }
  | { kind: "message"; name: string }
  | { kind: "pointer"; elem: TypeRef }
  | { kind: "slice"; elem: TypeRef }
  | { kind: "map"; value: TypeRef };

interface Field {
  number: number;
  /** JSON key; empty for inline (embedded) structs. */
  json: string;
  omitempty: boolean;
  inline: boolean;
  /** Go `json:"-"`: read from the wire but never shown. */
  hidden: boolean;
  type: TypeRef;
}

interface Message {
  name: string;
  fields: Field[];
  byNumber: Map<number, Field>;
  /** JSON keys of the message's own fields, which win over keys promoted from inline structs. */
  ownKeys: Set<string>;
  form: JsonForm | undefined;
}

/** A decoded message before conversion to JSON: field number → value, plus its last wire size. */
interface MessageValue {
  fields: Map<number, unknown>;
  size: number;
}

const SCALARS: Readonly<Record<string, Scalar>> = {
  string: "string",
  bool: "bool",
  int32: "int32",
  int64: "int64",
  float64: "float64",
  "[]byte": "bytes",
};

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;

function parseType(spec: string): TypeRef {
  const scalar = SCALARS[spec];
  if (scalar) return { kind: "scalar", scalar };
  if (spec.startsWith("*")) return { kind: "pointer", elem: parseType(spec.slice(1)) };
  if (spec.startsWith("[]")) return { kind: "slice", elem: parseType(spec.slice(2)) };
  if (spec.startsWith("map[string]")) return { kind: "map", value: parseType(spec.slice("map[string]".length)) };
  if (!(spec in MESSAGES)) throw new Error(`protobuf schema: unknown type ${spec}`);
  return { kind: "message", name: spec };
}

const compiled = new Map<string, Message>();

function message(name: string): Message {
  let msg = compiled.get(name);
  if (msg) return msg;
  const specs = MESSAGES[name];
  if (!specs) throw new Error(`protobuf schema: unknown message ${name}`);
  const fields = specs.map(([number, tag, type]): Field => {
    const [json = "", ...options] = tag.split(",");
    return {
      number,
      json,
      omitempty: options.includes("omitempty"),
      inline: json === "" && options.includes("inline"),
      hidden: json === "-",
      type: parseType(type),
    };
  });
  msg = {
    name,
    fields,
    byNumber: new Map(fields.map((f) => [f.number, f])),
    ownKeys: new Set(fields.filter((f) => !f.inline && !f.hidden).map((f) => f.json)),
    form: JSON_FORMS[name],
  };
  compiled.set(name, msg);
  return msg;
}

/**
 * Compiles every message of the schema, throwing on a dangling type name or a malformed tag.
 * Returns how many messages there are. Used by tests; decoding compiles lazily.
 */
export function checkProtobufSchema(): number {
  for (const name of Object.keys(MESSAGES)) message(name);
  for (const kinds of Object.values(KINDS)) for (const name of Object.values(kinds)) message(name);
  for (const name of Object.keys(JSON_FORMS)) message(name);
  return compiled.size;
}

/** protobufjs' Reader, with its errors (RangeError, "invalid wire type", …) turned into ProtobufDecodeError. */
class WireReader {
  private readonly reader: protobuf.Reader;

  constructor(readonly buf: Uint8Array) {
    this.reader = protobuf.Reader.create(buf);
  }

  get done(): boolean {
    return this.reader.pos >= this.reader.len;
  }

  private call<T>(what: string, read: (r: protobuf.Reader) => T): T {
    try {
      return read(this.reader);
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw err;
      const detail = err instanceof Error ? err.message : String(err);
      throw new ProtobufDecodeError(`malformed protobuf: cannot read ${what} at offset ${this.reader.pos}: ${detail}`);
    }
  }

  tag(): number {
    return this.call("field tag", (r) => r.uint32());
  }
  bytes(): Uint8Array {
    return this.call("length-delimited value", (r) => r.bytes());
  }
  int32(): number {
    return this.call("varint", (r) => r.int32());
  }
  int64(): number {
    return toSafeInteger(this.call("varint", (r) => r.int64()));
  }
  bool(): boolean {
    return this.call("varint", (r) => {
      const v = r.uint64();
      return typeof v === "number" ? v !== 0 : v.low !== 0 || v.high !== 0;
    });
  }
  double(): number {
    return this.call("double", (r) => r.double());
  }
  skip(wireType: number): void {
    this.call(`field of wire type ${wireType}`, (r) => r.skipType(wireType));
  }
}

function toSafeInteger(v: number | protobuf.Long): number {
  const n = typeof v === "number" ? v : v.high * 2 ** 32 + (v.low >>> 0);
  if (!Number.isSafeInteger(n)) {
    throw new ProtobufDecodeError(`int64 value ${n} is outside the range JSON numbers can carry exactly here`);
  }
  return n;
}

const utf8 = new TextDecoder("utf-8");

function expectedWireTypes(type: TypeRef): readonly number[] {
  switch (type.kind) {
    case "pointer":
      return expectedWireTypes(type.elem);
    case "slice":
      if (type.elem.kind === "scalar" && isNumeric(type.elem.scalar)) return [scalarWireType(type.elem.scalar), WIRE_BYTES];
      return [WIRE_BYTES];
    case "scalar":
      return [scalarWireType(type.scalar)];
    default:
      return [WIRE_BYTES];
  }
}

function isNumeric(s: Scalar): boolean {
  return s === "bool" || s === "int32" || s === "int64" || s === "float64";
}

function scalarWireType(s: Scalar): number {
  if (s === "string" || s === "bytes") return WIRE_BYTES;
  return s === "float64" ? WIRE_FIXED64 : WIRE_VARINT;
}

function readScalar(r: WireReader, s: Scalar): unknown {
  switch (s) {
    case "string":
      return utf8.decode(r.bytes());
    case "bytes":
      return r.bytes();
    case "bool":
      return r.bool();
    case "int32":
      return r.int32();
    case "int64":
      return r.int64();
    case "float64":
      return r.double();
  }
}

function decodeMessage(name: string, buf: Uint8Array, into?: MessageValue): MessageValue {
  const msg = message(name);
  const value = into ?? { fields: new Map<number, unknown>(), size: 0 };
  value.size = buf.length;
  const r = new WireReader(buf);
  while (!r.done) {
    const tag = r.tag();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (number === 0) throw new ProtobufDecodeError(`malformed protobuf: field number 0 in ${name}`);
    const field = msg.byNumber.get(number);
    if (!field) {
      r.skip(wireType);
      continue;
    }
    if (!expectedWireTypes(field.type).includes(wireType)) {
      throw new ProtobufDecodeError(
        `malformed protobuf: wrong wire type ${wireType} for field ${field.json || number} (${number}) of ${name}`,
      );
    }
    readField(r, wireType, field, value.fields);
  }
  return value;
}

function readField(r: WireReader, wireType: number, field: Field, fields: Map<number, unknown>): void {
  const type = field.type.kind === "pointer" ? field.type.elem : field.type;
  switch (type.kind) {
    case "scalar":
      fields.set(field.number, readScalar(r, type.scalar));
      return;
    case "message": {
      const existing = fields.get(field.number) as MessageValue | undefined;
      // Types with hand-written Go Unmarshal replace the value; generated ones merge into it.
      const merge = existing && !JSON_FORMS[type.name];
      fields.set(field.number, decodeMessage(type.name, r.bytes(), merge ? existing : undefined));
      return;
    }
    case "slice": {
      let list = fields.get(field.number) as unknown[] | undefined;
      const append = (v: unknown) => {
        if (!list) fields.set(field.number, (list = []));
        list.push(v);
      };
      const elem = type.elem;
      if (elem.kind === "scalar") {
        if (wireType === WIRE_BYTES && isNumeric(elem.scalar)) {
          const packed = new WireReader(r.bytes());
          while (!packed.done) append(readScalar(packed, elem.scalar));
        } else {
          append(readScalar(r, elem.scalar));
        }
      } else if (elem.kind === "message") {
        append(decodeMessage(elem.name, r.bytes()));
      } else if (elem.kind === "pointer" && elem.elem.kind === "message") {
        append(decodeMessage(elem.elem.name, r.bytes()));
      } else {
        throw new Error(`protobuf schema: unsupported slice element in field ${field.json}`);
      }
      return;
    }
    case "map": {
      let map = fields.get(field.number) as Map<string, unknown> | undefined;
      if (!map) fields.set(field.number, (map = new Map()));
      const [key, value] = readMapEntry(new WireReader(r.bytes()), type.value, field.json);
      map.set(key, value);
      return;
    }
    case "pointer":
      throw new Error(`protobuf schema: pointer to pointer in field ${field.json}`);
  }
}

function readMapEntry(r: WireReader, valueType: TypeRef, json: string): [string, unknown] {
  let key = "";
  let value: unknown;
  while (!r.done) {
    const tag = r.tag();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (number === 1 || number === 2) {
      const expected = number === 1 ? [WIRE_BYTES] : expectedWireTypes(valueType);
      if (!expected.includes(wireType)) {
        throw new ProtobufDecodeError(`malformed protobuf: wrong wire type ${wireType} in an entry of map ${json}`);
      }
    }
    if (number === 1) key = utf8.decode(r.bytes());
    else if (number === 2 && valueType.kind === "scalar") value = readScalar(r, valueType.scalar);
    else if (number === 2 && valueType.kind === "message") value = decodeMessage(valueType.name, r.bytes());
    else if (number === 0) throw new ProtobufDecodeError(`malformed protobuf: field number 0 in an entry of map ${json}`);
    else r.skip(wireType);
  }
  if (value === undefined && valueType.kind === "scalar") value = valueType.scalar === "bytes" ? new Uint8Array() : zero(valueType.scalar);
  return [key, value];
}

function zero(s: Scalar): unknown {
  switch (s) {
    case "string":
      return "";
    case "bool":
      return false;
    case "bytes":
      return undefined;
    default:
      return 0;
  }
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

/** Go's encoding/json for one field: `OMIT` when omitempty drops it. */
const OMIT = Symbol("omit");

function fieldToJson(type: TypeRef, v: unknown, omitempty: boolean): unknown {
  switch (type.kind) {
    case "scalar": {
      if (type.scalar === "bytes") {
        if (v === undefined) return omitempty ? OMIT : null;
        const bytes = v as Uint8Array;
        return omitempty && bytes.length === 0 ? OMIT : base64(bytes);
      }
      const value = v ?? zero(type.scalar);
      if (omitempty && isZero(value)) return OMIT;
      return scalarToJson(value);
    }
    case "pointer":
      if (v === undefined) return omitempty ? OMIT : null;
      return elementToJson(type.elem, v);
    case "slice": {
      const list = v as unknown[] | undefined;
      if (!list || list.length === 0) return omitempty ? OMIT : null;
      return list.map((item) => elementToJson(type.elem, item));
    }
    case "map": {
      const map = v as Map<string, unknown> | undefined;
      if (!map || map.size === 0) return omitempty ? OMIT : null;
      const out: Record<string, unknown> = {};
      for (const [key, item] of map) setKey(out, key, elementToJson(type.value, item));
      return out;
    }
    case "message":
      // omitempty never drops a struct value in Go.
      return messageToJson(type.name, v as MessageValue | undefined);
  }
}

function elementToJson(type: TypeRef, v: unknown): unknown {
  if (type.kind === "message") return messageToJson(type.name, v as MessageValue);
  if (type.kind === "pointer") return elementToJson(type.elem, v);
  if (type.kind === "scalar") return type.scalar === "bytes" ? base64(v as Uint8Array) : scalarToJson(v);
  throw new Error(`protobuf schema: unsupported nested ${type.kind}`);
}

function scalarToJson(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) {
    throw new ProtobufDecodeError(`unsupported value ${v}: JSON has no NaN or infinity`);
  }
  return v;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
}

/** Sets a key even when it is "__proto__", so map keys from the wire cannot touch prototypes. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function messageToJson(name: string, value: MessageValue | undefined): unknown {
  const msg = message(name);
  if (msg.form) return formToJson(msg.form, name, value);
  const out: Record<string, unknown> = {};
  for (const field of msg.fields) {
    if (field.hidden) continue;
    const v = value?.fields.get(field.number);
    if (field.inline) {
      const inner = fieldToJson(field.type, v, false);
      if (inner && typeof inner === "object") {
        for (const [key, item] of Object.entries(inner)) if (!msg.ownKeys.has(key)) setKey(out, key, item);
      }
      continue;
    }
    const json = fieldToJson(field.type, v, field.omitempty);
    if (json !== OMIT) setKey(out, field.json, json);
  }
  return out;
}

/** Seconds of 0001-01-01T00:00:00Z, Go's zero time.Time. */
const GO_ZERO_TIME_SECONDS = -62135596800;
/** Seconds of 9999-12-31T23:59:59Z, the last instant RFC 3339 can write. */
const MAX_RFC3339_SECONDS = 253402300799;

function formToJson(form: JsonForm, name: string, value: MessageValue | undefined): unknown {
  const fields = value?.fields ?? new Map<number, unknown>();
  switch (form) {
    case "time":
    case "micro-time": {
      // Go's Time.Unmarshal treats an empty message as the zero time; JSON writes that as null.
      if (!value || value.size === 0) return null;
      let seconds = (fields.get(1) as number | undefined) ?? 0;
      let nanos = 0;
      if (form === "micro-time") {
        const raw = (fields.get(2) as number | undefined) ?? 0;
        nanos = raw - (raw % 1000);
        seconds += Math.floor(nanos / 1e9);
        nanos = ((nanos % 1e9) + 1e9) % 1e9;
      }
      if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
      if (seconds < GO_ZERO_TIME_SECONDS || seconds > MAX_RFC3339_SECONDS) {
        throw new ProtobufDecodeError(`${name} of ${seconds} seconds is outside years 1-9999`);
      }
      const date = new Date(seconds * 1000).toISOString().slice(0, 19);
      return form === "time" ? `${date}Z` : `${date}.${String(nanos / 1000).padStart(6, "0")}Z`;
    }
    case "raw-json": {
      const raw = fields.get(1) as Uint8Array | undefined;
      if (!raw || raw.length === 0) return null;
      try {
        return JSON.parse(utf8.decode(raw)) as unknown;
      } catch {
        throw new ProtobufDecodeError(`${name} does not hold valid JSON`);
      }
    }
    case "int-or-string": {
      const type = (fields.get(1) as number | undefined) ?? 0;
      if (type === 0) return (fields.get(2) as number | undefined) ?? 0;
      if (type === 1) return (fields.get(3) as string | undefined) ?? "";
      throw new ProtobufDecodeError(`IntOrString has impossible type ${type}`);
    }
    case "quantity": {
      const text = fields.get(1) as string | undefined;
      if (text === undefined) return "0";
      if (text === "") throw new ProtobufDecodeError("quantity is an empty string");
      return text;
    }
    case "string-list": {
      const items = fields.get(1) as string[] | undefined;
      return items && items.length > 0 ? [...items] : null;
    }
  }
}

/**
 * Decodes a Kubernetes protobuf body (`application/vnd.kubernetes.protobuf`: "k8s\0" + runtime.Unknown)
 * into the JSON object Go's encoding/json would write for the same typed object, with `kind` and
 * `apiVersion` taken from the envelope. Throws {@link ProtobufDecodeError} for anything it cannot decode.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError('not a Kubernetes protobuf body: it must start with the bytes 6b 38 73 00 ("k8s\\0")');
  }
  if (body.length === MAGIC.length) throw new ProtobufDecodeError("empty protobuf body after the magic prefix");

  const envelope = decodeMessage("runtime.Unknown", body.subarray(MAGIC.length)).fields;
  const typeMeta = (envelope.get(1) as MessageValue | undefined)?.fields;
  const apiVersion = (typeMeta?.get(1) as string | undefined) ?? "";
  const kind = (typeMeta?.get(2) as string | undefined) ?? "";
  const contentEncoding = (envelope.get(3) as string | undefined) ?? "";
  if (contentEncoding !== "") {
    throw new ProtobufDecodeError(`unsupported protobuf contentEncoding ${JSON.stringify(contentEncoding)}`);
  }
  if (kind === "") throw new ProtobufDecodeError("protobuf envelope has no kind");
  if (apiVersion === "") throw new ProtobufDecodeError(`protobuf envelope for kind ${kind} has no apiVersion`);
  const name = Object.hasOwn(KINDS, apiVersion) && Object.hasOwn(KINDS[apiVersion]!, kind) ? KINDS[apiVersion]![kind] : undefined;
  if (!name) throw new ProtobufDecodeError(`no protobuf decoding for ${apiVersion}, Kind=${kind}`);

  const raw = (envelope.get(2) as Uint8Array | undefined) ?? new Uint8Array();
  const object = messageToJson(name, decodeMessage(name, raw)) as Record<string, unknown>;
  return { kind, apiVersion, ...object };
}
