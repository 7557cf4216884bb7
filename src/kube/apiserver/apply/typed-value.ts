/**
 * The operations of structured-merge-diff's typed values, over plain JSON objects and a StructuralSchema:
 * the set of fields an object mentions (ToFieldSet), the difference of two objects (Compare), the merge of
 * an applied configuration into a live object (Merge) and the removal of owned fields (RemoveItems).
 * Each follows its upstream counterpart, including the quirks that decide where managedFields shows `.`.
 */
import { elementToString, keyElement, pathToString, serializeElement, type Path, type PathElement } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import { childPath, itemPath, type ListFacts, type StructuralSchema } from "./structural-schema.js";

type JsonMap = Record<string, unknown>;

const isMap = (v: unknown): v is JsonMap => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value that does not fit the schema (a list item without its keys, duplicates in an applied list). */
export class TypedValueError extends Error {
  override readonly name = "TypedValueError";
}

/** Deep equality of JSON values (value.Equals). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** listItemToPathElement: the key of an associative-list item, or the value of a set item. */
function itemElement(facts: ListFacts, item: unknown, index: number, path: Path): PathElement {
  const fail = (detail: string) => new TypedValueError(`${pathToString(path)}: element ${index}: ${detail}`);
  if (facts.type === "map") {
    if (!isMap(item)) throw fail("associative list with keys may not have non-map elements");
    const fields: [string, unknown][] = [];
    for (const key of facts.keys) {
      if (Object.hasOwn(item, key)) fields.push([key, item[key]]);
      else if (Object.hasOwn(facts.keyDefaults, key)) fields.push([key, facts.keyDefaults[key]]);
      else throw fail(`associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`);
    }
    return keyElement(fields);
  }
  if (facts.type === "set") {
    if (typeof item === "object" && item !== null) throw fail("associative list without keys has an element that's a map type");
    return { value: item };
  }
  return { index };
}

interface IndexedList {
  /** Distinct elements in list order; repeated ones are ignored after the first. */
  order: PathElement[];
  items: Map<string, unknown>;
}

const elementKey = (pe: PathElement): string => serializeElement(pe);

function indexList(list: unknown[] | undefined, facts: ListFacts, path: Path, rejectDuplicates: boolean): IndexedList {
  const order: PathElement[] = [];
  const items = new Map<string, unknown>();
  (list ?? []).forEach((item, i) => {
    const pe = itemElement(facts, item, i, path);
    const key = elementKey(pe);
    if (items.has(key)) {
      if (rejectDuplicates) throw new TypedValueError(`${pathToString(path)}: duplicate entries for key ${elementToString(pe)}`);
      return;
    }
    items.set(key, item);
    order.push(pe);
  });
  return { order, items };
}

// ---------------------------------------------------------------------------------------------
// ToFieldSet

/**
 * Every field an (applied) object mentions: scalars, atomic values, list items, map entries that are data
 * or empty/null, but not struct fields that have content (their content is owned instead).
 */
export function toFieldSet(obj: unknown, schema: StructuralSchema, allowDuplicates = false): FieldSet {
  const set = new FieldSet();
  collect(obj, "", [], schema, set, allowDuplicates);
  return set;
}

/** Returns true when the value is a leaf its parent must record. */
function collect(value: unknown, typePath: string, path: Path, schema: StructuralSchema, set: FieldSet, allowDuplicates: boolean): boolean {
  if (Array.isArray(value)) {
    const facts = schema.list(typePath);
    if (facts.type === "atomic") return true;
    const { order, items } = indexList(value, facts, path, !allowDuplicates);
    for (const pe of order) {
      const itemPathValue = [...path, pe];
      collect(items.get(elementKey(pe)), itemPath(typePath), itemPathValue, schema, set, allowDuplicates);
      set.insert(itemPathValue);
    }
    return false;
  }
  if (isMap(value)) {
    const facts = schema.map(typePath);
    if (facts === "atomic") return true;
    for (const [key, v] of Object.entries(value)) {
      const p = [...path, { field: key }];
      const leaf = collect(v, childPath(typePath, key), p, schema, set, allowDuplicates);
      if (leaf || v === null || (isMap(v) && Object.keys(v).length === 0) || facts === "map") set.insert(p);
    }
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Compare

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

export const isSame = (c: Comparison): boolean => c.added.isEmpty() && c.removed.isEmpty() && c.modified.isEmpty();

/** Comparison.ExcludeFields: drop ignored paths and everything below them. */
export const excludeFields = (c: Comparison, ignored: FieldSet): Comparison => ({
  added: c.added.recursiveDifference(ignored),
  removed: c.removed.recursiveDifference(ignored),
  modified: c.modified.recursiveDifference(ignored),
});

type Shape = "list" | "map" | "scalar";

/** The shape both sides take (nil/null adopt the other side's), or undefined when they disagree. */
function shapeOf(l: unknown, r: unknown): Shape | undefined {
  const one = (v: unknown): Shape | undefined =>
    v === undefined || v === null ? undefined : Array.isArray(v) ? "list" : isMap(v) ? "map" : "scalar";
  const a = one(l);
  const b = one(r);
  if (a && b && a !== b) return undefined;
  return a ?? b ?? "scalar";
}

/** What changed from `lhs` to `rhs`; a node that appears or disappears as a whole is recorded itself. */
export function compareObjects(lhs: unknown, rhs: unknown, schema: StructuralSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  compareInto(lhs, rhs, schema, c);
  return c;
}

/**
 * Compare into given sets (the same set may collect additions and modifications), leaving out everything
 * at or below a member of `exclude` (Comparison.ExcludeFields, done while walking).
 */
export function compareInto(lhs: unknown, rhs: unknown, schema: StructuralSchema, into: Comparison, exclude?: FieldSet): void {
  compareNode(lhs, rhs, "", [], schema, into, exclude?.isEmpty() ? undefined : exclude);
}

function compareNode(l: unknown, r: unknown, typePath: string, path: Path, schema: StructuralSchema, c: Comparison, exclude: FieldSet | undefined): void {
  // Fast paths: an unchanged subtree records nothing; a subtree that appears or disappears whole records
  // every node in it (each leaf, and each container by postItemHook).
  if (l !== undefined && r !== undefined && jsonEqual(l, r)) return;
  if (!exclude && path.length > 0) {
    if (l === undefined) return markAll(r, typePath, path, schema, c.added);
    if (r === undefined) return markAll(l, typePath, path, schema, c.removed);
  }
  const shape = shapeOf(l, r);
  let container = false;
  if (shape === "list") {
    const facts = schema.list(typePath);
    const la = Array.isArray(l) ? l : undefined;
    const ra = Array.isArray(r) ? r : undefined;
    if (facts.type !== "atomic" && (la?.length || ra?.length)) {
      container = true;
      const left = indexList(la, facts, path, false);
      const right = indexList(ra, facts, path, false);
      const seen = new Set<string>();
      for (const pe of [...left.order, ...right.order]) {
        const key = elementKey(pe);
        if (seen.has(key)) continue;
        seen.add(key);
        const rest = excludedBelow(exclude, pe, key);
        if (rest !== false) compareNode(left.items.get(key), right.items.get(key), itemPath(typePath), [...path, pe], schema, c, rest);
      }
    }
  } else if (shape === "map") {
    const lm = isMap(l) ? l : undefined;
    const rm = isMap(r) ? r : undefined;
    if (schema.map(typePath) !== "atomic" && !(isEmptyMap(lm) && isEmptyMap(rm))) {
      container = true;
      for (const key in lm) {
        if (!Object.hasOwn(lm, key)) continue;
        const pe = { field: key };
        const rest = excludedBelow(exclude, pe, `f:${key}`);
        const rv = rm && Object.hasOwn(rm, key) ? rm[key] : undefined;
        if (rest !== false) compareNode(lm[key], rv, childPath(typePath, key), [...path, pe], schema, c, rest);
      }
      for (const key in rm) {
        if (!Object.hasOwn(rm, key) || (lm && Object.hasOwn(lm, key))) continue;
        const pe = { field: key };
        const rest = excludedBelow(exclude, pe, `f:${key}`);
        if (rest !== false) compareNode(undefined, rm[key], childPath(typePath, key), [...path, pe], schema, c, rest);
      }
    }
  }
  if (!container) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else c.modified.insert(path);
    return;
  }
  // postItemHook: a container that is new or gone is itself added or removed.
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

const isEmptyMap = (m: JsonMap | undefined): boolean => {
  for (const key in m) if (Object.hasOwn(m, key)) return false;
  return true;
};

/** The exclusions below a child, undefined for none, or false when the child itself is excluded. */
function excludedBelow(exclude: FieldSet | undefined, pe: PathElement, key: string): FieldSet | undefined | false {
  if (!exclude) return undefined;
  if (exclude.hasMember(pe, key)) return false;
  const rest = exclude.withPrefix(pe, key);
  return rest.isEmpty() ? undefined : rest;
}

/** Records `value` at `path` and every node below it, as comparing it against nothing would. */
function markAll(value: unknown, typePath: string, path: Path, schema: StructuralSchema, into: FieldSet): void {
  let parent = into;
  for (let i = 0; i < path.length - 1; i++) parent = parent.descend(path[i] as PathElement);
  const last = path[path.length - 1] as PathElement;
  const key = serializeElement(last);
  parent.addMember(last, key);
  markChildren(value, typePath, path, schema, parent, last, key);
}

function markChildren(value: unknown, typePath: string, path: Path, schema: StructuralSchema, parent: FieldSet, pe: PathElement, key: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    const facts = schema.list(typePath);
    if (facts.type === "atomic") return;
    const { order, items } = indexList(value, facts, path, false);
    const node = parent.descend(pe, key);
    for (const item of order) {
      const itemKey = elementKey(item);
      node.addMember(item, itemKey);
      markChildren(items.get(itemKey), itemPath(typePath), [...path, item], schema, node, item, itemKey);
    }
  } else if (isMap(value)) {
    if (isEmptyMap(value) || schema.map(typePath) === "atomic") return;
    const node = parent.descend(pe, key);
    for (const field in value) {
      if (!Object.hasOwn(value, field)) continue;
      const child = { field };
      const childKey = `f:${field}`;
      node.addMember(child, childKey);
      markChildren(value[field], childPath(typePath, field), [...path, child], schema, node, child, childKey);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Merge

/**
 * Merges an applied configuration into the live object: the configuration wins on every leaf and atomic
 * value, maps merge per key, associative lists and sets per item (ordered as upstream interleaves them).
 */
export function mergeObjects(live: unknown, config: unknown, schema: StructuralSchema): unknown {
  return mergeNode(live, config, "", [], schema);
}

function mergeNode(l: unknown, r: unknown, typePath: string, path: Path, schema: StructuralSchema): unknown {
  if (r === undefined) return l;
  if (l === undefined) return r;
  const shape = shapeOf(l, r);
  if (shape === "list") {
    const facts = schema.list(typePath);
    const la = Array.isArray(l) ? l : undefined;
    const ra = Array.isArray(r) ? r : undefined;
    if (facts.type === "atomic" || (!la?.length && !ra?.length)) return r;
    return mergeList(la, ra, facts, typePath, path, schema);
  }
  if (shape === "map") {
    const facts = schema.map(typePath);
    const lm = isMap(l) ? l : undefined;
    const rm = isMap(r) ? r : undefined;
    const lEmpty = !lm || Object.keys(lm).length === 0;
    const rEmpty = !rm || Object.keys(rm).length === 0;
    if (facts === "atomic" || (lEmpty && rEmpty)) return r;
    const out: JsonMap = {};
    for (const key of new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])) {
      const lv = lm && Object.hasOwn(lm, key) ? lm[key] : undefined;
      const rv = rm && Object.hasOwn(rm, key) ? rm[key] : undefined;
      const merged = mergeNode(lv, rv, childPath(typePath, key), [...path, { field: key }], schema);
      if (merged !== undefined) setOwn(out, key, merged);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return r;
}

/** mergingWalker.visitListItems: live order, with the applied items (and their order) woven in. */
function mergeList(
  la: unknown[] | undefined,
  ra: unknown[] | undefined,
  facts: ListFacts,
  typePath: string,
  path: Path,
  schema: StructuralSchema,
): unknown[] | undefined {
  const right = indexList(ra, facts, path, true);
  const left = indexList(la, facts, path, false);
  const sharedOrder = right.order.filter((pe) => left.items.has(elementKey(pe)));
  let nextShared = sharedOrder.shift();
  const out: unknown[] = [];
  const mergedRight = new Set<string>();
  const mergeItem = (pe: PathElement, lv: unknown, rv: unknown) => {
    const merged = mergeNode(lv, rv, itemPath(typePath), [...path, pe], schema);
    if (merged !== undefined) out.push(merged);
  };
  let li = 0;
  let ri = 0;
  while (li < left.order.length || ri < right.order.length) {
    if (li < left.order.length && ri < right.order.length) {
      const pe = left.order[li] as PathElement;
      const key = elementKey(pe);
      if (key === elementKey(right.order[ri] as PathElement)) {
        mergedRight.add(key);
        mergeItem(pe, left.items.get(key), right.items.get(key));
        li++;
        ri++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (right.items.has(key) && nextShared !== undefined && elementKey(nextShared) !== key) {
        li++;
        continue;
      }
    }
    if (li < left.order.length) {
      const pe = left.order[li] as PathElement;
      const key = elementKey(pe);
      if (!right.items.has(key)) {
        mergeItem(pe, left.items.get(key), undefined);
        li++;
        continue;
      }
      if (mergedRight.has(key)) {
        li++;
        continue;
      }
    }
    if (ri < right.order.length) {
      const pe = right.order[ri] as PathElement;
      const key = elementKey(pe);
      mergedRight.add(key);
      mergeItem(pe, left.items.get(key), right.items.get(key));
      ri++;
      if (nextShared !== undefined && elementKey(nextShared) === key) nextShared = sharedOrder.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}

function setOwn(obj: JsonMap, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

// ---------------------------------------------------------------------------------------------
// RemoveItems and EnsureNamedFieldsAreMembers

/**
 * The object without the members of `toRemove` (map fields and list items, with everything below them).
 * A container left empty by the removal is dropped, as upstream leaves it nil.
 */
export function removeItems(value: unknown, toRemove: FieldSet, schema: StructuralSchema): unknown {
  return removeNode(value, toRemove, "", [], schema);
}

function removeNode(value: unknown, toRemove: FieldSet, typePath: string, path: Path, schema: StructuralSchema): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return value;
    const facts = schema.list(typePath);
    if (facts.type === "atomic") return undefined;
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const pe = itemElement(facts, item, i, path);
      if (toRemove.hasMember(pe)) return;
      const below = toRemove.withPrefix(pe);
      const kept = below.isEmpty() ? item : removeNode(item, below, itemPath(typePath), [...path, pe], schema);
      out.push(kept === undefined ? null : kept);
    });
    return out.length > 0 ? out : undefined;
  }
  if (isMap(value)) {
    if (Object.keys(value).length === 0) return value;
    if (schema.map(typePath) === "atomic") return undefined;
    const out: JsonMap = {};
    for (const [key, v] of Object.entries(value)) {
      const pe = { field: key };
      if (toRemove.hasMember(pe)) continue;
      const below = toRemove.withPrefix(pe);
      const kept = below.isEmpty() ? v : removeNode(v, below, childPath(typePath, key), [...path, pe], schema);
      if (kept !== undefined) setOwn(out, key, kept);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

/** Also makes members of the struct fields that only have owned descendants, so pruning removes them whole. */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: StructuralSchema, typePath = "", prefix: Path = []): FieldSet {
  const out = new FieldSet();
  for (const pe of set.memberElements()) out.insert([...prefix, pe]);
  const isStruct = schema.map(typePath) === "struct";
  for (const { pe, set: below } of set.childNodes()) {
    const p = [...prefix, pe];
    if ("field" in pe && isStruct) out.insert(p);
    const childType = "field" in pe ? childPath(typePath, pe.field) : itemPath(typePath);
    for (const q of ensureNamedFieldsAreMembers(below, schema, childType, p).paths()) out.insert(q);
  }
  return out;
}

/** Drops null map entries (Go decodes them to zero values, which JSON leaves out). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) setOwn(out, k, dropNulls(v));
  return out;
}
