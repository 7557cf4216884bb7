/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition (apiextensions-apiserver pkg/registry/customresourcedefinition):
 * defaults, validation, the status subresource and the deletion that waits for the custom resources
 * (the CRD controller in controllers/crd serves and cleans them up).
 */
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ALL_VERBS } from "./core-v1.js";
import { DEFAULT_TABLE, rec, recs, str } from "./object-fields.js";
import { storageVersionOf, validateCrd, validateCrdUpdate } from "./custom-resources/crd-validation.js";

/** apiextensions.CustomResourceCleanupFinalizer: held until every custom resource of the CRD is gone. */
export const CRD_CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

/** SetDefaults_CustomResourceDefinition*: singular and listKind from the kind, conversion None. */
function setCrdDefaults(crd: StoredObject): void {
  const spec = rec(crd.spec);
  crd.spec = spec;
  const names = rec(spec.names);
  spec.names = names;
  if (!str(names.singular) && str(names.kind)) names.singular = str(names.kind).toLowerCase();
  if (!str(names.listKind) && str(names.kind)) names.listKind = `${str(names.kind)}List`;
  const conversion = rec(spec.conversion);
  conversion.strategy ??= "None";
  spec.conversion = conversion;
  spec.preserveUnknownFields ??= false;
  for (const v of recs(spec.versions)) {
    for (const c of recs(v.additionalPrinterColumns)) c.priority ??= 0;
  }
}

/** A CRD whose storage version is new gets it appended to status.storedVersions (the storage migration record). */
function recordStorageVersion(crd: StoredObject): void {
  const status = rec(crd.status);
  crd.status = status;
  const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
  const storage = storageVersionOf(crd);
  if (storage && !stored.includes(storage)) stored.push(storage);
  status.storedVersions = stored;
}

export const APIEXTENSIONS_V1: ResourceDescriptor[] = [
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    singular: "customresourcedefinition",
    namespaced: false,
    verbs: [...ALL_VERBS],
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    subresources: ["status"],
    hasSpec: true,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: false,
    // No printer is registered for CRDs upstream: the default table (NAME, CREATED AT).
    columns: DEFAULT_TABLE.columns,
    cells: DEFAULT_TABLE.cells,
    fieldSelectors: {},
    strategy: {
      prepareForCreate(crd) {
        setCrdDefaults(crd);
        crd.status = { conditions: [], acceptedNames: { plural: "", kind: "" }, storedVersions: [] };
        recordStorageVersion(crd);
      },
      prepareForUpdate(crd) {
        setCrdDefaults(crd);
        recordStorageVersion(crd);
      },
      validate: (crd) => validateCrd(crd),
      validateUpdate: (crd, old) => validateCrdUpdate(crd, old),
      // The first delete only marks the CRD (with the cleanup finalizer) so its objects go first.
      blocksDeletion: (crd) => !crd.metadata.deletionTimestamp,
      beginDelete(crd) {
        const finalizers = crd.metadata.finalizers ?? [];
        if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
        setCondition(crd, {
          type: "Terminating",
          status: "True",
          reason: "InstanceDeletionPending",
          message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        }, new Date(crd.metadata.deletionTimestamp ?? 0));
      },
    },
  },
];

/** A CRD condition (apiextensions.SetCRDCondition): the transition time changes only with the status. */
export function setCondition(crd: StoredObject, condition: { type: string; status: string; reason: string; message: string }, now: Date): void {
  const status = rec(crd.status);
  crd.status = status;
  const conditions = recs(status.conditions);
  const existing = conditions.find((c) => c.type === condition.type);
  const at = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (existing) {
    if (existing.status !== condition.status) existing.lastTransitionTime = at;
    Object.assign(existing, { status: condition.status, reason: condition.reason, message: condition.message });
  } else {
    conditions.push({ type: condition.type, status: condition.status, lastTransitionTime: at, reason: condition.reason, message: condition.message });
  }
  status.conditions = conditions;
}
