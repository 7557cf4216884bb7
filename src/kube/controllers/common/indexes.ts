import type { StoredObject } from "../../api/types.js";
import { controllerUid, rec } from "./controller-ref.js";
import type { SharedInformer } from "./shared-informers.js";

/** Index names shared by the controllers (the first definition of a name wins, so they live here). */
export const BY_CONTROLLER = "controller-uid";
export const ORPHANS_BY_NAMESPACE = "orphans-by-namespace";
export const BY_NAMESPACE = "namespace";

/** Adds the indexes every workload controller reads: by controlling owner, orphans by namespace, all by namespace. */
export function indexWorkloadObjects(informer: SharedInformer): SharedInformer {
  informer.addIndex(BY_CONTROLLER, (o) => {
    const uid = controllerUid(o);
    return uid ? [uid] : [];
  });
  informer.addIndex(ORPHANS_BY_NAMESPACE, (o) => (controllerUid(o) ? [] : [o.metadata.namespace ?? ""]));
  informer.addIndex(BY_NAMESPACE, (o) => [o.metadata.namespace ?? ""]);
  return informer;
}

/**
 * controller.GetPodFromTemplate: a pod (or other dependent) built from a template, owned by
 * `owner` with controller=true and blockOwnerDeletion=true.
 */
export function podFromTemplate(
  template: unknown,
  ownerRef: Record<string, unknown>,
  meta: { name?: string; generateName?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): StoredObject {
  const t = structuredClone(rec(template));
  const tm = rec(t.metadata);
  const labels = { ...(rec(tm.labels) as Record<string, string>), ...meta.labels };
  const annotations = { ...(rec(tm.annotations) as Record<string, string>), ...meta.annotations };
  const metadata: StoredObject["metadata"] = {
    ...(meta.name ? { name: meta.name } : { generateName: meta.generateName }),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
    ...(Array.isArray(tm.finalizers) && tm.finalizers.length ? { finalizers: [...(tm.finalizers as string[])] } : {}),
    ownerReferences: [ownerRef],
  };
  return { apiVersion: "v1", kind: "Pod", metadata, spec: rec(t.spec) };
}

/** `<name>-`, the generateName prefix controllers give their pods (getPodsPrefix). */
export const podPrefix = (owner: StoredObject): string => `${owner.metadata.name ?? ""}-`;
