/**
 * Whether a pod may run on a node by its node selector, required node affinity and taints
 * (the predicates the DaemonSet controller and the scheduler share: NodeAffinity, TaintToleration).
 */
import type { StoredObject } from "../../api/types.js";
import { rec, recs, str, type Json } from "./controller-ref.js";

function requirementMatches(req: Json, value: string | undefined): boolean {
  const values = (Array.isArray(req.values) ? req.values : []).map(String);
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || !/^-?\d+$/.test(value) || values.length !== 1) return false;
      const n = Number(value);
      const bound = Number(values[0]);
      return req.operator === "Gt" ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** One NodeSelectorTerm: all its expressions (labels) and fields (metadata.name) hold; an empty term matches nothing. */
export function termMatches(term: Json, node: StoredObject): boolean {
  const expressions = recs(term.matchExpressions);
  const fields = recs(term.matchFields);
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    expressions.every((e) => requirementMatches(e, Object.hasOwn(labels, str(e.key)) ? labels[str(e.key)] : undefined)) &&
    fields.every((f) => str(f.key) === "metadata.name" && requirementMatches(f, node.metadata.name))
  );
}

/** spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (terms ORed). */
export function nodeAffinityMatches(podSpec: Json, node: StoredObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(rec(podSpec.nodeSelector))) if (labels[k] !== v) return false;
  const required = rec(rec(rec(podSpec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = recs(required.nodeSelectorTerms);
  if (!rec(rec(podSpec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution) return true;
  return terms.some((t) => termMatches(t, node));
}

/** v1 Toleration.ToleratesTaint. */
export function tolerates(toleration: Json, taint: Json): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== "Exists") return false;
  if (toleration.operator === "Exists") return true;
  return str(toleration.value) === str(taint.value);
}

/** Taints of `effects` on the node that no toleration tolerates. */
export function untoleratedTaints(podSpec: Json, node: StoredObject, effects: string[]): Json[] {
  const tolerations = recs(podSpec.tolerations);
  return recs(rec(node.spec).taints).filter((t) => effects.includes(str(t.effect)) && !tolerations.some((tol) => tolerates(tol, t)));
}
