/**
 * OpenAPI v3 schema data for the published documents: apimachinery's meta/v1 types in full,
 * and the top level of each built-in kind with kube-apiserver's descriptions. Nested specs and
 * statuses named here as open objects (`x-kubernetes-preserve-unknown-fields`) are replaced in the
 * published documents by their full schemas where openapi-workload-schemas.ts has them.
 */

import { BUILTIN_EXTRA_SCHEMAS } from "./openapi-builtin-schemas.js";

/** A JSON schema object as OpenAPI 3.0 carries it. */
export type Schema = Record<string, unknown>;

/** Schema names of apimachinery meta/v1 types. */
export const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const desc = (description: string, s: Schema): Schema => ({ description, ...s });
const string = (description: string, extra: Schema = {}): Schema => desc(description, { type: "string", ...extra });
const bool = (description: string): Schema => desc(description, { type: "boolean" });
const int = (description: string, format: "int32" | "int64"): Schema => desc(description, { type: "integer", format });
const stringMap = (description: string): Schema => desc(description, { type: "object", additionalProperties: { type: "string", default: "" } });
const stringList = (description: string): Schema => desc(description, { type: "array", items: { type: "string", default: "" } });
/** A property of a named type; `withDefault` mirrors upstream's `default: {}` on non-pointer structs. */
export const refProp = (name: string, description: string, withDefault = true): Schema =>
  desc(description, { ...(withDefault ? { default: {} } : {}), allOf: [ref(name)] });
const refList = (name: string, description: string, extra: Schema = {}): Schema =>
  desc(description, { type: "array", items: { default: {}, allOf: [ref(name)] }, ...extra });
const object = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  description,
  type: "object",
  ...(extra.required ? { required: extra.required } : {}),
  properties,
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "required")),
});
/** A type whose fields are not described yet: any object passes, `kubectl explain` shows the description. */
const openObject = (description: string): Schema => ({ description, type: "object", "x-kubernetes-preserve-unknown-fields": true });

export const API_VERSION_DOC =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
export const KIND_DOC =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
export const OBJECT_METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
export const LIST_METADATA_DOC = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const SPEC_AND_STATUS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status";

/** meta/v1 schemas every group-version document references (ObjectMeta, ListMeta, Status, DeleteOptions, ...). */
export const META_SCHEMAS: Record<string, Schema> = {
  [`${META}.APIResource`]: object(
    "APIResource specifies the name of a resource and whether it is namespaced.",
    {
      categories: stringList("categories is a list of the grouped resources this resource belongs to (e.g. 'all')"),
      group: string('group is the preferred group of the resource.  Empty implies the group of the containing resource list. For subresources, this may have a different value, for example: Scale".'),
      kind: string("kind is the kind for the resource (e.g. 'Foo' is the kind for a resource 'foo')", { default: "" }),
      name: string("name is the plural name of the resource.", { default: "" }),
      namespaced: desc("namespaced indicates if a resource is namespaced or not.", { type: "boolean", default: false }),
      shortNames: stringList("shortNames is a list of suggested short names of the resource."),
      singularName: string(
        "singularName is the singular name of the resource.  This allows clients to handle plural and singular opaquely. The singularName is more correct for reporting status on a single item and both singular and plural are allowed from the kubectl CLI interface.",
        { default: "" },
      ),
      storageVersionHash: string(
        "The hash value of the storage version, the version this resource is converted to when written to the data store. Value must be treated as opaque by clients. Only equality comparison on the value is valid. This is an alpha feature and may change or be removed in the future. The field is populated by the apiserver only if the StorageVersionHash feature gate is enabled. This field will remain optional even if it graduates.",
      ),
      verbs: stringList("verbs is a list of supported kube verbs (this includes get, list, watch, create, update, patch, delete, deletecollection, and proxy)"),
      version: string(
        'version is the preferred version of the resource.  Empty implies the version of the containing resource list For subresources, this may have a different value, for example: v1 (while inside a v1beta1 version of the core resource\'s group)".',
      ),
    },
    { required: ["name", "singularName", "namespaced", "kind", "verbs"] },
  ),
  [`${META}.APIResourceList`]: object(
    "APIResourceList is a list of APIResource, it is used to expose the name of the resources supported in a specific group and version, and if the resource is namespaced.",
    {
      apiVersion: string(API_VERSION_DOC),
      groupVersion: string("groupVersion is the group and version this APIResourceList is for.", { default: "" }),
      kind: string(KIND_DOC),
      resources: refList(`${META}.APIResource`, "resources contains the name of the resources and if they are namespaced."),
    },
    { required: ["groupVersion", "resources"], "x-kubernetes-group-version-kind": [{ group: "", kind: "APIResourceList", version: "v1" }] },
  ),
  [`${META}.DeleteOptions`]: object("DeleteOptions may be provided when deleting an API object.", {
    apiVersion: string(API_VERSION_DOC),
    dryRun: desc(
      "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
      { type: "array", items: { type: "string", default: "" } },
    ),
    gracePeriodSeconds: int(
      "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.",
      "int64",
    ),
    kind: string(KIND_DOC),
    orphanDependents: bool(
      'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.',
    ),
    preconditions: refProp(`${META}.Preconditions`, "Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.", false),
    propagationPolicy: string(
      "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
    ),
  }),
  [`${META}.FieldsV1`]: {
    description:
      "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
    type: "object",
  },
  [`${META}.ListMeta`]: object(
    "ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.",
    {
      continue: string(
        "continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects. Continuing a consistent list may not be possible if the server configuration has changed or more than a few minutes have passed. The resourceVersion field returned when using this continue value will be identical to the value in the first response, unless you have received this token from an error message.",
      ),
      remainingItemCount: int(
        "remainingItemCount is the number of subsequent items in the list which are not included in this list response. If the list request contained label or field selectors, then the number of remaining items is unknown and the field will be left unset and omitted during serialization. If the list is complete (either because it is not chunking or because this is the last chunk), then there are no more remaining items and this field will be left unset and omitted during serialization. Servers older than v1.15 do not set this field. The intended use of the remainingItemCount is *estimating* the size of a collection. Clients should not rely on the remainingItemCount to be set or to be exact.",
        "int64",
      ),
      resourceVersion: string(
        "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency",
      ),
      selfLink: string("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
    },
  ),
  [`${META}.ManagedFieldsEntry`]: object("ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.", {
    apiVersion: string(
      'APIVersion defines the version of this resource that this field set applies to. The format is "group/version" just like the top-level APIVersion field. It is necessary to track the version of a field set because it cannot be automatically converted.',
    ),
    fieldsType: string('FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"'),
    fieldsV1: refProp(`${META}.FieldsV1`, 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.', false),
    manager: string("Manager is an identifier of the workflow managing these fields."),
    operation: string("Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'."),
    subresource: string(
      "Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource. The value of this field is used to distinguish between managers, even if they share the same name. For example, a status update will be distinct from a regular update using the same manager name. Note that the APIVersion field is not related to the Subresource field and it always corresponds to the version of the main resource.",
    ),
    time: refProp(
      `${META}.Time`,
      "Time is the timestamp of when the ManagedFields entry was added. The timestamp will also be updated if a field is added, the manager changes any of the owned fields value or removes a field. The timestamp does not update when a field is removed from the entry because another manager took it over.",
      false,
    ),
  }),
  [`${META}.MicroTime`]: { description: "MicroTime is version of Time with microsecond level precision.", type: "string", format: "date-time" },
  [`${META}.ObjectMeta`]: object("ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.", {
    annotations: stringMap(
      "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations",
    ),
    creationTimestamp: refProp(
      `${META}.Time`,
      "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    ),
    deletionGracePeriodSeconds: int(
      "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. May only be shortened. Read-only.",
      "int64",
    ),
    deletionTimestamp: refProp(
      `${META}.Time`,
      "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. This field is set by the server when a graceful deletion is requested by the user, and is not directly settable by a client. The resource is expected to be deleted (no longer visible from resource lists, and not reachable by name) after the time in this field, once the finalizers list is empty. As long as the finalizers list contains items, deletion is blocked. Once the deletionTimestamp is set, this value may not be unset or be set further into the future, although it may be shortened or the resource may be deleted prior to this time. For example, a user may request that a pod is deleted in 30 seconds. The Kubelet will react by sending a graceful termination signal to the containers in the pod. After that 30 seconds, the Kubelet will send a hard termination signal (SIGKILL) to the container and after cleanup, remove the pod from the API. In the presence of network partitions, this object may still exist after this timestamp, until an administrator or automated process can determine the resource is fully terminated. If not set, graceful deletion of the object has not been requested.\n\nPopulated by the system when a graceful deletion is requested. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      false,
    ),
    finalizers: desc(
      "Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list. If the deletionTimestamp of the object is non-nil, entries in this list can only be removed. Finalizers may be processed and removed in any order.  Order is NOT enforced because it introduces significant risk of stuck finalizers. finalizers is a shared field, any actor with permission can reorder it. If the finalizer list is processed in order, then this can lead to a situation in which the component responsible for the first finalizer in the list is waiting for a signal (field value, external system, or other) produced by a component responsible for a finalizer later in the list, resulting in a deadlock. Without enforced ordering finalizers are free to order amongst themselves and are not vulnerable to ordering changes in the list.",
      { type: "array", items: { type: "string", default: "" }, "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
    ),
    generateName: string(
      "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided. If this field is used, the name returned to the client will be different than the name passed. This value will also be combined with a unique suffix. The provided value has the same validation rules as the Name field, and may be truncated by the length of the suffix required to make the value unique on the server.\n\nIf this field is specified and the generated name exists, the server will return a 409.\n\nApplied only if Name is not specified. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#idempotency",
    ),
    generation: int("A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.", "int64"),
    labels: stringMap(
      "Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels",
    ),
    managedFields: refList(
      `${META}.ManagedFieldsEntry`,
      'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn\'t need to set or understand this field. A workflow can be the user\'s name, a controller\'s name, or the name of a specific apply path like "ci-cd". The set of fields is always in the version that the workflow used when modifying the object.',
      { "x-kubernetes-list-type": "atomic" },
    ),
    name: string(
      "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    ),
    namespace: string(
      'Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace, but "default" is the canonical representation. Not all objects are required to be scoped to a namespace - the value of this field for those objects will be empty.\n\nMust be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces',
    ),
    ownerReferences: refList(
      `${META}.OwnerReference`,
      "List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected. If this object is managed by a controller, then an entry in this list will point to this controller, with the controller field set to true. There cannot be more than one managing controller.",
      { "x-kubernetes-list-map-keys": ["uid"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "uid", "x-kubernetes-patch-strategy": "merge" },
    ),
    resourceVersion: string(
      "An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. May be used for optimistic concurrency, change detection, and the watch operation on a resource or set of resources. Clients must treat these values as opaque and passed unmodified back to the server. They may only be valid for a particular resource or set of resources.\n\nPopulated by the system. Read-only. Value must be treated as opaque by clients and . More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency",
    ),
    selfLink: string("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
    uid: string(
      "UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.\n\nPopulated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids",
    ),
  }),
  [`${META}.OwnerReference`]: object(
    "OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.",
    {
      apiVersion: string("API version of the referent.", { default: "" }),
      blockOwnerDeletion: bool(
        'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. See https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion for how the garbage collector interacts with this field and enforces the foreground deletion. Defaults to false. To set this field, a user needs "delete" permission of the owner, otherwise 422 (Unprocessable Entity) will be returned.',
      ),
      controller: bool("If true, this reference points to the managing controller."),
      kind: string("Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", { default: "" }),
      name: string("Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", { default: "" }),
      uid: string("UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids", { default: "" }),
    },
    { required: ["apiVersion", "kind", "name", "uid"], "x-kubernetes-map-type": "atomic" },
  ),
  [`${META}.Patch`]: { description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", type: "object" },
  [`${META}.Preconditions`]: object("Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.", {
    resourceVersion: string("Specifies the target ResourceVersion"),
    uid: string("Specifies the target UID."),
  }),
  [`${META}.Status`]: object(
    "Status is a return value for calls that don't return other objects.",
    {
      apiVersion: string(API_VERSION_DOC),
      code: int("Suggested HTTP return code for this status, 0 if not set.", "int32"),
      details: desc(
        "Extended data associated with the reason.  Each reason may define its own extended details. This field is optional and the data returned is not guaranteed to conform to any schema except that defined by the reason type.",
        { allOf: [ref(`${META}.StatusDetails`)] },
      ),
      kind: string(KIND_DOC),
      message: string("A human-readable description of the status of this operation."),
      metadata: refProp(`${META}.ListMeta`, LIST_METADATA_DOC),
      reason: string(
        'A machine-readable description of why this operation is in the "Failure" status. If this value is empty there is no information available. A Reason clarifies an HTTP status code but does not override it.',
      ),
      status: string(`Status of the operation. One of: "Success" or "Failure". More info: ${SPEC_AND_STATUS}`),
    },
    { "x-kubernetes-group-version-kind": [{ group: "", kind: "Status", version: "v1" }] },
  ),
  [`${META}.StatusCause`]: object("StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.", {
    field: string(
      'The field of the resource that has caused this error, as named by its JSON serialization. May include dot and postfix notation for nested attributes. Arrays are zero-indexed.  Fields may appear more than once in an array of causes due to fields having multiple errors. Optional.\n\nExamples:\n  "name" - the field "name" on the current resource\n  "items[0].name" - the field "name" on the first array entry in "items"',
    ),
    message: string("A human-readable description of the cause of the error.  This field may be presented as-is to a reader."),
    reason: string("A machine-readable description of the cause of the error. If this value is empty there is no information available."),
  }),
  [`${META}.StatusDetails`]: object(
    "StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response. The Reason field of a Status object defines what attributes will be set. Clients must ignore fields that do not match the defined type of each attribute, and should assume that any attribute may be empty, invalid, or under defined.",
    {
      causes: refList(`${META}.StatusCause`, "The Causes array includes more details associated with the StatusReason failure. Not all StatusReasons may provide detailed causes.", {
        "x-kubernetes-list-type": "atomic",
      }),
      group: string("The group attribute of the resource associated with the status StatusReason."),
      kind: string(
        "The kind attribute of the resource associated with the status StatusReason. On some operations may differ from the requested resource Kind. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
      ),
      name: string("The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described)."),
      retryAfterSeconds: int(
        "If specified, the time in seconds before the operation should be retried. Some errors may indicate the client must take an alternate action - for those errors this field may indicate how long to wait before taking the alternate action.",
        "int32",
      ),
      uid: string("UID of the resource. (when there is a single resource which can be described). More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids"),
    },
  ),
  [`${META}.Time`]: {
    description: "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.",
    type: "string",
    format: "date-time",
  },
  [`${META}.WatchEvent`]: object(
    "Event represents a single event to a watched resource.",
    {
      object: refProp(
        "io.k8s.apimachinery.pkg.runtime.RawExtension",
        "Object is:\n * If Type is Added or Modified: the new state of the object.\n * If Type is Deleted: the state of the object immediately before deletion.\n * If Type is Error: *Status is recommended; other types may make sense\n   depending on context.",
      ),
      type: { type: "string", default: "" },
    },
    { required: ["type", "object"] },
  ),
  "io.k8s.apimachinery.pkg.runtime.RawExtension": {
    description: "RawExtension is used to hold extensions in external versions.",
    type: "object",
  },
};

/** The top level of a kind's schema: description, fields besides apiVersion/kind/metadata, and referenced types. */
export interface KindSchema {
  description: string;
  properties: Record<string, Schema>;
  required?: string[];
  /** Types the properties reference, by schema name. */
  refs: Record<string, Schema>;
  listDescription: string;
  itemsDescription: string;
  /**
   * Every field kubectl may walk is described. kubectl ≥1.29 computes client-side apply patches
   * from the published schema when the patch operation accepts strategic-merge-patch, and warns
   * ("error calculating patch from openapi v3 spec") on a field it cannot find; kinds with open
   * specs therefore do not advertise strategic-merge-patch, and kubectl uses its built-in types.
   */
  complete: boolean;
}

const CORE = "io.k8s.api.core.v1";
const APPS = "io.k8s.api.apps.v1";
const BATCH = "io.k8s.api.batch.v1";
const objectReference = object("ObjectReference contains enough information to let you inspect or modify the referred object.", {
  apiVersion: string("API version of the referent."),
  fieldPath: string(
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
  ),
  kind: string("Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
  name: string("Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
  namespace: string("Namespace of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/"),
  resourceVersion: string(
    "Specific resourceVersion to which this reference is made, if any. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency",
  ),
  uid: string("UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#uids"),
}, { "x-kubernetes-map-type": "atomic" });

/** A kind whose spec and status are open objects named like upstream (PodSpec, PodStatus), in schema package `pkg`. */
function specStatusKind(
  kind: string,
  d: { kind: string; spec: string; specType: string; status: string; statusType: string; list: string; items: string },
  pkg = CORE,
): KindSchema {
  return {
    description: d.kind,
    properties: {
      spec: refProp(`${pkg}.${kind}Spec`, d.spec),
      status: refProp(`${pkg}.${kind}Status`, d.status),
    },
    refs: { [`${pkg}.${kind}Spec`]: openObject(d.specType), [`${pkg}.${kind}Status`]: openObject(d.statusType) },
    listDescription: d.list,
    itemsDescription: d.items,
    complete: false,
  };
}

/** Top-level schemas of the built-in kinds, keyed `group/version/Kind` (core: `/v1/Pod`). */
export const KIND_SCHEMAS: Record<string, KindSchema> = {
  "/v1/Namespace": specStatusKind("Namespace", {
    kind: "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    spec: `Spec defines the behavior of the Namespace. More info: ${SPEC_AND_STATUS}`,
    specType: "NamespaceSpec describes the attributes on a Namespace.",
    status: `Status describes the current status of a Namespace. More info: ${SPEC_AND_STATUS}`,
    statusType: "NamespaceStatus is information about the current status of a Namespace.",
    list: "NamespaceList is a list of Namespaces.",
    items: "Items is the list of Namespace objects in the list. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
  }),
  "/v1/Node": specStatusKind("Node", {
    kind: "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).",
    spec: `Spec defines the behavior of a node. ${SPEC_AND_STATUS}`,
    specType: "NodeSpec describes the attributes that a node is created with.",
    status: `Most recently observed status of the node. Populated by the system. Read-only. More info: ${SPEC_AND_STATUS}`,
    statusType: "NodeStatus is information about the current status of a node.",
    list: "NodeList is the whole list of all Nodes which have been registered with master.",
    items: "List of nodes",
  }),
  "/v1/Pod": specStatusKind("Pod", {
    kind: "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.",
    spec: `Specification of the desired behavior of the pod. More info: ${SPEC_AND_STATUS}`,
    specType: "PodSpec is a description of a pod.",
    status: `Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: ${SPEC_AND_STATUS}`,
    statusType:
      "PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.",
    list: "PodList is a list of Pods.",
    items: "List of pods. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
  }),
  "/v1/Service": specStatusKind("Service", {
    kind: "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
    spec: `Spec defines the behavior of a service. ${SPEC_AND_STATUS}`,
    specType: "ServiceSpec describes the attributes that a user creates on a service.",
    status: `Most recently observed status of the service. Populated by the system. Read-only. More info: ${SPEC_AND_STATUS}`,
    statusType: "ServiceStatus represents the current status of a service.",
    list: "ServiceList holds a list of services.",
    items: "List of services",
  }),
  "/v1/ConfigMap": {
    description: "ConfigMap holds configuration data for pods to consume.",
    properties: {
      binaryData: desc(
        "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. BinaryData can contain byte sequences that are not in the UTF-8 range. The keys stored in BinaryData must not overlap with the ones in the Data field, this is enforced during validation process. Using this field will require 1.10+ apiserver and kubelet.",
        { type: "object", additionalProperties: { type: "string", format: "byte" } },
      ),
      data: stringMap(
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      ),
      immutable: bool(
        "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.",
      ),
    },
    refs: {},
    listDescription: "ConfigMapList is a resource containing a list of ConfigMap objects.",
    itemsDescription: "Items is the list of ConfigMaps.",
    complete: true,
  },
  "/v1/Secret": {
    description: "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
    properties: {
      data: desc(
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
        { type: "object", additionalProperties: { type: "string", format: "byte" } },
      ),
      immutable: bool(
        "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.",
      ),
      stringData: stringMap(
        "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.",
      ),
      type: string("Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
    },
    refs: {},
    listDescription: "SecretList is a list of Secret.",
    itemsDescription: "Items is a list of secret objects. More info: https://kubernetes.io/docs/concepts/configuration/secret",
    complete: true,
  },
  "/v1/ServiceAccount": {
    description:
      "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets",
    properties: {
      automountServiceAccountToken: bool(
        "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. Can be overridden at the pod level.",
      ),
      imagePullSecrets: refList(
        `${CORE}.LocalObjectReference`,
        "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount. ImagePullSecrets are distinct from Secrets because Secrets can be mounted in the pod, but ImagePullSecrets are only accessed by the kubelet. More info: https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod",
        { "x-kubernetes-list-type": "atomic" },
      ),
      secrets: refList(
        `${CORE}.ObjectReference`,
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
        { "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge" },
      ),
    },
    refs: {
      [`${CORE}.LocalObjectReference`]: object(
        "LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.",
        {
          name: string(
            "Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names",
            { default: "" },
          ),
        },
        { "x-kubernetes-map-type": "atomic" },
      ),
      [`${CORE}.ObjectReference`]: objectReference,
    },
    listDescription: "ServiceAccountList is a list of ServiceAccount objects",
    itemsDescription: "List of ServiceAccounts. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
    complete: true,
  },
  "/v1/Event": {
    description:
      "Event is a report of an event somewhere in the cluster.  Events have a limited retention time and triggers and messages may evolve with time.  Event consumers should not rely on the timing of an event with a given Reason reflecting a consistent underlying trigger, or the continued existence of events with that Reason.  Events should be treated as informative, best-effort, supplemental data.",
    required: ["metadata", "involvedObject"],
    properties: {
      action: string("What action was taken/failed regarding to the Regarding object."),
      count: int("The number of times this event has occurred.", "int32"),
      eventTime: refProp(`${META}.MicroTime`, "Time when this Event was first observed."),
      firstTimestamp: refProp(`${META}.Time`, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
      involvedObject: refProp(`${CORE}.ObjectReference`, "The object that this event is about."),
      lastTimestamp: refProp(`${META}.Time`, "The time at which the most recent occurrence of this event was recorded."),
      message: string("A human-readable description of the status of this operation."),
      reason: string("This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      related: refProp(`${CORE}.ObjectReference`, "Optional secondary object for more complex actions.", false),
      reportingComponent: string("Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.", { default: "" }),
      reportingInstance: string("ID of the controller instance, e.g. `kubelet-xyzf`.", { default: "" }),
      series: refProp(`${CORE}.EventSeries`, "Data about the Event series this event represents or nil if it's a singleton Event.", false),
      source: refProp(`${CORE}.EventSource`, "The component reporting this event. Should be a short machine understandable string."),
      type: string("Type of this event (Normal, Warning), new types could be added in the future"),
    },
    refs: {
      [`${CORE}.EventSeries`]: object("EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.", {
        count: int("Number of occurrences in this series up to the last heartbeat time", "int32"),
        lastObservedTime: refProp(`${META}.MicroTime`, "Time of the last occurrence observed"),
      }),
      [`${CORE}.EventSource`]: object("EventSource contains information for an event.", {
        component: string("Component from which the event is generated."),
        host: string("Node name on which the event is generated."),
      }),
      [`${CORE}.ObjectReference`]: objectReference,
    },
    listDescription: "EventList is a list of events.",
    itemsDescription: "List of events",
    complete: true,
  },
  "apps/v1/ControllerRevision": {
    description:
      "ControllerRevision implements an immutable snapshot of state data. Clients are responsible for serializing and deserializing the objects that contain their internal state. Once a ControllerRevision has been successfully created, it can not be updated. The API Server will fail validation of all requests that attempt to mutate the Data field. ControllerRevisions may, however, be deleted. Note that, due to its use by both the DaemonSet and StatefulSet controllers for update and rollback, this object is beta. However, it may be subject to name and representation changes in future releases, and clients should not depend on its stability. It is primarily for internal use by controllers.",
    required: ["revision"],
    properties: {
      data: refProp("io.k8s.apimachinery.pkg.runtime.RawExtension", "Data is the serialized representation of the state."),
      revision: desc("Revision indicates the revision of the state represented by Data.", { type: "integer", format: "int64", default: 0 }),
    },
    refs: {},
    listDescription: "ControllerRevisionList is a resource containing a list of ControllerRevision objects.",
    itemsDescription: "Items is the list of ControllerRevisions",
    complete: true,
  },
  "apps/v1/DaemonSet": specStatusKind(
    "DaemonSet",
    {
      kind: "DaemonSet represents the configuration of a daemon set.",
      spec: `The desired behavior of this daemon set. More info: ${SPEC_AND_STATUS}`,
      specType: "DaemonSetSpec is the specification of a daemon set.",
      status: `The current status of this daemon set. This data may be out of date by some window of time. Populated by the system. Read-only. More info: ${SPEC_AND_STATUS}`,
      statusType: "DaemonSetStatus represents the current status of a daemon set.",
      list: "DaemonSetList is a collection of daemon sets.",
      items: "A list of daemon sets.",
    },
    APPS,
  ),
  "apps/v1/Deployment": specStatusKind(
    "Deployment",
    {
      kind: "Deployment enables declarative updates for Pods and ReplicaSets.",
      spec: "Specification of the desired behavior of the Deployment.",
      specType: "DeploymentSpec is the specification of the desired behavior of the Deployment.",
      status: "Most recently observed status of the Deployment.",
      statusType: "DeploymentStatus is the most recently observed status of the Deployment.",
      list: "DeploymentList is a list of Deployments.",
      items: "Items is the list of Deployments.",
    },
    APPS,
  ),
  "apps/v1/ReplicaSet": specStatusKind(
    "ReplicaSet",
    {
      kind: "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
      spec: `Spec defines the specification of the desired behavior of the ReplicaSet. More info: ${SPEC_AND_STATUS}`,
      specType: "ReplicaSetSpec is the specification of a ReplicaSet.",
      status: `Status is the most recently observed status of the ReplicaSet. This data may be out of date by some window of time. Populated by the system. Read-only. More info: ${SPEC_AND_STATUS}`,
      statusType: "ReplicaSetStatus represents the current status of a ReplicaSet.",
      list: "ReplicaSetList is a collection of ReplicaSets.",
      items: "List of ReplicaSets. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
    },
    APPS,
  ),
  "apps/v1/StatefulSet": specStatusKind(
    "StatefulSet",
    {
      kind: "StatefulSet represents a set of pods with consistent identities. Identities are defined as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as requested.\n\nThe StatefulSet guarantees that a given network identity will always map to the same storage identity.",
      spec: "Spec defines the desired identities of pods in this set.",
      specType: "A StatefulSetSpec is the specification of a StatefulSet.",
      status: "Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time.",
      statusType: "StatefulSetStatus represents the current state of a StatefulSet.",
      list: "StatefulSetList is a collection of StatefulSets.",
      items: "Items is the list of stateful sets.",
    },
    APPS,
  ),
  "batch/v1/CronJob": specStatusKind(
    "CronJob",
    {
      kind: "CronJob represents the configuration of a single cron job.",
      spec: `Specification of the desired behavior of a cron job, including the schedule. More info: ${SPEC_AND_STATUS}`,
      specType: "CronJobSpec describes how the job execution will look like and when it will actually run.",
      status: `Current status of a cron job. More info: ${SPEC_AND_STATUS}`,
      statusType: "CronJobStatus represents the current state of a cron job.",
      list: "CronJobList is a collection of cron jobs.",
      items: "items is the list of CronJobs.",
    },
    BATCH,
  ),
  "batch/v1/Job": specStatusKind(
    "Job",
    {
      kind: "Job represents the configuration of a single job.",
      spec: `Specification of the desired behavior of a job. More info: ${SPEC_AND_STATUS}`,
      specType: "JobSpec describes how the job execution will look like.",
      status: `Current status of a job. More info: ${SPEC_AND_STATUS}`,
      statusType: "JobStatus represents the current state of a Job.",
      list: "JobList is a collection of jobs.",
      items: "items is the list of Jobs.",
    },
    BATCH,
  ),
  // core/v1 further kinds and the other built-in groups (src/kube/api/builtin-resources.ts).
  ...BUILTIN_EXTRA_SCHEMAS,
};
