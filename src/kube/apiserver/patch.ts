/**
 * The PATCH content types of kube-apiserver, with upstream's semantics and error statuses:
 * JSON patch as evanphx/json-patch v4.12 applies it (apiserver v0.27–v0.33 vendor that version), JSON merge
 * patch likewise, and strategic merge patch as apimachinery v0.33 `pkg/util/strategicpatch` applies it.
 * Server-side apply is only recognised ({@link patchTypeOf}); answering it is the caller's business.
 */
import jsonpatch from "fast-json-patch";
import type { Operation, OperationResult } from "fast-json-patch";
import type { KubeObject } from "../api/types.js";
import { goQuote } from "../../shared/go-format.js";
import { cloneJson } from "../../shared/json-clone.js";

export type PatchType = "json" | "merge" | "strategic" | "apply";

const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

/**
 * The patch type of a PATCH request's Content-Type, or undefined (answer 415). Like the apiserver, only what
 * precedes the first `;` counts, compared exactly (case and spaces matter).
 */
export function patchTypeOf(contentType: string): PatchType | undefined {
  const idx = contentType.indexOf(";");
  const base = idx > 0 ? contentType.slice(0, idx) : contentType;
  return Object.hasOwn(PATCH_CONTENT_TYPES, base) ? PATCH_CONTENT_TYPES[base] : undefined;
}

/** A failed patch, carrying the metav1.Status kube-apiserver answers with. */
export class PatchError extends Error {
  override readonly name = "PatchError";
  /** HTTP status and Status.code. */
  readonly code: 400 | 413 | 422 | 500;
  /** Status.reason; "" (omit it) where upstream returns a bare Go error. */
  readonly reason: "BadRequest" | "Invalid" | "RequestEntityTooLarge" | "";
  /** Status.details when upstream sets one (`{}` for the generic 422). */
  readonly details: { causes?: { reason: string; message: string; field: string }[] } | undefined;
  /** The library error behind a generic message; upstream logs it but does not send it. */
  readonly underlying: string | undefined;

  constructor(
    message: string,
    code: PatchError["code"],
    reason: PatchError["reason"],
    extra: { details?: PatchError["details"]; underlying?: string } = {},
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = extra.details;
    this.underlying = extra.underlying;
  }
}

const badRequest = (message: string): PatchError => new PatchError(message, 400, "BadRequest");
/** errors.NewGenericServerResponse(422, ...): the real cause is replaced by a fixed text. */
const unprocessable = (underlying: string): PatchError =>
  new PatchError("the server rejected our request due to an error in our request", 422, "Invalid", { details: {}, underlying });
/** A plain Go error reaching the handler: 500, message as is, no reason. */
const internal = (message: string): PatchError => new PatchError(message, 500, "");

type JsonMap = Record<string, unknown>;

const isMap = (v: unknown): v is JsonMap => typeof v === "object" && v !== null && !Array.isArray(v);

/** Assign without ever invoking the `__proto__` setter: a key from a patch is just a key. */
function setOwn(obj: JsonMap, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

const jsonKind = (v: unknown): string =>
  Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "boolean" ? "bool" : typeof v;

/** The 422 kube answers when a patch leaves something that is not a JSON object (decoding the result fails). */
function notAnObject(result: unknown): PatchError {
  const detail =
    `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(result)} into Go value of type ` +
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
  const body = `Invalid value: ${goQuote(JSON.stringify(result))}: ${detail}`;
  return new PatchError(` "" is invalid: patch: ${body}`, 422, "Invalid", {
    details: { causes: [{ reason: "FieldValueInvalid", message: body, field: "patch" }] },
  });
}

// ---------------------------------------------------------------------------------------------
// Go value formatting for error texts (fmt %v / %s of decoded JSON)

const isInt64 = (n: number): boolean => Number.isInteger(n) && Math.abs(n) < 2 ** 63;

/** reflect.TypeOf(v).String() for a decoded JSON value (integers decode as int64: PreserveInts). */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (Array.isArray(v)) return "[]interface {}";
  if (typeof v === "object") return "map[string]interface {}";
  if (typeof v === "number") return isInt64(v) ? "int64" : "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

function goNumber(n: number): string {
  if (isInt64(n)) return String(n);
  const [mantissa = "", exponent = "0"] = n.toExponential().split("e");
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(n);
  const digits = String(Math.abs(exp)).padStart(2, "0");
  return `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
}

/** fmt's %v (or %s, which marks non-strings as `%!s(type=value)`). */
function goFormat(v: unknown, verb: "v" | "s" = "v"): string {
  if (v === null || v === undefined) return verb === "s" ? "%!s(<nil>)" : "<nil>";
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map((x) => goFormat(x, verb)).join(" ")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k], verb)}`).join(" ")}]`;
  }
  const text = typeof v === "number" ? goNumber(v) : String(v);
  return verb === "s" ? `%!s(${goTypeName(v)}=${text})` : text;
}

// ---------------------------------------------------------------------------------------------
// JSON patch (RFC 6902 as evanphx/json-patch v4.12 implements it)

/** apiserver maxJSONPatchOperations. */
const MAX_JSON_PATCH_OPERATIONS = 10000;
/** apiserver JSONPatchMaxCopyBytes default (jsonpatch.AccumulatedCopySizeLimit). */
const JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024;

type Container = unknown[] | JsonMap;

/** Where an operation lands: a container, the raw (decoded) last key, and the container's canonical pointer. */
interface Slot {
  container: Container;
  key: string;
  pointer: string;
}

class OpFailure extends Error {}

const decodePointerKey = (s: string): string => s.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~"));
const encodePointerKey = (s: string): string => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** strconv.Atoi. */
function atoi(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
}

const atoiError = (key: string): string => `strconv.Atoi: parsing ${goQuote(key)}: invalid syntax`;
const invalidIndex = (n: number): string => `Unable to access invalid index: ${n}: invalid index referenced`;

/** partialArray.get: an existing index, negative ones counting from the end. */
function arrayGet(arr: unknown[], key: string): number {
  let n = atoi(key);
  if (n === undefined) throw new OpFailure(atoiError(key));
  if (n < 0) {
    if (n < -arr.length) throw new OpFailure(invalidIndex(n));
    n += arr.length;
  }
  if (n >= arr.length) throw new OpFailure(invalidIndex(n));
  return n;
}

/**
 * v4's findObject: walks all but the last segment. The first segment is skipped unread (so `a/b` means `/b`),
 * intermediate array indexes may be negative, and anything missing or scalar on the way means "no slot".
 */
function findSlot(root: Container, path: string): Slot | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let container: Container = root;
  let pointer = "";
  for (const part of split.slice(1, -1)) {
    const key = decodePointerKey(part);
    let next: unknown;
    let segment: string;
    if (Array.isArray(container)) {
      let idx: number;
      try {
        idx = arrayGet(container, key);
      } catch {
        return undefined;
      }
      next = container[idx];
      segment = String(idx);
    } else {
      if (!Object.hasOwn(container, key)) return undefined;
      next = container[key];
      segment = key;
    }
    if (typeof next !== "object" || next === null) return undefined;
    container = next as Container;
    pointer += `/${encodePointerKey(segment)}`;
  }
  return { container, key: decodePointerKey(split[split.length - 1] ?? ""), pointer };
}

function apply(root: Container, op: Operation): OperationResult<Container> {
  try {
    return jsonpatch.applyOperation(root, op, false, true, true);
  } catch (err) {
    throw new OpFailure(err instanceof Error ? err.message : String(err));
  }
}

function addAt(root: Container, slot: Slot, value: unknown): void {
  const { container, key, pointer } = slot;
  if (!Array.isArray(container)) {
    apply(root, { op: "add", path: `${pointer}/${encodePointerKey(key)}`, value });
    return;
  }
  let idx: number;
  if (key === "-") {
    idx = container.length;
  } else {
    const n = atoi(key);
    if (n === undefined) throw new OpFailure(`value was not a proper array index: '${key}': ${atoiError(key)}`);
    if (n > container.length || n < -(container.length + 1)) throw new OpFailure(invalidIndex(n));
    idx = n < 0 ? n + container.length + 1 : n;
  }
  apply(root, { op: "add", path: `${pointer}/${idx}`, value });
}

function removeAt(root: Container, slot: Slot): unknown {
  const { container, key, pointer } = slot;
  if (!Array.isArray(container)) {
    if (!Object.hasOwn(container, key)) throw new OpFailure(`Unable to remove nonexistent key: ${key}: missing value`);
    return apply(root, { op: "remove", path: `${pointer}/${encodePointerKey(key)}` }).removed;
  }
  const n = atoi(key);
  if (n === undefined) throw new OpFailure(atoiError(key));
  if (n >= container.length || n < -container.length) throw new OpFailure(invalidIndex(n));
  return apply(root, { op: "remove", path: `${pointer}/${n < 0 ? n + container.length : n}` }).removed;
}

/** A value at a slot; a missing object key reads as null, as v4's partialDoc.get does. */
function valueAt(slot: Slot): unknown {
  const { container, key } = slot;
  if (Array.isArray(container)) return container[arrayGet(container, key)];
  return Object.hasOwn(container, key) ? container[key] : null;
}

function stringField(op: JsonMap, name: string): string | undefined {
  const v = op[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * Apply an RFC 6902 JSON patch (the parsed request body) to a copy of `doc`, with the quirks of the
 * evanphx/json-patch v4.12 that kube-apiserver runs: `replace` of a missing object key adds it, negative array
 * indexes count from the end, `copy` from a missing key copies null, `test` of a missing key passes against null,
 * an operation without `value` uses null.
 * @throws PatchError 400 for a body that is not a patch, 413 beyond 10000 operations, 422 when an operation fails.
 */
export function applyJsonPatch(doc: KubeObject, ops: unknown): KubeObject {
  if (ops === null) return cloneJson(doc);
  if (!Array.isArray(ops)) throw badRequest(`json: cannot unmarshal ${jsonKind(ops)} into Go value of type jsonpatch.Patch`);
  for (const op of ops) {
    if (op !== null && !isMap(op)) {
      throw badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
      413,
      "RequestEntityTooLarge",
    );
  }
  let root: Container = cloneJson(doc);
  const copied = { bytes: 0 };
  for (const raw of cloneJson(ops) as (JsonMap | null)[]) {
    const op = raw ?? {};
    try {
      root = applyOperation(root, op, copied);
    } catch (err) {
      if (err instanceof OpFailure) throw unprocessable(err.message);
      throw err;
    }
  }
  if (!isMap(root)) throw notAnObject(root);
  return root as KubeObject;
}

function applyOperation(root: Container, op: JsonMap, copied: { bytes: number }): Container {
  const kind = stringField(op, "op") ?? "unknown";
  const hasValue = Object.hasOwn(op, "value");
  const value = hasValue ? op.value : null;
  const path = stringField(op, "path");
  const requirePath = (what: string): string => {
    if (path === undefined) throw new OpFailure(`${what} operation failed to decode path`);
    return path;
  };
  const slotFor = (p: string, missing: string): Slot => {
    const slot = findSlot(root, p);
    if (!slot) throw new OpFailure(missing);
    return slot;
  };
  /** v4 wraps container errors as `<context>: <cause>`. */
  const within = <T>(context: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof OpFailure) throw new OpFailure(`${context}: ${err.message}`);
      throw err;
    }
  };
  switch (kind) {
    case "add": {
      const p = requirePath("add");
      const slot = slotFor(p, `add operation does not apply: doc is missing path: "${p}"`);
      within(`error in add for path: '${p}'`, () => addAt(root, slot, value));
      return root;
    }
    case "remove": {
      const p = requirePath("remove");
      const slot = slotFor(p, `remove operation does not apply: doc is missing path: "${p}"`);
      within(`error in remove for path: '${p}'`, () => removeAt(root, slot));
      return root;
    }
    case "replace": {
      const p = requirePath("replace");
      // Replacing the root with a scalar is silently ignored by v4.
      if (p === "") return typeof value === "object" && value !== null ? (value as Container) : root;
      const slot = slotFor(p, `replace operation does not apply: doc is missing path: ${p}`);
      if (Array.isArray(slot.container)) {
        let idx: number;
        try {
          idx = arrayGet(slot.container, slot.key);
        } catch {
          throw new OpFailure(`replace operation does not apply: doc is missing key: ${p}: missing value`);
        }
        apply(root, { op: "replace", path: `${slot.pointer}/${idx}`, value });
      } else {
        addAt(root, slot, value);
      }
      return root;
    }
    case "move": {
      const from = stringField(op, "from");
      if (from === undefined) throw new OpFailure("move operation failed to decode from");
      const source = slotFor(from, `move operation does not apply: doc is missing from path: ${from}`);
      const moved = within(`error in move for path: '${source.key}'`, () => removeAt(root, source));
      const p = requirePath("move");
      const dest = slotFor(p, `move operation does not apply: doc is missing destination path: ${p}`);
      within(`error in move for path: '${p}'`, () => addAt(root, dest, moved));
      return root;
    }
    case "copy": {
      const from = stringField(op, "from");
      if (from === undefined) throw new OpFailure("copy operation failed to decode from");
      const source = slotFor(from, `copy operation does not apply: doc is missing from path: ${from}`);
      const copy = structuredClone(within(`error in copy for from: '${from}'`, () => valueAt(source)));
      const p = requirePath("copy");
      const dest = slotFor(p, `copy operation does not apply: doc is missing destination path: ${p}`);
      copied.bytes += copy === null ? 0 : Buffer.byteLength(JSON.stringify(copy));
      if (copied.bytes > JSON_PATCH_MAX_COPY_BYTES) {
        throw new OpFailure(
          `Unable to complete the copy, the accumulated size increase of copy is ${copied.bytes}, exceeding the limit ${JSON_PATCH_MAX_COPY_BYTES}`,
        );
      }
      within("error while adding value during copy", () => addAt(root, dest, copy));
      return root;
    }
    case "test": {
      const p = requirePath("test");
      const failed = new OpFailure(`testing value ${p} failed: test failed`);
      if (p === "") {
        if (!jsonpatch._areEquals(root, value)) throw failed;
        return root;
      }
      const slot = slotFor(p, `test operation does not apply: is missing path: ${p}`);
      const actual = within(`error in test for path: '${p}'`, () => valueAt(slot));
      if (actual === null || actual === undefined) {
        if (hasValue && value === null) return root;
        throw failed;
      }
      if (!hasValue || !jsonpatch._areEquals(actual, value)) throw failed;
      return root;
    }
    default:
      throw new OpFailure(`Unexpected kind: ${kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON merge patch (RFC 7386 as evanphx/json-patch v4.12 implements it)

/** Drop null members of objects, recursively (nulls inside arrays stay). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (const item of v) if (item !== null) pruneNulls(item);
  } else if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === null) delete v[k];
      else pruneNulls(item);
    }
  }
  return v;
}

function mergeInto(doc: JsonMap, patch: JsonMap): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
    } else if (!Object.hasOwn(doc, k) || doc[k] === null) {
      setOwn(doc, k, pruneNulls(v));
    } else {
      setOwn(doc, k, mergeValue(doc[k], v));
    }
  }
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isMap(current)) return pruneNulls(patch);
  if (!isMap(patch)) return patch;
  mergeInto(current, patch);
  return current;
}

/**
 * Apply an RFC 7386 JSON merge patch to a copy of `doc`: objects merge recursively, null deletes, anything else
 * replaces.
 * @throws PatchError 400 `Invalid JSON Patch` for a null or scalar patch, 422 for an array (the result is no object).
 */
export function applyMergePatch(doc: KubeObject, patch: unknown): KubeObject {
  if (patch === null || typeof patch !== "object") throw badRequest("Invalid JSON Patch");
  if (Array.isArray(patch)) throw notAnObject(pruneNulls(structuredClone(patch)));
  const result = cloneJson(doc) as JsonMap;
  mergeInto(result, cloneJson(patch) as JsonMap);
  return result as KubeObject;
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch schema facts

/** patchStrategy of a list field. `retainKeys` alone leaves the list atomic (it only guides clients). */
export type ListPatchStrategy = "merge" | "retainKeys" | "merge,retainKeys";

export interface ListPatchFacts {
  strategy: ListPatchStrategy;
  /** patchMergeKey; absent for lists of scalars, which then merge as sets. */
  mergeKey?: string;
}

/**
 * Strategic-merge facts (the Go struct tags `patchStrategy`/`patchMergeKey`, or OpenAPI `x-kubernetes-patch-*`),
 * keyed by dotted path from the object root with `[]` marking the items of a merged list, e.g. `spec.containers`,
 * `spec.containers[].env`. Lists not named here are atomic: a patch replaces them.
 */
export interface PatchSchema {
  lists: Record<string, ListPatchFacts>;
  /** Struct fields with their own strategy, e.g. policy/v1 PodDisruptionBudget `spec.selector` is `replace`. */
  maps?: Record<string, { strategy: "replace" | "retainKeys" }>;
}

const byName = (strategy: ListPatchStrategy = "merge"): ListPatchFacts => ({ strategy, mergeKey: "name" });

/** Combine schemas; later ones win on the same path. */
export function mergePatchSchemas(...schemas: PatchSchema[]): PatchSchema {
  const lists: PatchSchema["lists"] = {};
  const maps: NonNullable<PatchSchema["maps"]> = {};
  for (const s of schemas) {
    Object.assign(lists, s.lists);
    Object.assign(maps, s.maps);
  }
  return { lists, maps };
}

/** metav1.ObjectMeta at `prefix` (e.g. `metadata`, `spec.template.metadata`). */
export function objectMetaSchema(prefix = "metadata"): PatchSchema {
  return {
    lists: {
      [`${prefix}.finalizers`]: { strategy: "merge" },
      [`${prefix}.ownerReferences`]: { strategy: "merge", mergeKey: "uid" },
    },
  };
}

/**
 * core/v1 PodSpec at `prefix` (`spec` for Pods, `spec.template.spec` for workloads, `template.spec` for
 * PodTemplates), from the struct tags of k8s.io/api v0.33 core/v1/types.go. Atomic upstream, hence absent:
 * tolerations, readinessGates, envFrom, resizePolicy, resources.claims.
 */
export function podSpecSchema(prefix: string): PatchSchema {
  const lists: Record<string, ListPatchFacts> = {
    [`${prefix}.volumes`]: byName("merge,retainKeys"),
    [`${prefix}.imagePullSecrets`]: byName(),
    [`${prefix}.hostAliases`]: { strategy: "merge", mergeKey: "ip" },
    [`${prefix}.topologySpreadConstraints`]: { strategy: "merge", mergeKey: "topologyKey" },
    [`${prefix}.schedulingGates`]: byName(),
    [`${prefix}.resourceClaims`]: byName("merge,retainKeys"),
  };
  for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
    const list = `${prefix}.${field}`;
    lists[list] = byName();
    lists[`${list}[].ports`] = { strategy: "merge", mergeKey: "containerPort" };
    lists[`${list}[].env`] = byName();
    lists[`${list}[].volumeMounts`] = { strategy: "merge", mergeKey: "mountPath" };
    lists[`${list}[].volumeDevices`] = { strategy: "merge", mergeKey: "devicePath" };
  }
  return { lists };
}

/** `status.conditions` merged by `type`, as on most kinds. */
const conditionsByType = (prefix: string): PatchSchema => ({
  lists: { [prefix ? `${prefix}.conditions` : "conditions"]: { strategy: "merge", mergeKey: "type" } },
});

/**
 * Strategic-merge facts for every core/v1 kind at once: no two core/v1 kinds disagree on a path, so one schema
 * serves them all (Pod, PodTemplate, ReplicationController, Service, Node, Namespace, ServiceAccount,
 * PersistentVolumeClaim, ComponentStatus; the rest only have ObjectMeta lists). It also covers
 * `spec.template.{metadata,spec}` and a CronJob's `spec.jobTemplate.spec.template`, so apps/v1 and batch/v1
 * workloads share it.
 */
export const CORE_PATCH_SCHEMA: PatchSchema = mergePatchSchemas(
  objectMetaSchema("metadata"),
  podSpecSchema("spec"),
  {
    lists: {
      "status.podIPs": { strategy: "merge", mergeKey: "ip" },
      "status.hostIPs": { strategy: "merge", mergeKey: "ip" },
      "status.resourceClaimStatuses": byName("merge,retainKeys"),
    },
  },
  conditionsByType("status"),
  objectMetaSchema("template.metadata"),
  podSpecSchema("template.spec"),
  objectMetaSchema("spec.template.metadata"),
  podSpecSchema("spec.template.spec"),
  // batch/v1 CronJob: the Job template's pod template.
  objectMetaSchema("spec.jobTemplate.metadata"),
  objectMetaSchema("spec.jobTemplate.spec.template.metadata"),
  podSpecSchema("spec.jobTemplate.spec.template.spec"),
  {
    lists: {
      "spec.ports": { strategy: "merge", mergeKey: "port" },
      "spec.podCIDRs": { strategy: "merge" },
      "status.addresses": { strategy: "merge", mergeKey: "type" },
      secrets: byName(),
      // admissionregistration/v1 Mutating/ValidatingWebhookConfiguration.
      webhooks: byName(),
    },
  },
  conditionsByType(""),
);

// ---------------------------------------------------------------------------------------------
// Strategic merge patch

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER = "$setElementOrder";

const errBadArgType = (expected: string, actual: unknown): PatchError =>
  internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errNoMergeKey = (m: JsonMap, key: string): PatchError =>
  internal(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadPatchType = (directive: unknown, m: JsonMap): PatchError =>
  internal(`unknown patch type: ${goFormat(directive, "s")} in map: ${goFormat(m)}`);
const MAP_TYPE = "map[string]interface {}";
const SLICE_TYPE = "[]interface {}";

type ElementKind = "map" | "scalar";

/** Go's `==` on two decoded JSON values: scalars by value; objects never match (upstream would panic). */
const goEqual = (a: unknown, b: unknown): boolean => (a ?? null) === (b ?? null);

/** Position lookup by merge-key value (maps) or by value (scalars): first occurrence, -1 when absent. */
function positions(list: readonly unknown[], mergeKey: string, kind: ElementKind): (item: unknown) => number {
  const keyOf = (item: unknown): unknown => (kind === "map" ? (isMap(item) ? (item[mergeKey] ?? null) : null) : item);
  const index = new Map<unknown, number>();
  list.forEach((item, i) => {
    const k = keyOf(item);
    if (!index.has(k)) index.set(k, i);
  });
  return (item) => index.get(keyOf(item)) ?? -1;
}

/**
 * Go's sort.SliceStable (insertion-sorted blocks of 20, then SymMerge). Reproduced rather than using
 * Array.prototype.sort because upstream's comparator is not a strict order when items are missing from the
 * order list, and the result must then come out exactly as upstream's does.
 */
function goStableSort<T>(items: T[], less: (a: T, b: T) => boolean): void {
  const lessAt = (i: number, j: number): boolean => less(items[i] as T, items[j] as T);
  const swap = (i: number, j: number): void => {
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  };
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number): void => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number): void => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  const n = items.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

/** The strategic-merge engine for one request: the schema plus the recursive merge of apimachinery's patch.go. */
class StrategicMerge {
  constructor(private readonly schema: PatchSchema) {}

  private listFacts(path: string): { merge: boolean; mergeKey: string } {
    const facts = Object.hasOwn(this.schema.lists, path) ? this.schema.lists[path] : undefined;
    return { merge: facts?.strategy.split(",").includes("merge") ?? false, mergeKey: facts?.mergeKey ?? "" };
  }

  private replacesMap(path: string): boolean {
    const maps = this.schema.maps ?? {};
    return Object.hasOwn(maps, path) && maps[path]?.strategy === "replace";
  }

  mergeMap(original: JsonMap | undefined, patch: JsonMap, path: string): JsonMap {
    if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch[DIRECTIVE], patch);
    const out = original ?? {};
    applyRetainKeys(out, patch);
    this.mergeOrderedLists(out, patch, path);
    for (const rawKey of Object.keys(patch)) {
      const patchValue = patch[rawKey];
      const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
      const key = isDeleteList ? extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST) : rawKey;
      if (patchValue === null) {
        delete out[key];
        continue;
      }
      const current = out[key];
      if (!Object.hasOwn(out, key) || goTypeName(current) !== goTypeName(patchValue)) {
        if (!isDeleteList) setWithoutDirectives(out, key, discardNulls(patchValue));
        continue;
      }
      const childPath = path ? `${path}.${key}` : key;
      if (isMap(current)) {
        setOwn(out, key, this.replacesMap(childPath) ? patchValue : this.mergeMap(current, patchValue as JsonMap, childPath));
      } else if (Array.isArray(current)) {
        setOwn(out, key, this.mergeList(current, patchValue as unknown[], childPath, isDeleteList));
      } else {
        setWithoutDirectives(out, key, patchValue);
      }
    }
    return out;
  }

  /** `$setElementOrder/<list>`: merge that list now, then order it as the directive says. */
  private mergeOrderedLists(original: JsonMap, patch: JsonMap, path: string): void {
    for (const directiveKey of Object.keys(patch)) {
      if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
      const order = patch[directiveKey];
      delete patch[directiveKey];
      if (!Array.isArray(order)) throw errBadArgType(SLICE_TYPE, order);
      const key = extractKey(directiveKey, SET_ELEMENT_ORDER);
      const foundOriginal = Object.hasOwn(original, key);
      const foundPatch = Object.hasOwn(patch, key);
      if (foundOriginal && !Array.isArray(original[key])) throw errBadArgType(SLICE_TYPE, original[key]);
      if (foundPatch && !Array.isArray(patch[key])) throw errBadArgType(SLICE_TYPE, patch[key]);
      const originalList = foundOriginal ? (original[key] as unknown[]) : [];
      const patchList = foundPatch ? (patch[key] as unknown[]) : [];
      const childPath = path ? `${path}.${key}` : key;
      const { mergeKey } = this.listFacts(childPath);
      validateAgainstOrder(patchList, order, mergeKey);

      let merged: unknown[];
      if (foundOriginal && !foundPatch) merged = originalList;
      else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as unknown[];
      else if (foundOriginal && foundPatch) merged = this.mergeList(originalList, patchList, childPath, false);
      else continue;

      const [patchItems, serverOnly] = mergeKey
        ? partitionMaps(merged, order, mergeKey)
        : partitionScalars(merged, order);
      const kind = elementKind([originalList, patchList]);
      setOwn(original, key, orderElements(patchItems, serverOnly, order, originalList, mergeKey, kind));
      delete patch[key];
    }
  }

  private mergeList(original: unknown[], patch: unknown[], path: string, isDeleteList: boolean): unknown[] {
    const { merge, mergeKey } = this.listFacts(path);
    if (!merge && !isDeleteList) return patch;
    if (original.length === 0 && patch.length === 0) return original;
    const kind = elementKind([original, patch]);
    let base = original;
    let items = patch;
    let merged: unknown[];
    if (kind === "scalar") {
      if (isDeleteList) {
        const doomed = new Set(patch);
        return original.filter((v) => !doomed.has(v));
      }
      merged = [...new Set([...original, ...patch])];
    } else {
      if (!mergeKey) throw internal(`cannot merge lists without merge key for ${path}`);
      [base, items] = applyListDirectives(original, patch, mergeKey);
      merged = [...base];
      for (const item of items as JsonMap[]) {
        if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
        const found = findByKey(merged, mergeKey, item[mergeKey]);
        if (found === undefined) merged.push(item);
        else merged[found] = this.mergeMap(merged[found] as JsonMap, item, `${path}[]`);
      }
    }
    const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, items, mergeKey) : partitionScalars(merged, items);
    return orderElements(patchItems, serverOnly, items, base, mergeKey, kind);
  }
}

function mapDirective(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === "replace") {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === "delete") return {};
  throw errBadPatchType(directive, patch);
}

/** `$retainKeys: [..]`: drop original keys not listed; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest("invalid patch format of retainKeys");
  const retained = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(k)) throw badRequest("invalid patch format of retainKeys");
  }
  for (const k of Object.keys(original)) if (!retained.has(k)) delete original[k];
}

/** `$deleteFromPrimitiveList/finalizers` → `finalizers`. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(
      prefix === DELETE_FROM_PRIMITIVE_LIST
        ? "invalid patch format of primitive list"
        : "invalid patch format of setElementOrder list",
    );
  }
  return key.slice(slash + 1);
}

/** Remove null members recursively (a patch value for a key the original lacks). */
function discardNulls(v: unknown): unknown {
  if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === null) delete v[k];
      else discardNulls(item);
    }
  } else if (Array.isArray(v)) {
    for (const item of v) discardNulls(item);
  }
  return v;
}

/** Strip `$patch` maps (and list items) from a value taken verbatim from the patch; false: drop the value. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isMap(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return [undefined, false];
    for (const [k, item] of Object.entries(v)) {
      const [cleaned, keep] = removeDirectives(item);
      if (keep) setOwn(v, k, cleaned);
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [cleaned, keep] = removeDirectives(item);
      if (keep) out.push(cleaned);
    }
    return [out, true];
  }
  return [v, true];
}

function setWithoutDirectives(obj: JsonMap, key: string, value: unknown): void {
  const [cleaned, keep] = removeDirectives(value);
  if (keep) setOwn(obj, key, cleaned);
  else delete obj[key];
}

/** sliceElementType: all items of all lists share one type, which is not a list. */
function elementKind(lists: unknown[][]): ElementKind {
  let type: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const t = goTypeName(item);
      if (type === undefined) {
        type = t;
        if (t === SLICE_TYPE) throw unprocessable("lists of lists are not supported");
      } else if (type !== t) {
        throw internal(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (type === undefined) throw internal("no elements in any of the given slices");
  return type === MAP_TYPE ? "map" : "scalar";
}

/** findMapInSliceBasedOnKeyValue. */
function findByKey(list: readonly unknown[], mergeKey: string, value: unknown): number | undefined {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isMap(item)) throw internal(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, mergeKey) && goEqual(item[mergeKey], value)) return i;
  }
  return undefined;
}

/** List-item directives: `{$patch: delete, <key>: v}` removes matches, `{$patch: replace}` drops the original. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  let base = original;
  const rest: unknown[] = [];
  let replace = false;
  for (const item of patch as JsonMap[]) {
    if (!Object.hasOwn(item, DIRECTIVE)) {
      rest.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === "delete") {
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      const value = item[mergeKey];
      for (let i = findByKey(base, mergeKey, value); i !== undefined; i = findByKey(base, mergeKey, value)) {
        base = [...base.slice(0, i), ...base.slice(i + 1)];
      }
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      throw internal("merging lists cannot yet be specified in the patch");
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return replace ? [rest, []] : [base, rest];
}

function partitionScalars(merged: unknown[], by: readonly unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  return [merged.filter((v) => inPatch.has(v)), merged.filter((v) => !inPatch.has(v))];
}

function partitionMaps(merged: unknown[], by: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    if (!isMap(item)) throw errBadArgType(MAP_TYPE, item);
    if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    (findByKey(by, mergeKey, item[mergeKey]) === undefined ? serverOnly : inPatch).push(item);
  }
  return [inPatch, serverOnly];
}

/**
 * normalizeElementOrder: patch items in patch (or `$setElementOrder`) order, server-only items in live order,
 * then interleaved so each server-only item stays before the live items it preceded.
 */
function orderElements(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const pos = positions(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = pos(left[i]);
      const ri = pos(right[j]);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

function sortByOrder(items: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let keep = items;
  let doomed: unknown[] = [];
  if (kind === "map") {
    for (const item of [...items, ...order]) {
      if (!isMap(item)) throw errBadArgType(MAP_TYPE, item);
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
    keep = items.filter((item) => (item as JsonMap)[DIRECTIVE] !== "delete");
    doomed = items.filter((item) => (item as JsonMap)[DIRECTIVE] === "delete");
  }
  const pos = positions(order, mergeKey, kind);
  const ranked = keep.map((item) => ({ item, rank: pos(item) }));
  goStableSort(ranked, (a, b) => (a.rank >= 0 && b.rank >= 0 ? a.rank < b.rank : true));
  return [...ranked.map((r) => r.item), ...doomed];
}

/** The non-deleted patch items must appear in `$setElementOrder` in the same relative order. */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const item of patchList) if (!isMap(item)) throw errBadArgType(MAP_TYPE, item);
    items = patchList.filter((item) => (item as JsonMap)[DIRECTIVE] !== "delete");
  }
  const keyOf = (item: unknown, side: unknown): unknown => {
    if (!mergeKey) return item;
    if (!isMap(item)) throw errBadArgType(MAP_TYPE, side);
    if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    return item[mergeKey];
  };
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isMap(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (goEqual(keyOf(item, item), keyOf(order[s], order[s]))) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw internal(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    );
  }
}

/**
 * Apply a Kubernetes strategic merge patch to a copy of `doc`. Maps merge and null deletes; lists are replaced
 * unless `schema` gives them strategy merge (by merge key, or as a set for scalars); directives `$patch`
 * (replace|delete in maps, replace|delete as list items), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` work as upstream. `$patch: merge` is refused, as upstream refuses it.
 * A null body is a no-op, as upstream decodes it into an empty patch.
 * @throws PatchError with the status upstream answers: 400 for malformed directives, 422 for lists of lists,
 *   500 (no reason) for other failures such as a missing merge key.
 */
export function applyStrategicMergePatch(doc: KubeObject, patch: unknown, schema: PatchSchema): KubeObject {
  if (patch === null) return cloneJson(doc);
  if (!isMap(patch)) throw badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  const engine = new StrategicMerge(schema);
  return engine.mergeMap(cloneJson(doc) as JsonMap, cloneJson(patch), "") as KubeObject;
}
