/**
 * ControllerRevisions for DaemonSets and StatefulSets (pkg/controller/history): each distinct pod
 * template is a revision named `<owner>-<hash>`, whose data is the patch that restores it.
 */
import type { StoredObject } from "../../api/types.js";
import type { InProcessClient, ResourceRef } from "../../client/in-process-client.js";
import { isAlreadyExists, isNotFound } from "./controller-context.js";
import { canonicalJson, int, newControllerRef, rec, type Json } from "./controller-ref.js";
import { computeHash } from "./hash.js";

export const REVISION_HASH = "controller-revision-hash";
const REVISIONS: ResourceRef = { group: "apps", version: "v1", plural: "controllerrevisions" };

/** getPatch: the template with `$patch: replace`, as the revision's data. */
export function revisionData(owner: StoredObject): Json {
  const template = structuredClone(rec(rec(owner.spec).template));
  return { spec: { template: { ...template, $patch: "replace" } } };
}

/** The template a revision restores (its data without the directive). */
export function templateOfRevision(revision: StoredObject): Json {
  const template = structuredClone(rec(rec(rec(revision.data).spec).template));
  delete template.$patch;
  return template;
}

export const revisionNumber = (r: StoredObject): number => int(r.revision);

/**
 * The revision for the owner's current template: an existing one with the same data (its number
 * raised to the newest if it is not already), or a new one. Returns it with every revision of the owner.
 */
export async function currentRevision(
  client: InProcessClient,
  owner: StoredObject,
  revisions: StoredObject[],
): Promise<{ current: StoredObject; hash: string }> {
  const data = revisionData(owner);
  const key = canonicalJson(data);
  const max = revisions.reduce((m, r) => Math.max(m, revisionNumber(r)), 0);
  const ns = owner.metadata.namespace;
  const existing = revisions.find((r) => canonicalJson(r.data) === key);
  if (existing) {
    const hash = existing.metadata.labels?.[REVISION_HASH] ?? existing.metadata.name?.split("-").pop() ?? "";
    if (revisionNumber(existing) === max) return { current: existing, hash };
    // Rolling back to an older template makes its revision the newest again.
    const updated = await client.patch({ ...REVISIONS, namespace: ns, name: existing.metadata.name }, { revision: max + 1 });
    return { current: updated, hash };
  }
  const collisionCount = int(rec(owner.status).collisionCount) || undefined;
  const hash = computeHash(data, collisionCount);
  const revision: StoredObject = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${owner.metadata.name ?? ""}-${hash}`,
      namespace: ns,
      labels: { ...(rec(rec(rec(owner.spec).template).metadata).labels as Record<string, string>), [REVISION_HASH]: hash },
      ownerReferences: [newControllerRef(owner) as unknown as Json],
    },
    data,
    revision: max + 1,
  };
  try {
    return { current: await client.create({ ...REVISIONS, namespace: ns }, revision), hash };
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const found = await client.get({ ...REVISIONS, namespace: ns, name: revision.metadata.name });
    if (canonicalJson(found.data) === key) return { current: found, hash };
    throw new Error(`controller revision ${revision.metadata.name ?? ""} collides with another template`, { cause: error });
  }
}

/** Deletes the oldest revisions beyond revisionHistoryLimit that no live pod uses. */
export async function truncateHistory(client: InProcessClient, owner: StoredObject, revisions: StoredObject[], live: Set<string>, keep: string[]): Promise<void> {
  const limit = int(rec(owner.spec).revisionHistoryLimit, 10);
  const old = revisions
    .filter((r) => !keep.includes(r.metadata.name ?? "") && !live.has(r.metadata.labels?.[REVISION_HASH] ?? ""))
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    try {
      await client.delete({ ...REVISIONS, namespace: r.metadata.namespace, name: r.metadata.name });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
