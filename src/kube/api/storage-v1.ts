/**
 * storage.k8s.io/v1: csidrivers, csinodes, csistoragecapacities, storageclasses,
 * volumeattachments, volumeattributesclasses (GA in 1.34). Defaults from
 * pkg/apis/storage/v1/defaults.go, validation from pkg/apis/storage/validation, printers from
 * printers.go. EKS clusters carry a "gp2" StorageClass: {@link gp2StorageClass}.
 */
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { duplicate, forbidden, GoLiteral, immutable, invalid, notSupported, required, sameJson, tooLong } from "./field-errors.js";
import { ageOf, child, isSet, nameOf, rec, recs, str, strs } from "./object-fields.js";
import { parseQuantity } from "./quantity.js";
import { requireQuantities } from "./core-v1-more-lifecycle.js";
import { labelSelectorErrors } from "./networking-v1-lifecycle.js";
import { validateDnsSubdomain } from "./names.js";
import { qualifiedNameErrors } from "../apiserver/selectors.js";

const RECLAIM_POLICIES = ["Delete", "Retain"];
const BINDING_MODES = ["Immediate", "WaitForFirstConsumer"];
const LIFECYCLE_MODES = ["Ephemeral", "Persistent"];
const FS_GROUP_POLICIES = ["File", "None", "ReadWriteOnceWithFSType"];
const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];
const DEFAULT_VAC_ANNOTATION = "volumeattributesclass.kubernetes.io/is-default-class";

const DOC = {
  provisioner: "provisioner indicates the type of the provisioner.",
  reclaimPolicy: "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.",
  volumeBindingMode:
    "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.",
  allowVolumeExpansion: "allowVolumeExpansion shows whether the storage class allow volume expand.",
  attacher: "attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().",
  pv: "persistentVolumeName represents the name of the persistent volume to attach.",
  node: "nodeName represents the node that the volume should be attached to.",
  attached: "attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.",
  attachRequired:
    "attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting. The CSI external-attacher coordinates with CSI volume driver and updates the volumeattachment status when the attach operation is complete. If the value is specified to false, the attach operation will be skipped. Otherwise the attach operation will be called.\n\nThis field is immutable.",
  podInfoOnMount:
    "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true. If set to false, pod information will not be passed on mount. Default is false.",
  storageCapacity:
    "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true.",
  tokenRequests: "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication.",
  requiresRepublish: "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.",
  modes: "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports. The default if the list is empty is \"Persistent\".",
  storageClassName: "storageClassName represents the name of the StorageClass that the reported capacity applies to.",
  capacity: "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.",
  driverName: "Name of the CSI driver This field is immutable.",
} as const;

/** validateProvisioner (StorageClass.provisioner, VolumeAttributesClass.driverName). */
function provisionerErrors(value: string, field: string): FieldCause[] {
  if (!value) return [required(field)];
  const causes: FieldCause[] = value.length > 63 ? [tooLong(field, 63)] : [];
  return [...causes, ...qualifiedNameErrors(value.toLowerCase()).map((msg) => invalid(field, value.toLowerCase(), msg))];
}

const isDefault = (o: StoredObject, annotations: string[]) => annotations.some((a) => o.metadata.annotations?.[a] === "true");
const boolCell = (v: unknown, fallback: boolean) => (typeof v === "boolean" ? v : fallback);

// --- strategies --------------------------------------------------------------------------

const storageClassStrategy: Strategy = {
  prepareForCreate(o) {
    o.reclaimPolicy ??= "Delete";
    o.volumeBindingMode ??= "Immediate";
  },
  prepareForUpdate(o) {
    o.reclaimPolicy ??= "Delete";
    o.volumeBindingMode ??= "Immediate";
  },
  validate(o) {
    const causes = provisionerErrors(str(o.provisioner), "provisioner");
    if (!RECLAIM_POLICIES.includes(str(o.reclaimPolicy))) causes.push(notSupported("reclaimPolicy", str(o.reclaimPolicy), RECLAIM_POLICIES));
    if (!BINDING_MODES.includes(str(o.volumeBindingMode))) causes.push(notSupported("volumeBindingMode", str(o.volumeBindingMode), BINDING_MODES));
    for (const key of Object.keys(rec(o.parameters))) if (!key) causes.push(invalid("parameters", "", "key cannot be empty"));
    return causes;
  },
  validateUpdate(o, old) {
    const causes: FieldCause[] = [];
    if (!sameJson(o.parameters, old.parameters)) causes.push(forbidden("parameters", "updates to parameters are forbidden."));
    if (str(o.provisioner) !== str(old.provisioner)) causes.push(forbidden("provisioner", "updates to provisioner are forbidden."));
    if (str(o.reclaimPolicy) !== str(old.reclaimPolicy)) causes.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    if (str(o.volumeBindingMode) !== str(old.volumeBindingMode)) causes.push(immutable("volumeBindingMode", str(o.volumeBindingMode)));
    return causes;
  },
};

const volumeAttachmentStrategy: Strategy = {
  prepareForCreate(o) {
    o.status = { attached: false };
  },
  validate(o) {
    const spec = rec(o.spec);
    const causes: FieldCause[] = [];
    if (!str(spec.attacher)) causes.push(required("spec.attacher"));
    else causes.push(...validateDnsSubdomain(str(spec.attacher), "spec.attacher"));
    if (!str(spec.nodeName)) causes.push(required("spec.nodeName"));
    const source = rec(spec.source);
    if (isSet(source.persistentVolumeName) === isSet(source.inlineVolumeSpec)) {
      causes.push(required("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
    }
    return causes;
  },
  validateUpdate: (o, old) => (sameJson(o.spec, old.spec) ? [] : [immutable("spec", new GoLiteral(`storage.VolumeAttachmentSpec${JSON.stringify(o.spec ?? {})}`))]),
};

function defaultCsiDriver(o: StoredObject): void {
  const spec = child(o, "spec");
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= "ReadWriteOnceWithFSType";
  if (strs(spec.volumeLifecycleModes).length === 0) spec.volumeLifecycleModes = ["Persistent"];
  spec.requiresRepublish ??= false;
  spec.seLinuxMount ??= false;
}

const csiDriverStrategy: Strategy = {
  prepareForCreate: defaultCsiDriver,
  prepareForUpdate: (o) => defaultCsiDriver(o),
  validate(o) {
    const spec = rec(o.spec);
    const causes: FieldCause[] = [];
    const name = o.metadata.name ?? "";
    if (name.length > 63) causes.push(tooLong("metadata.name", 63));
    strs(spec.volumeLifecycleModes).forEach((m, i) => {
      if (!LIFECYCLE_MODES.includes(m)) causes.push(notSupported(`spec.volumeLifecycleModes[${i}]`, m, LIFECYCLE_MODES));
    });
    if (!FS_GROUP_POLICIES.includes(str(spec.fsGroupPolicy))) causes.push(notSupported("spec.fsGroupPolicy", str(spec.fsGroupPolicy), FS_GROUP_POLICIES));
    recs(spec.tokenRequests).forEach((t, i) => {
      if (isSet(t.expirationSeconds) && Number(t.expirationSeconds) < 600) {
        causes.push(invalid(`spec.tokenRequests[${i}].expirationSeconds`, Number(t.expirationSeconds), "may not specify a duration less than 10 minutes"));
      }
    });
    return causes;
  },
  validateUpdate(o, old) {
    const causes: FieldCause[] = [];
    for (const f of ["attachRequired", "volumeLifecycleModes", "fsGroupPolicy"]) {
      if (!sameJson(rec(o.spec)[f], rec(old.spec)[f])) causes.push(immutable(`spec.${f}`, new GoLiteral(JSON.stringify(rec(o.spec)[f]))));
    }
    return causes;
  },
};

const csiNodeStrategy: Strategy = {
  validate(o) {
    const causes: FieldCause[] = [];
    const names = new Set<string>();
    recs(rec(o.spec).drivers).forEach((d, i) => {
      const name = str(d.name);
      if (!name) causes.push(required(`spec.drivers[${i}].name`));
      else if (names.has(name)) causes.push(duplicate(`spec.drivers[${i}].name`, name));
      names.add(name);
      if (!str(d.nodeID)) causes.push(required(`spec.drivers[${i}].nodeID`));
    });
    return causes;
  },
};

function requireCapacityQuantities(o: StoredObject): void {
  const set = Object.fromEntries(["capacity", "maximumVolumeSize"].filter((f) => isSet(o[f])).map((f) => [f, o[f]]));
  requireQuantities("CSIStorageCapacity", [set]);
}

const csiStorageCapacityStrategy: Strategy = {
  prepareForCreate: (o) => requireCapacityQuantities(o),
  prepareForUpdate: (o) => requireCapacityQuantities(o),
  validate(o) {
    const causes: FieldCause[] = [];
    const sc = str(o.storageClassName);
    if (!sc) causes.push(required("storageClassName"));
    else causes.push(...validateDnsSubdomain(sc, "storageClassName"));
    for (const f of ["capacity", "maximumVolumeSize"]) {
      if (isSet(o[f]) && (parseQuantity(o[f]) ?? 0) < 0) causes.push(invalid(f, String(o[f]), "must be greater than or equal to 0"));
    }
    causes.push(...labelSelectorErrors(o.nodeTopology, "nodeTopology"));
    return causes;
  },
};

const volumeAttributesClassStrategy: Strategy = {
  validate(o) {
    const causes = provisionerErrors(str(o.driverName), "driverName");
    if (Object.keys(rec(o.parameters)).length === 0) causes.push(required("parameters", "must contain at least one key/value pair"));
    return causes;
  },
  validateUpdate(o, old) {
    const causes: FieldCause[] = [];
    if (!sameJson(o.parameters, old.parameters)) causes.push(forbidden("parameters", "updates to parameters are forbidden."));
    if (str(o.driverName) !== str(old.driverName)) causes.push(forbidden("driverName", "updates to driverName are forbidden."));
    return causes;
  },
};

// --- descriptors -------------------------------------------------------------------------

const storage = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "categories" | "nameIsDnsLabel" | "fieldSelectors" | "shortNames" | "subresources" | "hasSpec"> &
    Partial<Pick<ResourceDescriptor, "shortNames" | "subresources">>,
): ResourceDescriptor => ({
  group: "storage.k8s.io",
  version: "v1",
  verbs: [...ALL_VERBS],
  categories: [],
  shortNames: [],
  subresources: [],
  nameIsDnsLabel: false,
  fieldSelectors: {},
  hasSpec: false,
  ...d,
});

export const STORAGE_V1: ResourceDescriptor[] = [
  storage({
    kind: "CSIDriver",
    plural: "csidrivers",
    singular: "csidriver",
    namespaced: false,
    topLevelFields: ["spec"],
    columns: [
      nameCol(),
      col("AttachRequired", DOC.attachRequired, 0, "boolean"),
      col("PodInfoOnMount", DOC.podInfoOnMount, 0, "boolean"),
      col("StorageCapacity", DOC.storageCapacity, 0, "boolean"),
      col("TokenRequests", DOC.tokenRequests),
      col("RequiresRepublish", DOC.requiresRepublish, 0, "boolean"),
      col("Modes", DOC.modes),
      ageCol(),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const modes = strs(spec.volumeLifecycleModes).join(",");
      const tokens = spec.tokenRequests === undefined || spec.tokenRequests === null ? "<unset>" : recs(spec.tokenRequests).map((t) => str(t.audience)).join(",");
      return [
        nameOf(o),
        boolCell(spec.attachRequired, true),
        boolCell(spec.podInfoOnMount, false),
        boolCell(spec.storageCapacity, false),
        tokens,
        boolCell(spec.requiresRepublish, false),
        modes || "<none>",
        ageOf(o, now),
      ];
    },
    strategy: csiDriverStrategy,
  }),
  storage({
    kind: "CSINode",
    plural: "csinodes",
    singular: "csinode",
    namespaced: false,
    topLevelFields: ["spec"],
    columns: [nameCol(), col("Drivers", "Drivers indicates the number of CSI drivers registered on the node", 0, "integer"), ageCol()],
    cells: (o, now) => [nameOf(o), recs(rec(o.spec).drivers).length, ageOf(o, now)],
    strategy: csiNodeStrategy,
  }),
  storage({
    kind: "CSIStorageCapacity",
    plural: "csistoragecapacities",
    singular: "csistoragecapacity",
    namespaced: true,
    topLevelFields: ["nodeTopology", "storageClassName", "capacity", "maximumVolumeSize"],
    columns: [nameCol(), col("StorageClassName", DOC.storageClassName), col("Capacity", DOC.capacity)],
    cells: (o) => [nameOf(o), str(o.storageClassName), isSet(o.capacity) ? String(o.capacity) : "<unset>"],
    strategy: csiStorageCapacityStrategy,
  }),
  storage({
    kind: "StorageClass",
    plural: "storageclasses",
    singular: "storageclass",
    namespaced: false,
    shortNames: ["sc"],
    topLevelFields: ["provisioner", "parameters", "reclaimPolicy", "mountOptions", "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies"],
    columns: [
      nameCol(),
      col("Provisioner", DOC.provisioner),
      col("ReclaimPolicy", DOC.reclaimPolicy),
      col("VolumeBindingMode", DOC.volumeBindingMode),
      col("AllowVolumeExpansion", DOC.allowVolumeExpansion),
      ageCol(),
    ],
    cells: (o, now) => [
      isDefault(o, DEFAULT_CLASS_ANNOTATIONS) ? `${nameOf(o)} (default)` : nameOf(o),
      str(o.provisioner),
      typeof o.reclaimPolicy === "string" ? o.reclaimPolicy : "Delete",
      typeof o.volumeBindingMode === "string" ? o.volumeBindingMode : "Immediate",
      boolCell(o.allowVolumeExpansion, false),
      ageOf(o, now),
    ],
    strategy: storageClassStrategy,
  }),
  storage({
    kind: "VolumeAttachment",
    plural: "volumeattachments",
    singular: "volumeattachment",
    namespaced: false,
    subresources: ["status"],
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      { ...col("Attacher", DOC.attacher), format: "name" },
      col("PV", DOC.pv),
      col("Node", DOC.node),
      col("Attached", DOC.attached, 0, "boolean"),
      ageCol(),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      return [nameOf(o), str(spec.attacher), str(rec(spec.source).persistentVolumeName), str(spec.nodeName), rec(o.status).attached === true, ageOf(o, now)];
    },
    strategy: volumeAttachmentStrategy,
  }),
  storage({
    kind: "VolumeAttributesClass",
    plural: "volumeattributesclasses",
    singular: "volumeattributesclass",
    namespaced: false,
    shortNames: ["vac"],
    topLevelFields: ["driverName", "parameters"],
    columns: [nameCol(), col("DriverName", DOC.driverName), ageCol()],
    cells: (o, now) => [isDefault(o, [DEFAULT_VAC_ANNOTATION]) ? `${nameOf(o)} (default)` : nameOf(o), str(o.driverName), ageOf(o, now)],
    strategy: volumeAttributesClassStrategy,
  }),
];

/**
 * The "gp2" StorageClass every EKS cluster has (the in-tree EBS provisioner). Since EKS 1.30 it
 * is no longer annotated as the default class.
 */
export function gp2StorageClass(): Record<string, unknown> {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "gp2" },
    provisioner: "kubernetes.io/aws-ebs",
    parameters: { fsType: "ext4", type: "gp2" },
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  };
}
