/**
 * A set of field paths (structured-merge-diff fieldpath.Set): a trie whose nodes hold the elements that are
 * members (owned themselves) and the elements that have owned descendants. managedFields' FieldsV1 is
 * this trie as JSON, with `.` marking a node that is both.
 */
import {
  compareElements,
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

const sortedEntries = <T extends { pe: PathElement } | PathElement>(map: Map<string, T>, pe: (t: T) => PathElement): [string, T][] =>
  [...map.entries()].sort((a, b) => compareElements(pe(a[1]), pe(b[1])));

export class FieldSet {
  /** Elements owned at this level, by their serialized form. */
  private readonly members = new Map<string, PathElement>();
  /** Elements with owned descendants. Never holds an empty set. */
  private readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  insert(path: Path): void {
    const [first, ...rest] = path;
    if (!first) return;
    if (rest.length === 0) this.members.set(serializeElement(first), first);
    else this.descend(first).insert(rest);
  }

  /** The child set at `pe`, created when missing (only insert uses it, so it never stays empty). */
  private descend(pe: PathElement): FieldSet {
    const key = serializeElement(pe);
    let child = this.children.get(key);
    if (!child) {
      child = { pe, set: new FieldSet() };
      this.children.set(key, child);
    }
    return child.set;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  /** The set below `pe` (upstream WithPrefix); empty when nothing is owned below it. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? new FieldSet();
  }

  has(path: Path): boolean {
    const [first, ...rest] = path;
    if (!first) return false;
    if (rest.length === 0) return this.hasMember(first);
    return this.children.get(serializeElement(first))?.set.has(rest) ?? false;
  }

  /** Member elements in upstream order. */
  memberElements(): PathElement[] {
    return sortedEntries(this.members, (pe) => pe).map(([, pe]) => pe);
  }

  /** Child nodes in upstream order. */
  childNodes(): Child[] {
    return sortedEntries(this.children, (c) => c.pe).map(([, c]) => c);
  }

  /** Removes empty child nodes left behind by in-place edits. */
  private prune(): this {
    for (const [key, child] of this.children) if (child.set.isEmpty()) this.children.delete(key);
    return this;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of other.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      out.children.set(k, { pe: c.pe, set: o ? c.set.union(o.set) : c.set.clone() });
    }
    for (const [k, c] of other.children) if (!this.children.has(k)) out.children.set(k, { pe: c.pe, set: c.set.clone() });
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (o) out.children.set(k, { pe: c.pe, set: c.set.intersection(o.set) });
    }
    return out.prune();
  }

  /** Members of this set that `other` lacks, level by level. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      out.children.set(k, { pe: c.pe, set: o ? c.set.difference(o.set) : c.set.clone() });
    }
    return out.prune();
  }

  /** Like difference, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (other.members.has(k)) continue;
      const o = other.children.get(k);
      out.children.set(k, { pe: c.pe, set: o ? c.set.recursiveDifference(o.set) : c.set.clone() });
    }
    return out.prune();
  }

  clone(): FieldSet {
    return this.union(new FieldSet());
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
    const members = this.memberElements();
    const children = this.childNodes();
    let mi = 0;
    let ci = 0;
    while (mi < members.length || ci < children.length) {
      const m = members[mi];
      const c = children[ci];
      const order = m && c ? compareElements(m, c.pe) : m ? -1 : 1;
      if (order < 0 && m) {
        out[serializeElement(m)] = {};
        mi++;
      } else if (order > 0 && c) {
        out[serializeElement(c.pe)] = c.set.emit(false);
        ci++;
      } else if (c) {
        out[serializeElement(c.pe)] = c.set.emit(true);
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
    for (const [key, value] of Object.entries(json)) {
      if (key === ".") {
        isMember = true;
        continue;
      }
      const pe = parseElement(key);
      if (pe === UNKNOWN_ELEMENT) continue;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new FieldPathError(`expected an object at ${key}`);
      }
      hasChildren = true;
      const serialized = serializeElement(pe);
      const child = new FieldSet();
      if (child.read(value as Record<string, unknown>)) this.members.set(serialized, pe);
      if (!child.isEmpty()) this.children.set(serialized, { pe, set: child });
    }
    return isMember || !hasChildren;
  }
}
