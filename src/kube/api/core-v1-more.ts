/**
 * The rest of core/v1: endpoints, limitranges, persistentvolumeclaims, persistentvolumes,
 * podtemplates, replicationcontrollers, resourcequotas, componentstatuses and bindings.
 * Discovery facts are kube-apiserver's; printer columns and cells follow
 * pkg/printers/internalversion/printers.go (printed with Wide=true, so cells carry the
 * priority-1 columns too). Strategies live in core-v1-more-lifecycle.ts.
 */
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, formatLabels, nameCol } from "./core-v1.js";
import { SCALE_KIND } from "./apps-v1.js";
import { containerCells } from "./workload-printing.js";
import { ageOf, DEFAULT_TABLE, int, isSet, nameOf, rec, recs, str, strs } from "./object-fields.js";
import {
  endpointsStrategy,
  limitRangeStrategy,
  persistentVolumeClaimStrategy,
  persistentVolumeStrategy,
  podTemplateStrategy,
  replicationControllerStrategy,
  resourceQuotaStrategy,
  sortedResourceNames,
} from "./core-v1-more-lifecycle.js";

/** Column descriptions: the SwaggerDoc strings of k8s.io/api core/v1 that printers.go uses. */
const DOC = {
  subsets:
    "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
  pvCapacity: "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
  pvAccessModes: "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes",
  pvReclaim:
    "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming",
  pvPhase: "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase",
  pvClaim:
    "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding",
  pvReason: "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.",
  pvVolumeMode:
    "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.",
  pvcPhase: "phase represents the current phase of PersistentVolumeClaim.",
  pvcVolume: "volumeName is the binding reference to the PersistentVolume backing this claim.",
  pvcCapacity: "capacity represents the actual resources of the underlying volume.",
  pvcAccessModes: "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
  pvcVolumeMode: "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.",
  rcReplicas:
    "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
  rcCurrent: "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
  rcReady: "The number of ready replicas for this replication controller.",
  rcSelector:
    "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
} as const;

/** printers.go formatEndpoints: up to three ip:port pairs, then "+ N more...". */
function formatEndpoints(o: StoredObject): string {
  const subsets = recs(o.subsets);
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = recs(ss.addresses);
    const ports = recs(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        const ip = str(a.ip);
        list.push(`${ip.includes(":") ? `[${ip}]` : ip}:${int(port.port)}`);
      }
    }
  }
  const text = list.join(",");
  return more ? `${text} + ${count - max} more...` : text;
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
export function accessModesText(modes: unknown): string {
  const set = new Set(strs(modes));
  const short: [string, string][] = [["ReadWriteOnce", "RWO"], ["ReadOnlyMany", "ROX"], ["ReadWriteMany", "RWX"], ["ReadWriteOncePod", "RWOP"]];
  return short.filter(([m]) => set.has(m)).map(([, s]) => s).join(",");
}

const BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
/** helper.GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation wins. */
const storageClassOf = (o: StoredObject): string => {
  const beta = o.metadata.annotations?.[BETA_STORAGE_CLASS];
  return beta !== undefined ? beta : str(rec(o.spec).storageClassName);
};
const unset = (v: unknown): string => (typeof v === "string" ? v : "<unset>");
/** Quantity.String() of a missing quantity is "0". */
const quantityText = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "0");

function persistentVolumeCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const claimRef = spec.claimRef === undefined || spec.claimRef === null ? undefined : rec(spec.claimRef);
  const claim = claimRef ? `${str(claimRef.namespace)}/${str(claimRef.name)}` : "";
  const phase = o.metadata.deletionTimestamp ? "Terminating" : str(status.phase);
  return [
    nameOf(o),
    quantityText(rec(spec.capacity).storage),
    accessModesText(spec.accessModes),
    str(spec.persistentVolumeReclaimPolicy),
    phase,
    claim,
    storageClassOf(o),
    unset(spec.volumeAttributesClassName),
    str(status.reason),
    ageOf(o, now),
    unset(spec.volumeMode),
  ];
}

function persistentVolumeClaimCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const phase = o.metadata.deletionTimestamp ? "Terminating" : str(status.phase);
  const bound = str(spec.volumeName) !== "";
  return [
    nameOf(o),
    phase,
    str(spec.volumeName),
    bound ? quantityText(rec(status.capacity).storage) : "",
    bound ? accessModesText(status.accessModes) : "",
    storageClassOf(o),
    unset(spec.volumeAttributesClassName),
    ageOf(o, now),
    unset(spec.volumeMode),
  ];
}

function replicationControllerCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const status = rec(o.status);
  return [
    nameOf(o),
    isSet(spec.replicas) ? int(spec.replicas) : 1,
    int(status.replicas),
    int(status.readyReplicas),
    ageOf(o, now),
    ...containerCells(rec(rec(spec.template).spec)),
    formatLabels(spec.selector),
  ];
}

/** printers.go printResourceQuota: "resource: used/hard" pairs from status.hard, limits.* in the Limit column. */
function resourceQuotaCells(o: StoredObject, now: Date): unknown[] {
  const status = rec(o.status);
  const hard = rec(status.hard);
  const used = rec(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of sortedResourceNames(hard)) {
    const pieces = name.split(".");
    const target = pieces.length > 1 && pieces[0] === "limits" ? limit : request;
    target.push(`${name}: ${quantityText(used[name])}/${quantityText(hard[name])}`);
  }
  return [nameOf(o), request.join(", "), limit.join(", "), ageOf(o, now)];
}

/** printers.go printComponentStatus. */
function componentStatusCells(o: StoredObject): unknown[] {
  let status = "Unknown";
  let message = "";
  let error = "";
  const healthy = recs(o.conditions).find((c) => c.type === "Healthy");
  if (healthy) {
    status = healthy.status === "True" ? "Healthy" : "Unhealthy";
    message = str(healthy.message);
    error = str(healthy.error);
  }
  return [nameOf(o), status, message, error];
}

/**
 * The control plane's components as `kubectl get componentstatuses` reports them. They run in
 * this process and are up whenever the API server answers, so each reports Healthy.
 */
export function componentStatuses(): StoredObject[] {
  return ["controller-manager", "etcd-0", "scheduler"].map((name) => ({
    kind: "ComponentStatus",
    apiVersion: "v1",
    metadata: { name },
    conditions: [{ type: "Healthy", status: "True", message: "ok" }],
  }));
}

const core = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "categories" | "subresources" | "shortNames" | "fieldSelectors" | "nameIsDnsLabel"> &
    Partial<Pick<ResourceDescriptor, "verbs" | "categories" | "subresources" | "shortNames" | "fieldSelectors" | "nameIsDnsLabel">>,
): ResourceDescriptor => ({
  group: "",
  version: "v1",
  verbs: [...ALL_VERBS],
  categories: [],
  subresources: [],
  shortNames: [],
  fieldSelectors: {},
  nameIsDnsLabel: false,
  ...d,
});

/** The further core/v1 descriptors, in discovery's (alphabetical) order. */
export const CORE_V1_MORE: ResourceDescriptor[] = [
  core({
    kind: "Binding",
    plural: "bindings",
    singular: "binding",
    namespaced: true,
    verbs: ["create"],
    hasSpec: false,
    topLevelFields: ["target"],
    columns: DEFAULT_TABLE.columns,
    cells: DEFAULT_TABLE.cells,
    strategy: {},
    computed: {
      // The API handler answers POSTs itself (binding.ts): a Binding assigns its pod to a node and is never stored.
      refusal: "bindings are not stored: POST a Binding to /api/v1/namespaces/{namespace}/bindings or to a pod's binding subresource to bind the pod",
    },
  }),
  core({
    kind: "ComponentStatus",
    plural: "componentstatuses",
    singular: "componentstatus",
    namespaced: false,
    verbs: ["get", "list"],
    shortNames: ["cs"],
    hasSpec: false,
    topLevelFields: ["conditions"],
    columns: [
      nameCol(),
      col("Status", "Status of the component conditions"),
      col("Message", "Message of the component conditions"),
      col("Error", "Error of the component conditions"),
    ],
    cells: componentStatusCells,
    strategy: {},
    computed: { objects: componentStatuses, refusal: "componentstatuses are computed by the API server and cannot be written" },
  }),
  core({
    kind: "Endpoints",
    plural: "endpoints",
    singular: "endpoints",
    namespaced: true,
    shortNames: ["ep"],
    hasSpec: false,
    topLevelFields: ["subsets"],
    columns: [nameCol(), col("Endpoints", DOC.subsets), ageCol()],
    cells: (o, now) => [nameOf(o), formatEndpoints(o), ageOf(o, now)],
    strategy: endpointsStrategy,
  }),
  core({
    kind: "LimitRange",
    plural: "limitranges",
    singular: "limitrange",
    namespaced: true,
    shortNames: ["limits"],
    hasSpec: false,
    topLevelFields: ["spec"],
    // LimitRange has no printer upstream: the default table.
    columns: DEFAULT_TABLE.columns,
    cells: DEFAULT_TABLE.cells,
    strategy: limitRangeStrategy,
  }),
  core({
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    singular: "persistentvolumeclaim",
    namespaced: true,
    shortNames: ["pvc"],
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col("Status", DOC.pvcPhase),
      col("Volume", DOC.pvcVolume),
      col("Capacity", DOC.pvcCapacity),
      col("Access Modes", DOC.pvcAccessModes),
      col("StorageClass", "StorageClass of the pvc"),
      col("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
      ageCol(),
      col("VolumeMode", DOC.pvcVolumeMode, 1),
    ],
    cells: persistentVolumeClaimCells,
    // pkg/registry/core/persistentvolumeclaim/strategy.go PersistentVolumeClaimToSelectableFields.
    fieldSelectors: { name: (o) => o.metadata?.name ?? "" },
    strategy: persistentVolumeClaimStrategy,
  }),
  core({
    kind: "PersistentVolume",
    plural: "persistentvolumes",
    singular: "persistentvolume",
    namespaced: false,
    shortNames: ["pv"],
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col("Capacity", DOC.pvCapacity),
      col("Access Modes", DOC.pvAccessModes),
      col("Reclaim Policy", DOC.pvReclaim),
      col("Status", DOC.pvPhase),
      col("Claim", DOC.pvClaim),
      col("StorageClass", "StorageClass of the pv"),
      col("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
      col("Reason", DOC.pvReason),
      ageCol(),
      col("VolumeMode", DOC.pvVolumeMode, 1),
    ],
    cells: persistentVolumeCells,
    // pkg/registry/core/persistentvolume/strategy.go PersistentVolumeToSelectableFields.
    fieldSelectors: { name: (o) => o.metadata?.name ?? "" },
    strategy: persistentVolumeStrategy,
  }),
  core({
    kind: "PodTemplate",
    plural: "podtemplates",
    singular: "podtemplate",
    namespaced: true,
    hasSpec: false,
    topLevelFields: ["template"],
    columns: [
      nameCol(),
      col("Containers", "Names of each container in the template."),
      col("Images", "Images referenced by each container in the template."),
      col("Pod Labels", "The labels for the pod template."),
    ],
    cells: (o) => [nameOf(o), ...containerCells(rec(rec(o.template).spec)), formatLabels(rec(rec(o.template).metadata).labels)],
    strategy: podTemplateStrategy,
  }),
  core({
    kind: "ReplicationController",
    plural: "replicationcontrollers",
    singular: "replicationcontroller",
    namespaced: true,
    shortNames: ["rc"],
    categories: ["all"],
    subresources: ["scale", "status"],
    subresourceKinds: { scale: SCALE_KIND },
    hasSpec: true,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col("Desired", DOC.rcReplicas, 0, "integer"),
      col("Current", DOC.rcCurrent, 0, "integer"),
      col("Ready", DOC.rcReady, 0, "integer"),
      ageCol(),
      col("Containers", "Names of each container in the template.", 1),
      col("Images", "Images referenced by each container in the template.", 1),
      col("Selector", DOC.rcSelector, 1),
    ],
    cells: replicationControllerCells,
    // pkg/registry/core/replicationcontroller/strategy.go ControllerToSelectableFields.
    fieldSelectors: { "status.replicas": (o) => String(int(rec(o.status).replicas)) },
    strategy: replicationControllerStrategy,
  }),
  core({
    kind: "ResourceQuota",
    plural: "resourcequotas",
    singular: "resourcequota",
    namespaced: true,
    shortNames: ["quota"],
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
      col("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
      ageCol(),
    ],
    cells: resourceQuotaCells,
    strategy: resourceQuotaStrategy,
  }),
];
