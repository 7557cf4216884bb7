/**
 * Every built-in resource a 1.34 cluster serves beyond core-v1.ts, apps-v1.ts and batch-v1.ts
 * (RBAC, authentication, authorization and apiextensions are declared elsewhere), and the
 * objects kube-apiserver and EKS put into a new cluster.
 */
import type { ResourceDescriptor } from "./descriptor.js";
import type { KubeObject } from "./types.js";
import { CORE_V1_MORE } from "./core-v1-more.js";
import { AUTOSCALING } from "./autoscaling.js";
import { EVENTS_V1 } from "./events-v1.js";
import { POLICY_V1 } from "./policy-v1.js";
import { NETWORKING_V1 } from "./networking-v1.js";
import { gp2StorageClass, STORAGE_V1 } from "./storage-v1.js";
import { COORDINATION_V1 } from "./coordination-v1.js";
import { DISCOVERY_V1 } from "./discovery-v1.js";
import { SCHEDULING_V1, systemPriorityClasses } from "./scheduling-v1.js";
import { NODE_V1 } from "./node-v1.js";
import { ADMISSIONREGISTRATION_V1 } from "./admissionregistration-v1.js";
import { CERTIFICATES_V1 } from "./certificates-v1.js";
import { FLOWCONTROL_V1 } from "./flowcontrol-v1.js";
import { APIREGISTRATION_V1 } from "./apiregistration-v1.js";
import type { InProcessClient, ResourceRef } from "../client/in-process-client.js";
import { StatusError } from "../apiserver/status.js";

export { csrRequesterAdmission } from "./certificates-v1.js";

/** The further built-in descriptors; autoscaling/v2 precedes v1 (discovery's preferred version). */
export const BUILTIN_EXTRA: ResourceDescriptor[] = [
  ...CORE_V1_MORE,
  ...AUTOSCALING,
  EVENTS_V1,
  ...POLICY_V1,
  ...NETWORKING_V1,
  ...STORAGE_V1,
  ...COORDINATION_V1,
  ...DISCOVERY_V1,
  ...SCHEDULING_V1,
  ...NODE_V1,
  ...ADMISSIONREGISTRATION_V1,
  ...CERTIFICATES_V1,
  ...FLOWCONTROL_V1,
  ...APIREGISTRATION_V1,
];

/** Creates the object through the API unless one of that name exists (restarts keep the stored one). */
async function createIfMissing(client: InProcessClient, ref: ResourceRef, obj: KubeObject): Promise<void> {
  try {
    await client.create(ref, obj);
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 409)) throw error;
  }
}

/** system-node-critical and system-cluster-critical, which kube-apiserver creates at start. */
export async function ensureSystemPriorityClasses(client: InProcessClient): Promise<void> {
  for (const pc of systemPriorityClasses()) await createIfMissing(client, { group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" }, pc);
}

/** The "gp2" StorageClass EKS puts into every cluster. */
export async function ensureEksStorageClass(client: InProcessClient): Promise<void> {
  await createIfMissing(client, { group: "storage.k8s.io", version: "v1", plural: "storageclasses" }, gp2StorageClass());
}
