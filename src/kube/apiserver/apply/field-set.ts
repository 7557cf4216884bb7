/**
 * A set of field paths (structured-merge-diff fieldpath.Set): a trie whose nodes hold the elements that are
 * members (owned themselves) and the elements that have owned descendants. managedFields' FieldsV1 is
 * this trie as JSON, with `.` marking a node that is both. Every write computes a few of these, so the
 * maps are created on first use and the hot paths have in-place variants (`subtract`, `absorb`).
 */
import {
  compareElements,
  compareStrings,
  FieldPathError,
  parseElement,
  serializeElement,
  UNKNOWN_ELEMENT,
  type Path,
  type PathElement,
} from "./field-path.js";

interface Child {
  pe: PathElement;
  set: FieldSet;
}

/** Element order; two field names compare by their serialized forms, which share the `f:` prefix. */
function compareSerialized(ka: string, a: PathElement, kb: string, b: PathElement): number {
  if (ka.charCodeAt(0) === 102 && kb.charCodeAt(0) === 102) return compareStrings(ka, kb);
  return compareElements(a, b);
}

const EMPTY_MEMBERS: ReadonlyMap<string, PathElement> = new Map();
const EMPTY_CHILDREN: ReadonlyMap<string, Child> = new Map();

export class FieldSet {
  /** Elements owned at this level, by their serialized form. */
  private members: Map<string, PathElement> | undefined;
  /** Elements with owned descendants. Never holds an empty set once an operation returns. */
  private children: Map<string, Child> | undefined;

  static of(...paths: Path[]): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }

  private get memberMap(): ReadonlyMap<string, PathElement> {
    return this.members ?? EMPTY_MEMBERS;
  }

  private get childMap(): ReadonlyMap<string, Child> {
    return this.children ?? EMPTY_CHILDREN;
  }

  isEmpty(): boolean {
    return !this.members?.size && !this.children?.size;
  }

  insert(path: Path): void {
    const [first, ...rest] = path;
    if (!first) return;
    if (rest.length === 0) this.addMember(first);
    else this.descend(first).insert(rest);
  }

  /** Makes `pe` a member at this level. */
  addMember(pe: PathElement, serialized = serializeElement(pe)): void {
    (this.members ??= new Map()).set(serialized, pe);
  }

  /**
   * The child set at `pe`, created when missing. For builders that insert below it right away: a child
   * left empty would serialize as a member.
   */
  descend(pe: PathElement, serialized = serializeElement(pe)): FieldSet {
    const children = (this.children ??= new Map());
    let child = children.get(serialized);
    if (!child) {
      child = { pe, set: new FieldSet() };
      children.set(serialized, child);
    }
    return child.set;
  }

  hasMember(pe: PathElement, serialized = serializeElement(pe)): boolean {
    return this.members?.has(serialized) ?? false;
  }

  /** The set below `pe` (upstream WithPrefix, shared with this set); empty when nothing is owned below it. */
  withPrefix(pe: PathElement, serialized = serializeElement(pe)): FieldSet {
    return this.children?.get(serialized)?.set ?? new FieldSet();
  }

  has(path: Path): boolean {
    const [first, ...rest] = path;
    if (!first) return false;
    if (rest.length === 0) return this.hasMember(first);
    return this.withPrefix(first).has(rest);
  }

  /** Member elements in upstream order. */
  memberElements(): PathElement[] {
    return this.sortedMembers().map(([, pe]) => pe);
  }

  /** Child nodes in upstream order. */
  childNodes(): Child[] {
    return this.sortedChildren().map(([, c]) => c);
  }

  private sortedMembers(): [string, PathElement][] {
    return [...this.memberMap].sort((a, b) => compareSerialized(a[0], a[1], b[0], b[1]));
  }

  private sortedChildren(): [string, Child][] {
    return [...this.childMap].sort((a, b) => compareSerialized(a[0], a[1].pe, b[0], b[1].pe));
  }

  union(other: FieldSet): FieldSet {
    return this.clone().absorb(other.clone());
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) if (other.memberMap.has(k)) out.addMember(pe, k);
    for (const [k, c] of this.childMap) {
      const o = other.childMap.get(k);
      if (!o) continue;
      const both = c.set.intersection(o.set);
      if (!both.isEmpty()) (out.children ??= new Map()).set(k, { pe: c.pe, set: both });
    }
    return out;
  }

  /** Members of this set that `other` lacks, level by level. */
  difference(other: FieldSet): FieldSet {
    const out = this.clone();
    out.subtract(other);
    return out;
  }

  /** Like difference, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) if (!other.memberMap.has(k)) out.addMember(pe, k);
    for (const [k, c] of this.childMap) {
      if (other.memberMap.has(k)) continue;
      const o = other.childMap.get(k);
      const rest = o ? c.set.recursiveDifference(o.set) : c.set.clone();
      if (!rest.isEmpty()) (out.children ??= new Map()).set(k, { pe: c.pe, set: rest });
    }
    return out;
  }

  /** In place: removes the members `other` has, level by level; true when anything was removed. */
  subtract(other: FieldSet): boolean {
    if (other.isEmpty() || this.isEmpty()) return false;
    let removed = false;
    if (this.members) for (const k of other.memberMap.keys()) removed = this.members.delete(k) || removed;
    if (this.children) {
      for (const [k, o] of other.childMap) {
        const c = this.children.get(k);
        if (!c) continue;
        removed = c.set.subtract(o.set) || removed;
        if (c.set.isEmpty()) this.children.delete(k);
      }
    }
    return removed;
  }

  /** In place: adds every path of `other`, which is taken over (it must not be used afterwards). */
  absorb(other: FieldSet): this {
    for (const [k, pe] of other.memberMap) this.addMember(pe, k);
    for (const [k, o] of other.childMap) {
      const c = this.children?.get(k);
      if (c) c.set.absorb(o.set);
      else (this.children ??= new Map()).set(k, o);
    }
    return this;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    if (this.members?.size) out.members = new Map(this.members);
    if (this.children?.size) {
      out.children = new Map();
      for (const [k, c] of this.children) out.children.set(k, { pe: c.pe, set: c.set.clone() });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Every member path: this level's members first, then each child's, in upstream order (Set.Iterate). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.memberElements().map((pe) => [...prefix, pe]);
    for (const { pe, set } of this.childNodes()) out.push(...set.paths([...prefix, pe]));
    return out;
  }

  /** FieldsV1 as upstream serializes it: elements in order, `.` last for a member with children. */
  toFieldsV1(): Record<string, unknown> {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const members = this.sortedMembers();
    const children = this.sortedChildren();
    let mi = 0;
    let ci = 0;
    while (mi < members.length || ci < children.length) {
      const m = members[mi];
      const c = children[ci];
      const order = m && c ? compareSerialized(m[0], m[1], c[0], c[1].pe) : m ? -1 : 1;
      if (order < 0 && m) {
        out[m[0]] = {};
        mi++;
      } else if (order > 0 && c) {
        out[c[0]] = c[1].set.emit(false);
        ci++;
      } else if (c) {
        out[c[0]] = c[1].set.emit(true);
        mi++;
        ci++;
      }
    }
    if (includeSelf && (members.length > 0 || children.length > 0)) out["."] = {};
    return out;
  }

  /** Reads FieldsV1 (readIterV1); unknown element types are dropped, malformed keys throw FieldPathError. */
  static fromFieldsV1(json: unknown): FieldSet {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new FieldPathError("expected an object as FieldsV1");
    }
    const set = new FieldSet();
    set.read(json as Record<string, unknown>);
    return set;
  }

  /** Reads one JSON node's children into this set; true when the node itself is a member (`.` or no children). */
  private read(json: Record<string, unknown>): boolean {
    let isMember = false;
    let hasChildren = false;
    for (const key in json) {
      if (!Object.hasOwn(json, key)) continue;
      if (key === ".") {
        isMember = true;
        continue;
      }
      const value = json[key];
      const pe = parseElement(key);
      if (pe === UNKNOWN_ELEMENT) continue;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new FieldPathError(`expected an object at ${key}`);
      }
      hasChildren = true;
      // Field keys are already in their serialized form; keys and values are re-serialized canonically.
      const serialized = "field" in pe ? key : serializeElement(pe);
      const child = new FieldSet();
      if (child.read(value as Record<string, unknown>)) this.addMember(pe, serialized);
      if (!child.isEmpty()) (this.children ??= new Map()).set(serialized, { pe, set: child });
    }
    return isMember || !hasChildren;
  }
}
