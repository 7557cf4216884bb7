import { type Json, rec, recs, str, strs } from "./json.js";

export type Labels = Record<string, string>;
/**
 * A compiled selector: true when the labels match. `key` is the same for selectors that match
 * the same labels (the scheduler cache keeps per-selector counts of placed pods under it).
 */
export type LabelMatcher = ((labels: Labels) => boolean) & { readonly key?: string };

/** Gives a matcher its canonical key. */
export const keyed = (match: (labels: Labels) => boolean, key: string): LabelMatcher => Object.assign(match, { key });

export const matchNothing: LabelMatcher = keyed(() => false, "!");
export const matchEverything: LabelMatcher = keyed(() => true, "*");

type Requirement = LabelMatcher;

/** One metav1.LabelSelectorRequirement (In, NotIn, Exists, DoesNotExist); an unknown operator matches nothing. */
function labelRequirement(key: string, operator: string, values: string[]): Requirement {
  const set = new Set(values);
  const id = JSON.stringify([key, operator, [...set].sort()]);
  switch (operator) {
    case "In": {
      if (set.size === 1) {
        const only = values[0];
        return keyed((l) => l[key] === only, id);
      }
      return keyed((l) => l[key] !== undefined && set.has(l[key] as string), id);
    }
    case "NotIn":
      return keyed((l) => l[key] === undefined || !set.has(l[key] as string), id);
    case "Exists":
      return keyed((l) => l[key] !== undefined, id);
    case "DoesNotExist":
      return keyed((l) => l[key] === undefined, id);
    default:
      return matchNothing;
  }
}

/** All of the requirements (ANDed), keyed by their sorted keys. */
export function allOf(reqs: Requirement[]): LabelMatcher {
  if (reqs.length === 0) return matchEverything;
  if (reqs.length === 1) return reqs[0] as Requirement;
  const keys = reqs.map((r) => r.key);
  const key = keys.every((k) => k !== undefined) ? [...new Set(keys)].sort().join("&") : undefined;
  const match = (l: Labels) => {
    for (const r of reqs) if (!r(l)) return false;
    return true;
  };
  return key === undefined ? match : keyed(match, key);
}

/** `labels` ⊆ the labels matched (a Service's or ReplicationController's plain selector map). */
export const matchLabelMap = (map: Labels): LabelMatcher => allOf(Object.entries(map).map(([k, v]) => labelRequirement(k, "In", [v])));

/**
 * metav1.LabelSelectorAsSelector: a missing (null) selector matches nothing, an empty one
 * everything; matchLabels and matchExpressions are ANDed. `extra` adds requirements (the
 * matchLabelKeys / mismatchLabelKeys merged in from the pod's own labels).
 */
export function compileLabelSelector(selector: unknown, extra: Requirement[] = []): LabelMatcher {
  if (selector === undefined || selector === null) return matchNothing;
  const s = rec(selector);
  const reqs: Requirement[] = [...extra];
  for (const [key, v] of Object.entries(rec(s.matchLabels))) reqs.push(labelRequirement(key, "In", [str(v)]));
  for (const e of recs(s.matchExpressions)) reqs.push(labelRequirement(str(e.key), str(e.operator), strs(e.values)));
  return allOf(reqs);
}

/** `key In [value]` / `key NotIn [value]` for matchLabelKeys / mismatchLabelKeys of a term. */
export function labelKeyRequirements(matchKeys: string[], mismatchKeys: string[], podLabels: Labels): Requirement[] {
  const out: Requirement[] = [];
  for (const key of matchKeys) {
    const v = podLabels[key];
    if (v !== undefined) out.push(labelRequirement(key, "In", [v]));
  }
  for (const key of mismatchKeys) {
    const v = podLabels[key];
    if (v !== undefined) out.push(labelRequirement(key, "NotIn", [v]));
  }
  return out;
}

/** What a node selector term sees of a node: its labels and metadata.name (the only matchFields field). */
export interface NodeFacts {
  name: string;
  labels: Labels;
}

export type NodeMatcher = (node: NodeFacts) => boolean;

/** Go's strconv.ParseInt for Gt/Lt: a label value that is not an integer never matches. */
const intOf = (v: string | undefined): number | undefined => (v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined);

function nodeRequirement(e: Json, field: boolean): NodeMatcher | undefined {
  const key = str(e.key);
  const op = str(e.operator);
  const values = strs(e.values);
  if (field) {
    // Only metadata.name with In/NotIn is valid in matchFields.
    if (key !== "metadata.name" || (op !== "In" && op !== "NotIn")) return undefined;
    const set = new Set(values);
    return op === "In" ? (n) => set.has(n.name) : (n) => !set.has(n.name);
  }
  if (op === "Gt" || op === "Lt") {
    const bound = intOf(values[0]);
    if (values.length !== 1 || bound === undefined) return undefined;
    return (n) => {
      const v = intOf(n.labels[key]);
      return v !== undefined && (op === "Gt" ? v > bound : v < bound);
    };
  }
  const r = labelRequirement(key, op, values);
  return (n) => r(n.labels);
}

/** One NodeSelectorTerm: expressions and fields ANDed; an empty or invalid term matches no node. */
export function compileNodeSelectorTerm(term: unknown): NodeMatcher {
  const t = rec(term);
  const parts: NodeMatcher[] = [];
  for (const e of recs(t.matchExpressions)) {
    const m = nodeRequirement(e, false);
    if (!m) return () => false;
    parts.push(m);
  }
  for (const e of recs(t.matchFields)) {
    const m = nodeRequirement(e, true);
    if (!m) return () => false;
    parts.push(m);
  }
  if (parts.length === 0) return () => false;
  return (n) => {
    for (const p of parts) if (!p(n)) return false;
    return true;
  };
}

/** A NodeSelector: its terms ORed (no terms: no node). */
export function compileNodeSelector(selector: unknown): NodeMatcher {
  const terms = recs(rec(selector).nodeSelectorTerms).map(compileNodeSelectorTerm);
  return (n) => {
    for (const t of terms) if (t(n)) return true;
    return false;
  };
}

/**
 * The node names a required node affinity pins the pod to when every term has a
 * `metadata.name In [...]` field (DaemonSet pods): NodeAffinity's PreFilter result. Undefined
 * when some term can match other nodes.
 */
export function pinnedNodeNames(selector: unknown): Set<string> | undefined {
  const terms = recs(rec(selector).nodeSelectorTerms);
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    const fields = recs(t.matchFields).filter((f) => str(f.key) === "metadata.name" && str(f.operator) === "In");
    if (fields.length === 0) return undefined;
    // Several In fields in one term intersect; terms union.
    let inTerm: Set<string> | undefined;
    for (const f of fields) {
      const values = new Set(strs(f.values));
      inTerm = inTerm ? new Set([...inTerm].filter((v) => values.has(v))) : values;
    }
    for (const n of inTerm ?? []) names.add(n);
  }
  return names;
}

export interface Taint {
  key: string;
  value: string;
  effect: string;
}

export interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

export const taintsOf = (v: unknown): Taint[] => recs(v).map((t) => ({ key: str(t.key), value: str(t.value), effect: str(t.effect) }));
export const tolerationsOf = (v: unknown): Toleration[] =>
  recs(v).map((t) => ({ key: str(t.key), operator: str(t.operator), value: str(t.value), effect: str(t.effect) }));

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  if (t.operator === "" || t.operator === "Equal") return t.value === taint.value;
  return false;
}

export const toleratesAny = (tolerations: Toleration[], taint: Taint): boolean => tolerations.some((t) => tolerates(t, taint));

/** The first NoSchedule/NoExecute taint no toleration covers (FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc). */
export function untoleratedTaint(taints: Taint[], tolerations: Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (!toleratesAny(tolerations, taint)) return taint;
  }
  return undefined;
}
