/**
 * Top-level OpenAPI schemas of the further built-in kinds (src/kube/api/builtin-resources.ts),
 * with k8s.io/api's descriptions, so `kubectl explain <kind>` describes them. Nested types are
 * open objects named like upstream's (PersistentVolumeSpec, IngressSpec, ...) until their full
 * schemas are written. Kept apart from openapi-schemas.ts, which spreads them into KIND_SCHEMAS.
 */
import type { KindSchema, Schema } from "./openapi-schemas.js";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const SPEC_AND_STATUS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status";

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const refProp = (name: string, description: string, withDefault = true): Schema => ({ description, ...(withDefault ? { default: {} } : {}), allOf: [ref(name)] });
const refList = (name: string, description: string, extra: Schema = {}): Schema => ({ description, type: "array", items: { default: {}, allOf: [ref(name)] }, ...extra });
const openObject = (description: string): Schema => ({ description, type: "object", "x-kubernetes-preserve-unknown-fields": true });
const string = (description: string, extra: Schema = {}): Schema => ({ description, type: "string", ...extra });
const int = (description: string, format: "int32" | "int64" = "int32", extra: Schema = {}): Schema => ({ description, type: "integer", format, ...extra });
const bool = (description: string): Schema => ({ description, type: "boolean" });
const stringMap = (description: string): Schema => ({ description, type: "object", additionalProperties: { type: "string", default: "" } });
const quantity = (description: string): Schema => refProp("io.k8s.apimachinery.pkg.api.resource.Quantity", description, false);
const QUANTITY_SCHEMA: Schema = {
  description:
    "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.",
  type: "string",
};

interface Docs {
  kind: string;
  list: string;
  items: string;
}

/** A kind with a spec (and optionally a status) of upstream-named open types. */
function specKind(pkg: string, kind: string, d: Docs & { spec: string; specType: string; status?: string; statusType?: string; required?: string[] }): KindSchema {
  const properties: Record<string, Schema> = { spec: refProp(`${pkg}.${kind}Spec`, d.spec) };
  const refs: Record<string, Schema> = { [`${pkg}.${kind}Spec`]: openObject(d.specType) };
  if (d.status && d.statusType) {
    properties.status = refProp(`${pkg}.${kind}Status`, d.status);
    refs[`${pkg}.${kind}Status`] = openObject(d.statusType);
  }
  return { description: d.kind, properties, refs, listDescription: d.list, itemsDescription: d.items, complete: false, ...(d.required ? { required: d.required } : {}) };
}

/** A kind whose fields sit at the top level (StorageClass, PriorityClass, ...). */
function flatKind(d: Docs & { properties: Record<string, Schema>; refs?: Record<string, Schema>; required?: string[] }): KindSchema {
  return { description: d.kind, properties: d.properties, refs: d.refs ?? {}, listDescription: d.list, itemsDescription: d.items, complete: false, ...(d.required ? { required: d.required } : {}) };
}

const CORE = "io.k8s.api.core.v1";
const ctl = (what: string) => `${what} More info: ${SPEC_AND_STATUS}`;

const core: Record<string, KindSchema> = {
  "/v1/Binding": flatKind({
    kind: "Binding ties one object to another; for example, a pod is bound to a node by a scheduler.",
    required: ["target"],
    properties: { target: refProp(`${CORE}.ObjectReference`, "The target object that you want to bind to the standard object.") },
    list: "BindingList is a list of Binding.",
    items: "List of bindings.",
  }),
  "/v1/ComponentStatus": flatKind({
    kind: "ComponentStatus (and ComponentStatusList) holds the cluster validation info. Deprecated: This API is deprecated in v1.19+",
    properties: { conditions: refList(`${CORE}.ComponentCondition`, "List of component conditions observed", { "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge" }) },
    refs: { [`${CORE}.ComponentCondition`]: openObject("Information about the condition of a component.") },
    list: "Status of all the conditions for the component as a list of ComponentStatus objects. Deprecated: This API is deprecated in v1.19+",
    items: "List of ComponentStatus objects.",
  }),
  "/v1/Endpoints": flatKind({
    kind: "Endpoints is a collection of endpoints that implement the actual service. Endpoints is a legacy API and does not contain information about all Service features. Use discoveryv1.EndpointSlice for complete information about Service endpoints.\n\nDeprecated: This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice.",
    properties: {
      subsets: refList(
        `${CORE}.EndpointSubset`,
        "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
        { "x-kubernetes-list-type": "atomic" },
      ),
    },
    refs: { [`${CORE}.EndpointSubset`]: openObject("EndpointSubset is a group of addresses with a common set of ports. The expanded set of endpoints is the Cartesian product of Addresses x Ports.") },
    list: "EndpointsList is a list of endpoints. Deprecated: This API is deprecated in v1.33+.",
    items: "List of endpoints.",
  }),
  "/v1/LimitRange": specKind(CORE, "LimitRange", {
    kind: "LimitRange sets resource usage limits for each kind of resource in a Namespace.",
    spec: ctl("Spec defines the limits enforced."),
    specType: "LimitRangeSpec defines a min/max usage limit for resources that match on kind.",
    list: "LimitRangeList is a list of LimitRange items.",
    items: "Items is a list of LimitRange objects. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
  }),
  "/v1/PersistentVolumeClaim": specKind(CORE, "PersistentVolumeClaim", {
    kind: "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
    spec: "spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims",
    specType: "PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes",
    status: "status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims",
    statusType: "PersistentVolumeClaimStatus is the current status of a persistent volume claim.",
    list: "PersistentVolumeClaimList is a list of PersistentVolumeClaim items.",
    items: "items is a list of persistent volume claims. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims",
  }),
  "/v1/PersistentVolume": specKind(CORE, "PersistentVolume", {
    kind: "PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes",
    spec: "spec defines a specification of a persistent volume owned by the cluster. Provisioned by an administrator. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes",
    specType: "PersistentVolumeSpec is the specification of a persistent volume.",
    status: "status represents the current information/status for the persistent volume. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes",
    statusType: "PersistentVolumeStatus is the current status of a persistent volume.",
    list: "PersistentVolumeList is a list of PersistentVolume items.",
    items: "items is a list of persistent volumes. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes",
  }),
  "/v1/PodTemplate": flatKind({
    kind: "PodTemplate describes a template for creating copies of a predefined pod.",
    properties: { template: refProp(`${CORE}.PodTemplateSpec`, ctl("Template defines the pods that will be created from this pod template.")) },
    refs: { [`${CORE}.PodTemplateSpec`]: openObject("PodTemplateSpec describes the data a pod should have when created from a template") },
    list: "PodTemplateList is a list of PodTemplates.",
    items: "List of pod templates",
  }),
  "/v1/ReplicationController": specKind(CORE, "ReplicationController", {
    kind: "ReplicationController represents the configuration of a replication controller.",
    spec: ctl("Spec defines the specification of the desired behavior of the replication controller."),
    specType: "ReplicationControllerSpec is the specification of a replication controller.",
    status: ctl("Status is the most recently observed status of the replication controller. This data may be out of date by some window of time. Populated by the system. Read-only."),
    statusType: "ReplicationControllerStatus represents the current status of a replication controller.",
    list: "ReplicationControllerList is a collection of replication controllers.",
    items: "List of replication controllers. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller",
  }),
  "/v1/ResourceQuota": specKind(CORE, "ResourceQuota", {
    kind: "ResourceQuota sets aggregate quota restrictions enforced per namespace",
    spec: ctl("Spec defines the desired quota."),
    specType: "ResourceQuotaSpec defines the desired hard limits to enforce for Quota.",
    status: ctl("Status defines the actual enforced quota and its current usage."),
    statusType: "ResourceQuotaStatus defines the enforced hard limits and observed use.",
    list: "ResourceQuotaList is a list of ResourceQuota items.",
    items: "Items is a list of ResourceQuota objects. More info: https://kubernetes.io/docs/concepts/policy/resource-quotas/",
  }),
};

const hpaV2 = "io.k8s.api.autoscaling.v2";
const hpaV1 = "io.k8s.api.autoscaling.v1";
const autoscaling: Record<string, KindSchema> = {
  "autoscaling/v2/HorizontalPodAutoscaler": specKind(hpaV2, "HorizontalPodAutoscaler", {
    kind: "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.",
    spec: "spec is the specification for the behaviour of the autoscaler. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status.",
    specType: "HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.",
    status: "status is the current information about the autoscaler.",
    statusType: "HorizontalPodAutoscalerStatus describes the current status of a horizontal pod autoscaler.",
    list: "HorizontalPodAutoscalerList is a list of horizontal pod autoscaler objects.",
    items: "items is the list of horizontal pod autoscaler objects.",
  }),
  "autoscaling/v1/HorizontalPodAutoscaler": specKind(hpaV1, "HorizontalPodAutoscaler", {
    kind: "configuration of a horizontal pod autoscaler.",
    spec: ctl("spec defines the behaviour of autoscaler."),
    specType: "specification of a horizontal pod autoscaler.",
    status: "status is the current information about the autoscaler.",
    statusType: "current status of a horizontal pod autoscaler",
    list: "list of horizontal pod autoscaler objects.",
    items: "items is the list of horizontal pod autoscaler objects.",
  }),
};

const EVENTS = "io.k8s.api.events.v1";
const events: Record<string, KindSchema> = {
  "events.k8s.io/v1/Event": flatKind({
    kind: "Event is a report of an event somewhere in the cluster. It generally denotes some state change in the system. Events have a limited retention time and triggers and messages may evolve with time.  Event consumers should not rely on the timing of an event with a given Reason reflecting a consistent underlying trigger, or the continued existence of events with that Reason.  Events should be treated as informative, best-effort, supplemental data.",
    required: ["eventTime"],
    properties: {
      action: string("action is what action was taken/failed regarding to the regarding object. It is machine-readable. This field cannot be empty for new Events and it can have at most 128 characters."),
      deprecatedCount: int("deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type."),
      deprecatedFirstTimestamp: refProp(`${META}.Time`, "deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.", false),
      deprecatedLastTimestamp: refProp(`${META}.Time`, "deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.", false),
      deprecatedSource: refProp("io.k8s.api.core.v1.EventSource", "deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type."),
      eventTime: refProp(`${META}.MicroTime`, "eventTime is the time when this Event was first observed. It is required."),
      note: string("note is a human-readable description of the status of this operation. Maximal length of the note is 1kB, but libraries should be prepared to handle values up to 64kB."),
      reason: string("reason is why the action was taken. It is human-readable. This field cannot be empty for new Events and it can have at most 128 characters."),
      regarding: refProp("io.k8s.api.core.v1.ObjectReference", "regarding contains the object this Event is about. In most cases it's an Object reporting controller implements, e.g. ReplicaSetController implements ReplicaSets and this event is emitted because it acts on some changes in a ReplicaSet object."),
      related: refProp("io.k8s.api.core.v1.ObjectReference", "related is the optional secondary object for more complex actions. E.g. when regarding object triggers a creation or deletion of related object.", false),
      reportingController: string("reportingController is the name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`. This field cannot be empty for new Events."),
      reportingInstance: string("reportingInstance is the ID of the controller instance, e.g. `kubelet-xyzf`. This field cannot be empty for new Events and it can have at most 128 characters."),
      series: refProp(`${EVENTS}.EventSeries`, "series is data about the Event series this event represents or nil if it's a singleton Event.", false),
      type: string("type is the type of this event (Normal, Warning), new types could be added in the future. It is machine-readable. This field cannot be empty for new Events."),
    },
    refs: {
      [`${EVENTS}.EventSeries`]: openObject("EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time. How often to update the EventSeries is up to the event reporters."),
      "io.k8s.api.core.v1.EventSource": openObject("EventSource contains information for an event."),
      "io.k8s.api.core.v1.ObjectReference": openObject("ObjectReference contains enough information to let you inspect or modify the referred object."),
    },
    list: "EventList is a list of Event objects.",
    items: "items is a list of schema objects.",
  }),
};

const POLICY = "io.k8s.api.policy.v1";
const NET = "io.k8s.api.networking.v1";
const networkingAndPolicy: Record<string, KindSchema> = {
  "policy/v1/PodDisruptionBudget": specKind(POLICY, "PodDisruptionBudget", {
    kind: "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods",
    spec: "Specification of the desired behavior of the PodDisruptionBudget.",
    specType: "PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.",
    status: "Most recently observed status of the PodDisruptionBudget.",
    statusType: "PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. Status may trail the actual state of a system.",
    list: "PodDisruptionBudgetList is a collection of PodDisruptionBudgets.",
    items: "Items is a list of PodDisruptionBudgets",
  }),
  "networking.k8s.io/v1/Ingress": specKind(NET, "Ingress", {
    kind: "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc.",
    spec: ctl("spec is the desired state of the Ingress."),
    specType: "IngressSpec describes the Ingress the user wishes to exist.",
    status: ctl("status is the current state of the Ingress."),
    statusType: "IngressStatus describe the current state of the Ingress.",
    list: "IngressList is a collection of Ingress.",
    items: "items is the list of Ingress.",
  }),
  "networking.k8s.io/v1/IngressClass": specKind(NET, "IngressClass", {
    kind: "IngressClass represents the class of the Ingress, referenced by the Ingress Spec. The `ingressclass.kubernetes.io/is-default-class` annotation can be used to indicate that an IngressClass should be considered default. When a single IngressClass resource has this annotation set to true, new Ingress resources without a class specified will be assigned this default class.",
    spec: ctl("spec is the desired state of the IngressClass."),
    specType: "IngressClassSpec provides information about the class of an Ingress.",
    list: "IngressClassList is a collection of IngressClasses.",
    items: "items is the list of IngressClasses.",
  }),
  "networking.k8s.io/v1/IPAddress": specKind(NET, "IPAddress", {
    kind: "IPAddress represents a single IP of a single IP Family. The object is designed to be used by APIs that operate on IP addresses. The object is used by the Service core API for allocation of IP addresses. An IP address can be represented in different formats, to guarantee the uniqueness of the IP, the name of the object is the IP address in canonical format, four decimal digits separated by dots suppressing leading zeros for IPv4 and the representation defined by RFC 5952 for IPv6. Valid: 192.168.1.5 or 2001:db8::1 or 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1 Invalid: 10.01.2.3 or 2001:db8:0:0:0::1",
    spec: ctl("spec is the desired state of the IPAddress."),
    specType: "IPAddressSpec describe the attributes in an IP Address.",
    list: "IPAddressList contains a list of IPAddress.",
    items: "items is the list of IPAddresses.",
  }),
  "networking.k8s.io/v1/NetworkPolicy": specKind(NET, "NetworkPolicy", {
    kind: "NetworkPolicy describes what network traffic is allowed for a set of Pods",
    spec: "spec represents the specification of the desired behavior for this NetworkPolicy.",
    specType: "NetworkPolicySpec provides the specification of a NetworkPolicy",
    list: "NetworkPolicyList is a list of NetworkPolicy objects.",
    items: "items is a list of schema objects.",
  }),
  "networking.k8s.io/v1/ServiceCIDR": specKind(NET, "ServiceCIDR", {
    kind: "ServiceCIDR defines a range of IP addresses using CIDR format (e.g. 192.168.0.0/24 or 2001:db2::/64). This range is used to allocate ClusterIPs to Service objects.",
    spec: ctl("spec is the desired state of the ServiceCIDR."),
    specType: "ServiceCIDRSpec define the CIDRs the user wants to use for allocating ClusterIPs for Services.",
    status: ctl("status represents the current state of the ServiceCIDR."),
    statusType: "ServiceCIDRStatus describes the current state of the ServiceCIDR.",
    list: "ServiceCIDRList contains a list of ServiceCIDR objects.",
    items: "items is the list of ServiceCIDRs.",
  }),
};

const STORAGE = "io.k8s.api.storage.v1";
const storage: Record<string, KindSchema> = {
  "storage.k8s.io/v1/CSIDriver": specKind(STORAGE, "CSIDriver", {
    kind: "CSIDriver captures information about a Container Storage Interface (CSI) volume driver deployed on the cluster. Kubernetes attach detach controller uses this object to determine whether attach is required. Kubelet uses this object to determine whether pod information needs to be passed on mount. CSIDriver objects are non-namespaced.",
    required: ["spec"],
    spec: "spec represents the CSI Driver.",
    specType: "CSIDriverSpec is the specification of a CSIDriver.",
    list: "CSIDriverList is a collection of CSIDriver objects.",
    items: "items is the list of CSIDriver",
  }),
  "storage.k8s.io/v1/CSINode": specKind(STORAGE, "CSINode", {
    kind: "CSINode holds information about all CSI drivers installed on a node. CSI drivers do not need to create the CSINode object directly. As long as they use the node-driver-registrar sidecar container, the kubelet will automatically populate the CSINode object for the CSI driver as part of kubelet plugin registration. CSINode has the same name as a node. If the object is missing, it means either there are no CSI Drivers available on the node, or the Kubelet version is low enough that it doesn't create this object. CSINode has an OwnerReference that points to the corresponding node object.",
    required: ["spec"],
    spec: "spec is the specification of CSINode",
    specType: "CSINodeSpec holds information about the specification of all CSI drivers installed on a node",
    list: "CSINodeList is a collection of CSINode objects.",
    items: "items is the list of CSINode",
  }),
  "storage.k8s.io/v1/CSIStorageCapacity": flatKind({
    kind: "CSIStorageCapacity stores the result of one CSI GetCapacity call. For a given StorageClass, this describes the available capacity in a particular topology segment.  This can be used when considering where to instantiate new PersistentVolumes.",
    required: ["storageClassName"],
    properties: {
      capacity: quantity("capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields."),
      maximumVolumeSize: quantity("maximumVolumeSize is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields."),
      nodeTopology: refProp(`${META}.LabelSelector`, "nodeTopology defines which nodes have access to the storage for which capacity was reported. If not set, the storage is not accessible from any node in the cluster. If empty, the storage is accessible from all nodes. This field is immutable.", false),
      storageClassName: string("storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable.", { default: "" }),
    },
    refs: {
      "io.k8s.apimachinery.pkg.api.resource.Quantity": QUANTITY_SCHEMA,
      [`${META}.LabelSelector`]: openObject("A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects."),
    },
    list: "CSIStorageCapacityList is a collection of CSIStorageCapacity objects.",
    items: "items is the list of CSIStorageCapacity objects.",
  }),
  "storage.k8s.io/v1/StorageClass": flatKind({
    kind: "StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.\n\nStorageClasses are non-namespaced; the name of the storage class according to etcd is in ObjectMeta.Name.",
    required: ["provisioner"],
    properties: {
      allowVolumeExpansion: bool("allowVolumeExpansion shows whether the storage class allow volume expand."),
      allowedTopologies: refList(
        "io.k8s.api.core.v1.TopologySelectorTerm",
        "allowedTopologies restrict the node topologies where volumes can be dynamically provisioned. Each volume plugin defines its own supported topology specifications. An empty TopologySelectorTerm list means there is no topology restriction. This field is only honored by servers that enable the VolumeScheduling feature.",
        { "x-kubernetes-list-type": "atomic" },
      ),
      mountOptions: {
        description: 'mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class. e.g. ["ro", "soft"]. Not validated - mount of the PVs will simply fail if one is invalid.',
        type: "array",
        items: { type: "string", default: "" },
        "x-kubernetes-list-type": "atomic",
      },
      parameters: stringMap("parameters holds the parameters for the provisioner that should create volumes of this storage class."),
      provisioner: string("provisioner indicates the type of the provisioner.", { default: "" }),
      reclaimPolicy: string("reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.", { enum: ["Delete", "Recycle", "Retain"] }),
      volumeBindingMode: string("volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.", { enum: ["Immediate", "WaitForFirstConsumer"] }),
    },
    refs: { "io.k8s.api.core.v1.TopologySelectorTerm": openObject("A topology selector term represents the result of label queries. A null or empty topology selector term matches no objects. The requirements of them are ANDed. It provides a subset of functionality as NodeSelectorTerm. This is an alpha feature and may change in the future.") },
    list: "StorageClassList is a collection of storage classes.",
    items: "items is the list of StorageClasses",
  }),
  "storage.k8s.io/v1/VolumeAttachment": specKind(STORAGE, "VolumeAttachment", {
    kind: "VolumeAttachment captures the intent to attach or detach the specified volume to/from the specified node.\n\nVolumeAttachment objects are non-namespaced.",
    required: ["spec"],
    spec: "spec represents specification of the desired attach/detach volume behavior. Populated by the Kubernetes system.",
    specType: "VolumeAttachmentSpec is the specification of a VolumeAttachment request.",
    status: "status represents status of the VolumeAttachment request. Populated by the entity completing the attach or detach operation, i.e. the external-attacher.",
    statusType: "VolumeAttachmentStatus is the status of a VolumeAttachment request.",
    list: "VolumeAttachmentList is a collection of VolumeAttachment objects.",
    items: "items is the list of VolumeAttachments",
  }),
  "storage.k8s.io/v1/VolumeAttributesClass": flatKind({
    kind: "VolumeAttributesClass represents a specification of mutable volume attributes defined by the CSI driver. The class can be specified during dynamic provisioning of PersistentVolumeClaims, and changed in the PersistentVolumeClaim spec after provisioning.",
    required: ["driverName"],
    properties: {
      driverName: string("Name of the CSI driver This field is immutable.", { default: "" }),
      parameters: stringMap(
        "parameters hold volume attributes defined by the CSI driver. These values are opaque to the Kubernetes and are passed directly to the CSI driver. The underlying storage provider supports changing these attributes on an existing volume, however the parameters field itself is immutable. To invoke a volume update, a new VolumeAttributesClass should be created with new parameters, and the PersistentVolumeClaim should be updated to reference the new VolumeAttributesClass.\n\nThis field is required and must contain at least one key/value pair. The keys cannot be empty, and the maximum number of parameters is 512, with a cumulative max size of 256K. If the CSI driver rejects invalid parameters, the target PersistentVolumeClaim will be set to an \"Infeasible\" state in the modifyVolumeStatus field.",
      ),
    },
    list: "VolumeAttributesClassList is a collection of VolumeAttributesClass objects.",
    items: "items is the list of VolumeAttributesClass objects.",
  }),
};

const ADMISSION = "io.k8s.api.admissionregistration.v1";
const webhookList = (kind: string) =>
  refList(`${ADMISSION}.${kind}`, "Webhooks is a list of webhooks and the affected resources and operations.", {
    "x-kubernetes-list-map-keys": ["name"],
    "x-kubernetes-list-type": "map",
    "x-kubernetes-patch-merge-key": "name",
    "x-kubernetes-patch-strategy": "merge",
  });

const clusterKinds: Record<string, KindSchema> = {
  "coordination.k8s.io/v1/Lease": specKind("io.k8s.api.coordination.v1", "Lease", {
    kind: "Lease defines a lease concept.",
    spec: ctl("spec contains the specification of the Lease."),
    specType: "LeaseSpec is a specification of a Lease.",
    list: "LeaseList is a list of Lease objects.",
    items: "items is a list of schema objects.",
  }),
  "discovery.k8s.io/v1/EndpointSlice": flatKind({
    kind: "EndpointSlice represents a set of service endpoints. Most EndpointSlices are created by the EndpointSlice controller to represent the Pods selected by Service objects. For a given service there may be multiple EndpointSlice objects which must be joined to produce the full set of endpoints; you can find all of the slices for a given service by listing EndpointSlices in the service's namespace whose `kubernetes.io/service-name` label contains the service's name.",
    required: ["addressType", "endpoints"],
    properties: {
      addressType: string(
        'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name. (Deprecated) The EndpointSlice controller only generates, and kube-proxy only processes, slices of addressType "IPv4" and "IPv6". No semantics are defined for the "FQDN" type.',
        { default: "", enum: ["FQDN", "IPv4", "IPv6"] },
      ),
      endpoints: refList("io.k8s.api.discovery.v1.Endpoint", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.", { "x-kubernetes-list-type": "atomic" }),
      ports: refList(
        "io.k8s.api.discovery.v1.EndpointPort",
        "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. Each slice may include a maximum of 100 ports. Services always have at least 1 port, so EndpointSlices generated by the EndpointSlice controller will likewise always have at least 1 port. EndpointSlices used for other purposes may have an empty ports list.",
        { "x-kubernetes-list-type": "atomic" },
      ),
    },
    refs: {
      "io.k8s.api.discovery.v1.Endpoint": openObject("Endpoint represents a single logical \"backend\" implementing a service."),
      "io.k8s.api.discovery.v1.EndpointPort": openObject("EndpointPort represents a Port used by an EndpointSlice"),
    },
    list: "EndpointSliceList represents a list of endpoint slices",
    items: "items is the list of endpoint slices",
  }),
  "scheduling.k8s.io/v1/PriorityClass": flatKind({
    kind: "PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer.",
    required: ["value"],
    properties: {
      description: string("description is an arbitrary string that usually provides guidelines on when this priority class should be used."),
      globalDefault: bool(
        "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.",
      ),
      preemptionPolicy: string("preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.", { enum: ["Never", "PreemptLowerPriority"] }),
      value: int("value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", "int32", { default: 0 }),
    },
    list: "PriorityClassList is a collection of priority classes.",
    items: "items is the list of PriorityClasses",
  }),
  "node.k8s.io/v1/RuntimeClass": flatKind({
    kind: "RuntimeClass defines a class of container runtime supported in the cluster. The RuntimeClass is used to determine which container runtime is used to run all containers in a pod. RuntimeClasses are manually defined by a user or cluster provisioner, and referenced in the PodSpec. The Kubelet is responsible for resolving the RuntimeClassName reference before running the pod.  For more details, see https://kubernetes.io/docs/concepts/containers/runtime-class/",
    required: ["handler"],
    properties: {
      handler: string(
        'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class. The possible values are specific to the node & CRI configuration.  It is assumed that all handlers are available on every node, and handlers of the same name are equivalent on every node. For example, a handler called "runc" might specify that the runc OCI runtime (using native Linux containers) will be used to run the containers in a pod. The Handler must be lowercase, conform to the DNS Label (RFC 1123) requirements, and is immutable.',
        { default: "" },
      ),
      overhead: refProp("io.k8s.api.node.v1.Overhead", "overhead represents the resource overhead associated with running a pod for a given RuntimeClass. For more details, see\n https://kubernetes.io/docs/concepts/scheduling-eviction/pod-overhead/", false),
      scheduling: refProp("io.k8s.api.node.v1.Scheduling", "scheduling holds the scheduling constraints to ensure that pods running with this RuntimeClass are scheduled to nodes that support it. If scheduling is nil, this RuntimeClass is assumed to be supported by all nodes.", false),
    },
    refs: {
      "io.k8s.api.node.v1.Overhead": openObject("Overhead structure represents the resource overhead associated with running a pod."),
      "io.k8s.api.node.v1.Scheduling": openObject("Scheduling specifies the scheduling constraints for nodes supporting a RuntimeClass."),
    },
    list: "RuntimeClassList is a list of RuntimeClass objects.",
    items: "items is a list of schema objects.",
  }),
  "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration": flatKind({
    kind: "MutatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and may change the object.",
    properties: { webhooks: webhookList("MutatingWebhook") },
    refs: { [`${ADMISSION}.MutatingWebhook`]: openObject("MutatingWebhook describes an admission webhook and the resources and operations it applies to.") },
    list: "MutatingWebhookConfigurationList is a list of MutatingWebhookConfiguration.",
    items: "List of MutatingWebhookConfiguration.",
  }),
  "admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration": flatKind({
    kind: "ValidatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and object without changing it.",
    properties: { webhooks: webhookList("ValidatingWebhook") },
    refs: { [`${ADMISSION}.ValidatingWebhook`]: openObject("ValidatingWebhook describes an admission webhook and the resources and operations it applies to.") },
    list: "ValidatingWebhookConfigurationList is a list of ValidatingWebhookConfiguration.",
    items: "List of ValidatingWebhookConfiguration.",
  }),
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": specKind(ADMISSION, "ValidatingAdmissionPolicy", {
    kind: "ValidatingAdmissionPolicy describes the definition of an admission validation policy that accepts or rejects an object without changing it.",
    spec: "Specification of the desired behavior of the ValidatingAdmissionPolicy.",
    specType: "ValidatingAdmissionPolicySpec is the specification of the desired behavior of the AdmissionPolicy.",
    status: "The status of the ValidatingAdmissionPolicy, including warnings that are useful to determine if the policy behaves in the expected way. Populated by the system. Read-only.",
    statusType: "ValidatingAdmissionPolicyStatus represents the status of an admission validation policy.",
    list: "ValidatingAdmissionPolicyList is a list of ValidatingAdmissionPolicy.",
    items: "List of ValidatingAdmissionPolicy.",
  }),
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": specKind(ADMISSION, "ValidatingAdmissionPolicyBinding", {
    kind: "ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with paramerized resources. ValidatingAdmissionPolicyBinding and parameter CRDs together define how cluster administrators configure policies for clusters.",
    spec: "Specification of the desired behavior of the ValidatingAdmissionPolicyBinding.",
    specType: "ValidatingAdmissionPolicyBindingSpec is the specification of the ValidatingAdmissionPolicyBinding.",
    list: "ValidatingAdmissionPolicyBindingList is a list of ValidatingAdmissionPolicyBinding.",
    items: "List of PolicyBinding.",
  }),
  "certificates.k8s.io/v1/CertificateSigningRequest": specKind("io.k8s.api.certificates.v1", "CertificateSigningRequest", {
    kind: "CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.\n\nKubelets use this API to obtain:\n 1. client certificates to authenticate to kube-apiserver (with the \"kubernetes.io/kube-apiserver-client-kubelet\" signerName).\n 2. serving certificates for TLS endpoints kube-apiserver can connect to securely (with the \"kubernetes.io/kubelet-serving\" signerName).\n\nThis API can be used to request client certificates to authenticate to kube-apiserver (with the \"kubernetes.io/kube-apiserver-client\" signerName), or to obtain certificates from custom non-Kubernetes signers.",
    required: ["spec"],
    spec: "spec contains the certificate request, and is immutable after creation. Only the request, signerName, expirationSeconds, and usages fields can be set on creation. Other fields are derived by Kubernetes and cannot be modified by users.",
    specType: "CertificateSigningRequestSpec contains the certificate request.",
    status: "status contains information about whether the request is approved or denied, and the certificate issued by the signer, or the failure condition indicating signer failure.",
    statusType: "CertificateSigningRequestStatus contains conditions used to indicate approved/denied/failed status of the request, and the issued certificate.",
    list: "CertificateSigningRequestList is a collection of CertificateSigningRequest objects",
    items: "items is a collection of CertificateSigningRequest objects",
  }),
  "flowcontrol.apiserver.k8s.io/v1/FlowSchema": specKind("io.k8s.api.flowcontrol.v1", "FlowSchema", {
    kind: 'FlowSchema defines the schema of a group of flows. Note that a flow is made up of a set of inbound API requests with similar attributes and is identified by a pair of strings: the name of the FlowSchema and a "flow distinguisher".',
    spec: ctl("`spec` is the specification of the desired behavior of a FlowSchema."),
    specType: "FlowSchemaSpec describes how the FlowSchema's specification looks like.",
    status: ctl("`status` is the current status of a FlowSchema."),
    statusType: "FlowSchemaStatus represents the current state of a FlowSchema.",
    list: "FlowSchemaList is a list of FlowSchema objects.",
    items: "`items` is a list of FlowSchemas.",
  }),
  "flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration": specKind("io.k8s.api.flowcontrol.v1", "PriorityLevelConfiguration", {
    kind: "PriorityLevelConfiguration represents the configuration of a priority level.",
    spec: ctl('`spec` is the specification of the desired behavior of a "request-priority".'),
    specType: "PriorityLevelConfigurationSpec specifies the configuration of a priority level.",
    status: ctl('`status` is the current status of a "request-priority".'),
    statusType: 'PriorityLevelConfigurationStatus represents the current state of a "request-priority".',
    list: "PriorityLevelConfigurationList is a list of PriorityLevelConfiguration objects.",
    items: "`items` is a list of request-priorities.",
  }),
  "apiregistration.k8s.io/v1/APIService": specKind("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1", "APIService", {
    kind: 'APIService represents a server for a particular GroupVersion. Name must be "version.group".',
    spec: "Spec contains information for locating and communicating with a server",
    specType: "APIServiceSpec contains information for locating and communicating with a server. Only https is supported, though you are able to disable certificate verification.",
    status: "Status contains derived information about an API server",
    statusType: "APIServiceStatus contains derived information about an API server",
    list: "APIServiceList is a list of APIService objects.",
    items: "Items is the list of APIService",
  }),
};

/** Schemas of the further built-in kinds, keyed `group/version/Kind` like KIND_SCHEMAS. */
export const BUILTIN_EXTRA_SCHEMAS: Record<string, KindSchema> = { ...core, ...autoscaling, ...events, ...networkingAndPolicy, ...storage, ...clusterKinds };
