/**
 * apps/v1 resource descriptors: deployments, replicasets, statefulsets, daemonsets,
 * controllerrevisions. Facts from kube-apiserver 1.33: discovery (pkg/registry/apps/<kind>/storage),
 * field selectors, and printer columns and cells (pkg/printers/internalversion/printers.go,
 * printed with Wide=true). Lifecycle rules live in workload-lifecycle.ts.
 */
import type { GroupVersionKind, ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { age } from "./human-duration.js";
import { ageCol, ALL_VERBS, col, formatLabels, nameCol } from "./core-v1.js";
import { containerCells, formatSelectorCell, selectorString } from "./workload-printing.js";

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);

/** The kind `…/scale` answers with. */
export const SCALE_KIND: GroupVersionKind = { group: "autoscaling", version: "v1", kind: "Scale" };

/** Column descriptions (SwaggerDoc strings of k8s.io/api apps/v1 and core/v1 that printers.go uses). */
const DOC = {
  containers: "Names of each container in the template.",
  images: "Images referenced by each container in the template.",
  podReady: "Number of the pod with ready state",
  deploymentUpdated: "Total number of non-terminating pods targeted by this deployment that have the desired template spec.",
  deploymentAvailable: "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.",
  deploymentSelector:
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
  rsDesired:
    "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
  rsCurrent: "Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
  rsReady: "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
  rsSelector:
    "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  dsDesired:
    "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
  dsCurrent:
    "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
  dsReady: "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
  dsUpdated: "The total number of nodes that are running updated daemon pod",
  dsAvailable:
    "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
  nodeSelector:
    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  dsSelector:
    "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  revision: "Revision indicates the revision of the state represented by Data.",
} as const;

const nameOf = (o: StoredObject) => o.metadata.name ?? "";
const ageOf = (o: StoredObject, now: Date) => age(o.metadata.creationTimestamp, now);
const templateSpec = (o: StoredObject) => rec(rec(rec(o.spec).template).spec);
/** Replicas as the internal type has them after defaulting (nil → 1). */
const desiredReplicas = (o: StoredObject): number => (rec(o.spec).replicas === undefined || rec(o.spec).replicas === null ? 1 : int(rec(o.spec).replicas));

/** printers.go printDeployment. */
function deploymentCells(o: StoredObject, now: Date): unknown[] {
  const status = rec(o.status);
  return [
    nameOf(o),
    `${int(status.readyReplicas)}/${desiredReplicas(o)}`,
    int(status.updatedReplicas),
    int(status.availableReplicas),
    ageOf(o, now),
    ...containerCells(templateSpec(o)),
    selectorString(rec(o.spec).selector) ?? "<invalid>",
  ];
}

/** printers.go printReplicaSet. */
function replicaSetCells(o: StoredObject, now: Date): unknown[] {
  const status = rec(o.status);
  return [
    nameOf(o),
    desiredReplicas(o),
    int(status.replicas),
    int(status.readyReplicas),
    ageOf(o, now),
    ...containerCells(templateSpec(o)),
    formatSelectorCell(rec(o.spec).selector),
  ];
}

/** printers.go printStatefulSet. */
function statefulSetCells(o: StoredObject, now: Date): unknown[] {
  return [nameOf(o), `${int(rec(o.status).readyReplicas)}/${desiredReplicas(o)}`, ageOf(o, now), ...containerCells(templateSpec(o))];
}

/** printers.go printDaemonSet. */
function daemonSetCells(o: StoredObject, now: Date): unknown[] {
  const status = rec(o.status);
  return [
    nameOf(o),
    int(status.desiredNumberScheduled),
    int(status.currentNumberScheduled),
    int(status.numberReady),
    int(status.updatedNumberScheduled),
    int(status.numberAvailable),
    formatLabels(templateSpec(o).nodeSelector),
    ageOf(o, now),
    ...containerCells(templateSpec(o)),
    formatSelectorCell(rec(o.spec).selector),
  ];
}

/** printers.go printControllerRevision: the controlling owner as `kind.group/name`. */
function controllerRevisionCells(o: StoredObject, now: Date): unknown[] {
  const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  let controller = "<none>";
  if (owner) {
    const group = String(owner.apiVersion ?? "").includes("/") ? String(owner.apiVersion).split("/")[0] : "";
    controller = `${`${owner.kind}${group ? `.${group}` : ""}`.toLowerCase()}/${owner.name}`;
  }
  return [nameOf(o), controller, int(o.revision), ageOf(o, now)];
}

const apps = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "namespaced" | "hasSpec" | "nameIsDnsLabel" | "strategy" | "topLevelFields" | "fieldSelectors"> &
    Partial<Pick<ResourceDescriptor, "hasSpec" | "topLevelFields" | "fieldSelectors">>,
): ResourceDescriptor => ({
  group: "apps",
  version: "v1",
  verbs: [...ALL_VERBS],
  namespaced: true,
  hasSpec: true,
  nameIsDnsLabel: false,
  topLevelFields: ["spec", "status"],
  fieldSelectors: {},
  strategy: {},
  ...d,
});

const wide = [col("Containers", DOC.containers, 1), col("Images", DOC.images, 1)];

/** apps/v1 resource descriptors. */
export const APPS_V1: ResourceDescriptor[] = [
  apps({
    kind: "ControllerRevision",
    plural: "controllerrevisions",
    singular: "controllerrevision",
    shortNames: [],
    categories: [],
    subresources: [],
    // ControllerRevision has no spec; its data is immutable and it carries no generation.
    hasSpec: false,
    topLevelFields: ["data", "revision"],
    columns: [nameCol(), col("Controller", "Controller of the object"), col("Revision", DOC.revision), ageCol()],
    cells: controllerRevisionCells,
  }),
  apps({
    kind: "DaemonSet",
    plural: "daemonsets",
    singular: "daemonset",
    shortNames: ["ds"],
    categories: ["all"],
    subresources: ["status"],
    columns: [
      nameCol(),
      col("Desired", DOC.dsDesired, 0, "integer"),
      col("Current", DOC.dsCurrent, 0, "integer"),
      col("Ready", DOC.dsReady, 0, "integer"),
      col("Up-to-date", DOC.dsUpdated, 0, "integer"),
      col("Available", DOC.dsAvailable, 0, "integer"),
      col("Node Selector", DOC.nodeSelector),
      ageCol(),
      ...wide,
      col("Selector", DOC.dsSelector, 1),
    ],
    cells: daemonSetCells,
  }),
  apps({
    kind: "Deployment",
    plural: "deployments",
    singular: "deployment",
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: ["scale", "status"],
    subresourceKinds: { scale: SCALE_KIND },
    columns: [
      nameCol(),
      col("Ready", DOC.podReady),
      col("Up-to-date", DOC.deploymentUpdated),
      col("Available", DOC.deploymentAvailable),
      ageCol(),
      ...wide,
      col("Selector", DOC.deploymentSelector, 1),
    ],
    cells: deploymentCells,
  }),
  apps({
    kind: "ReplicaSet",
    plural: "replicasets",
    singular: "replicaset",
    shortNames: ["rs"],
    categories: ["all"],
    subresources: ["scale", "status"],
    subresourceKinds: { scale: SCALE_KIND },
    columns: [
      nameCol(),
      col("Desired", DOC.rsDesired, 0, "integer"),
      col("Current", DOC.rsCurrent, 0, "integer"),
      col("Ready", DOC.rsReady, 0, "integer"),
      ageCol(),
      ...wide,
      col("Selector", DOC.rsSelector, 1),
    ],
    cells: replicaSetCells,
    fieldSelectors: { "status.replicas": (o) => String(int(rec(o.status).replicas)) },
  }),
  apps({
    kind: "StatefulSet",
    plural: "statefulsets",
    singular: "statefulset",
    shortNames: ["sts"],
    categories: ["all"],
    subresources: ["scale", "status"],
    subresourceKinds: { scale: SCALE_KIND },
    columns: [nameCol(), col("Ready", DOC.podReady), ageCol(), ...wide],
    cells: statefulSetCells,
  }),
];
