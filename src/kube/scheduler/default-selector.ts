import type { StoredObject } from "../api/types.js";
import { rec, recs, str, stringMap } from "./json.js";
import type { PodInfo } from "./pod-info.js";
import { allOf, compileLabelSelector, type LabelMatcher, type Labels, matchEverything, matchLabelMap } from "./selectors.js";

/**
 * helper.DefaultSelector, the selector the system-default topology spreading uses: the merged
 * selectors of the Services selecting the pod, plus the selector of the ReplicaSet,
 * StatefulSet or ReplicationController controlling it. Objects are indexed by namespace as the
 * informers report them.
 */
export class DefaultSelectorIndex {
  private readonly services = new Map<string, Map<string, Labels>>();
  private readonly owners = new Map<string, StoredObject>();

  /** Records a Service (or forgets it when `deleted`). */
  service(svc: StoredObject, deleted = false): void {
    const ns = svc.metadata.namespace ?? "";
    const name = svc.metadata.name ?? "";
    let m = this.services.get(ns);
    if (deleted) {
      m?.delete(name);
      return;
    }
    const selector = rec(svc.spec).selector;
    // A Service without a selector matches no pod (GetPodServices skips it).
    if (selector === undefined || selector === null) {
      m?.delete(name);
      return;
    }
    if (!m) this.services.set(ns, (m = new Map()));
    m.set(name, stringMap(selector));
  }

  /** Records a ReplicaSet, StatefulSet or ReplicationController, by kind/namespace/name. */
  owner(obj: StoredObject, deleted = false): void {
    const key = `${obj.kind ?? ""}/${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
    if (deleted) this.owners.delete(key);
    else this.owners.set(key, obj);
  }

  selectorFor(pod: PodInfo): LabelMatcher | undefined {
    const merged: Labels = {};
    for (const selector of this.services.get(pod.namespace)?.values() ?? []) {
      if (Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) Object.assign(merged, selector);
    }
    const parts: LabelMatcher[] = [];
    if (Object.keys(merged).length > 0) parts.push(matchLabelMap(merged));
    const ref = recs(pod.pod.metadata.ownerReferences).find((r) => r.controller === true);
    if (ref) {
      const group = str(ref.apiVersion).split("/");
      const kind = str(ref.kind);
      const owner = this.owners.get(`${kind}/${pod.namespace}/${str(ref.name)}`);
      if (owner && kind === "ReplicationController" && group.length === 1) {
        const sel = stringMap(rec(owner.spec).selector);
        if (Object.keys(sel).length > 0) parts.push(matchLabelMap(sel));
      } else if (owner && (kind === "ReplicaSet" || kind === "StatefulSet") && group[0] === "apps") {
        const raw = rec(owner.spec).selector;
        const sel = raw === undefined || raw === null ? matchEverything : compileLabelSelector(raw);
        if (sel !== matchEverything) parts.push(sel);
      }
    }
    if (parts.length === 0) return undefined;
    return allOf(parts);
  }
}
