import type { StoredObject } from "../../api/types.js";
import { matchesLabels, type LabelSelector } from "../../apiserver/selectors.js";
import type { InProcessClient, ResourceRef } from "../../client/in-process-client.js";
import { newControllerRef, ownerRefsOf } from "./controller-ref.js";
import { isConflict, isNotFound } from "./controller-context.js";

export interface ClaimInput {
  client: InProcessClient;
  /** The dependents' resource, e.g. pods. */
  ref: ResourceRef;
  owner: StoredObject;
  selector: LabelSelector;
  /** Dependents whose controller reference names `owner`. */
  owned: StoredObject[];
  /** Dependents in the owner's namespace without a controller. */
  orphans: StoredObject[];
  /** A fresh read of the owner: adoption stops if it was deleted or replaced meanwhile (upstream's RecheckDeletionTimestamp). */
  canAdopt: () => Promise<boolean>;
}

const refFor = (input: ClaimInput, obj: StoredObject): ResourceRef => ({ ...input.ref, namespace: obj.metadata.namespace, name: obj.metadata.name });

/** The last selector each dependent version was matched against, and the answer (a big owner's sync re-checks thousands). */
const matched = new WeakMap<StoredObject, { selector: LabelSelector; matches: boolean }>();

/** matchesLabels, remembered per object version and selector object: pass the same selector object to benefit. */
export function selects(selector: LabelSelector, obj: StoredObject): boolean {
  const last = matched.get(obj);
  if (last?.selector === selector) return last.matches;
  const matches = matchesLabels(selector, obj.metadata.labels);
  matched.set(obj, { selector, matches });
  return matches;
}

/**
 * ControllerRefManager.ClaimObjects: keeps owned dependents that still match the selector,
 * releases those that no longer do, and adopts matching orphans. Returns what the owner controls.
 */
export async function claim(input: ClaimInput): Promise<StoredObject[]> {
  const { owner, selector, client } = input;
  const claimed: StoredObject[] = [];
  const ownerUid = owner.metadata.uid ?? "";
  for (const obj of input.owned) {
    if (selects(selector, obj)) {
      claimed.push(obj);
      continue;
    }
    // Being deleted, the owner no longer releases anything: its dependents go with it.
    if (owner.metadata.deletionTimestamp) continue;
    const refs = ownerRefsOf(obj).filter((r) => r.uid !== ownerUid);
    try {
      await client.patch(refFor(input, obj), {
        metadata: { ownerReferences: refs.length > 0 ? refs : null, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
  const candidates = input.orphans.filter((o) => !o.metadata.deletionTimestamp && selects(selector, o));
  if (candidates.length === 0 || owner.metadata.deletionTimestamp || !(await input.canAdopt())) return claimed;
  for (const obj of candidates) {
    try {
      const adopted = await client.patch(refFor(input, obj), {
        metadata: {
          ownerReferences: [...ownerRefsOf(obj), newControllerRef(owner)],
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion,
        },
      });
      claimed.push(adopted);
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
  return claimed;
}

/** A fresh GET of the owner that says whether it may still adopt (same uid, not being deleted). */
export function freshOwnerCheck(client: InProcessClient, ref: ResourceRef, owner: StoredObject): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get({ ...ref, namespace: owner.metadata.namespace, name: owner.metadata.name });
      return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };
}
