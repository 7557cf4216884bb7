/**
 * kube-apiserver's rbac/bootstrap-roles post-start hook: the default roles and bindings are created
 * when missing, and those still annotated `rbac.authorization.kubernetes.io/autoupdate: "true"` get
 * back the permissions, subjects, labels and annotations they lost (additions only, as upstream's
 * reconciliation without --remove-extra-permissions). Idempotent: a restart changes nothing.
 */
import type { StoredObject } from "../../api/types.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { StatusError } from "../status.js";
import { AUTOUPDATE_ANNOTATION, bootstrapPolicy } from "./bootstrap-policy.js";
import { covers, RBAC_GROUP, type PolicyRule, type Subject } from "./rbac-rules.js";

const PLURALS: Record<string, string> = {
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  Role: "roles",
  RoleBinding: "rolebindings",
};

const sameSubject = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name && (a.namespace ?? "") === (b.namespace ?? "") && (a.apiGroup ?? "") === (b.apiGroup ?? "");

/** The object `existing` should become to hold what `expected` grants, or undefined when it already does. */
export function reconciled(existing: StoredObject, expected: StoredObject): StoredObject | undefined {
  if (existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== "true") return undefined;
  const next = structuredClone(existing);
  let changed = false;
  for (const field of ["labels", "annotations"] as const) {
    for (const [k, v] of Object.entries(expected.metadata[field] ?? {})) {
      if (next.metadata[field]?.[k] !== undefined) continue;
      next.metadata[field] = { ...next.metadata[field], [k]: v };
      changed = true;
    }
  }
  if (expected.kind === "ClusterRole" || expected.kind === "Role") {
    const { missing } = covers((next.rules as PolicyRule[] | undefined) ?? [], (expected.rules as PolicyRule[] | undefined) ?? []);
    if (missing.length > 0) {
      next.rules = [...((next.rules as PolicyRule[] | undefined) ?? []), ...missing];
      changed = true;
    }
    const wantedSelectors = (expected.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined)?.clusterRoleSelectors ?? [];
    if (wantedSelectors.length > 0) {
      const rule = (next.aggregationRule ?? {}) as { clusterRoleSelectors?: unknown[] };
      const have = rule.clusterRoleSelectors ?? [];
      const add = wantedSelectors.filter((s) => !have.some((h) => JSON.stringify(h) === JSON.stringify(s)));
      if (add.length > 0) {
        next.aggregationRule = { ...rule, clusterRoleSelectors: [...have, ...add] };
        changed = true;
      }
    }
  } else {
    const have = (next.subjects as Subject[] | undefined) ?? [];
    const add = ((expected.subjects as Subject[] | undefined) ?? []).filter((s) => !have.some((h) => sameSubject(h, s)));
    if (add.length > 0) {
      next.subjects = [...have, ...add];
      changed = true;
    }
  }
  return changed ? next : undefined;
}

/** Creates the missing default objects and repairs the auto-updated ones, through the API as `client`. */
export async function ensureBootstrapPolicy(client: InProcessClient): Promise<{ created: number; updated: number }> {
  const existing = new Map<string, StoredObject>();
  for (const plural of Object.values(PLURALS)) {
    const list = await client.list({ group: RBAC_GROUP, version: "v1", plural });
    for (const obj of list.items) existing.set(`${plural}/${objectKey(obj)}`, obj);
  }
  let created = 0;
  let updated = 0;
  for (const expected of bootstrapPolicy()) {
    const plural = PLURALS[expected.kind ?? ""] ?? "";
    const ref = { group: RBAC_GROUP, version: "v1", plural, namespace: expected.metadata.namespace };
    const current = existing.get(`${plural}/${objectKey(expected)}`);
    if (!current) {
      try {
        await client.create(ref, expected);
        created++;
      } catch (error) {
        // Another API server of the same cluster may have created it first.
        if (!(error instanceof StatusError && error.code === 409)) throw error;
      }
      continue;
    }
    const next = reconciled(current, expected);
    if (!next) continue;
    await client.update({ ...ref, name: expected.metadata.name }, next);
    updated++;
  }
  return { created, updated };
}
