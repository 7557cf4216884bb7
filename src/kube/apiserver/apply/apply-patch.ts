/**
 * PATCH with `application/apply-patch+yaml` (the apiserver's applyPatcher): the configuration is merged
 * into the stored object inside the registry's read-modify-write, and an object that does not exist yet
 * is created from the configuration alone, as upstream's forceAllowCreate does. Admission, defaults and
 * validation run as for any other write; only the ownership bookkeeping differs.
 */
import { apiVersionOf, type ResourceDescriptor } from "../../api/descriptor.js";
import type { KubeObject, StoredObject } from "../../api/types.js";
import type { ResourceStore } from "../registry/resource-store.js";
import { errors, StatusError } from "../status.js";
import { fieldManagerFor, requireValidManagedFields } from "./write-tracking.js";

/** One write's admission phases, as the handler binds them to a request. */
export interface ApplyAdmission {
  mutate(obj: KubeObject, old?: StoredObject): Promise<StoredObject>;
  validate(obj: StoredObject, old?: StoredObject): Promise<void>;
}

export interface ApplyRequest {
  store: ResourceStore;
  namespace: string | undefined;
  name: string;
  subresource?: string;
  config: KubeObject;
  manager: string;
  force: boolean;
  dryRun: boolean;
  now: () => Date;
  /** Admission of an update of the existing object, and of a create when it does not exist. */
  admitUpdate: ApplyAdmission;
  admitCreate: () => ApplyAdmission;
  /**
   * The handler's checks of a patched object (types it cannot decode, unknown fields): may throw, and
   * may drop fields as decoding does.
   */
  checkPatched(obj: KubeObject): void;
}

export interface ApplyResult {
  object: StoredObject;
  created: boolean;
}

/** Fields of the configuration the schema knows nothing about: SSA refuses them outright. */
function unknownFieldError(d: ResourceDescriptor, config: KubeObject, describe: string): StatusError | undefined {
  const allowed = new Set(["apiVersion", "kind", "metadata", ...d.topLevelFields]);
  const unknown = Object.keys(config).find((k) => !allowed.has(k));
  if (unknown === undefined || d.customResource) return undefined;
  return new StatusError(500, "", `failed to create typed patch object (${describe}): .${unknown}: field not declared in schema`);
}

export async function serverSideApply(r: ApplyRequest): Promise<ApplyResult> {
  const d = r.store.descriptor;
  const meta = r.config.metadata ?? {};
  const describe = `${meta.namespace ?? ""}/${meta.name ?? ""}; ${d.group}/${d.version}, Kind=${d.kind}`;
  const unknown = unknownFieldError(d, r.config, describe);
  if (unknown) throw unknown;
  // A status write keeps only status of what it is given; the ownership it computed is put back last.
  let ownership: StoredObject["metadata"]["managedFields"];
  const withOwnership = (obj: StoredObject): StoredObject => {
    if (ownership) obj.metadata.managedFields = ownership;
    else delete obj.metadata.managedFields;
    return obj;
  };
  const applyTo = (current: StoredObject | undefined): StoredObject => {
    const applied = fieldManagerFor(d, r.subresource, r.now()).apply(current, r.config, r.manager, r.force);
    ownership = applied.metadata.managedFields;
    // The live resourceVersion rides along in the merge; only one the configuration names is a precondition.
    if (!r.config.metadata?.resourceVersion) delete applied.metadata.resourceVersion;
    r.checkPatched(applied);
    requireValidManagedFields(r.store.name, applied);
    return applied;
  };
  try {
    const object = await r.store.update(r.namespace, r.name, (current) => r.admitUpdate.mutate(applyTo(current), current), {
      dryRun: r.dryRun,
      subresource: r.subresource,
      validateAdmission: (obj, old) => r.admitUpdate.validate(withOwnership(obj), old),
    });
    return { object, created: false };
  } catch (error) {
    const missing = error instanceof StatusError && error.code === 404 && error.reason === "NotFound";
    if (!missing || r.subresource) throw error;
  }
  // The object does not exist: apply to nothing and create the result.
  const applied = applyTo(undefined);
  if (applied.metadata.name !== r.name) {
    throw errors.badRequest(`the name of the object (${applied.metadata.name ?? ""}) does not match the name on the URL (${r.name})`);
  }
  const admission = r.admitCreate();
  const admitted = await admission.mutate(applied);
  const object = await r.store.create(r.namespace, admitted, { dryRun: r.dryRun, validateAdmission: (obj) => admission.validate(obj) });
  return { object, created: true };
}

/**
 * Apply through the scale subresource: the autoscaling/v1 Scale configuration becomes an apply of
 * `spec.replicas` to the parent, recorded with subresource `scale` (upstream's ScaleHandler).
 */
export function scaleConfigToParent(d: ResourceDescriptor, config: KubeObject, name: string, namespace: string | undefined): KubeObject {
  const version = typeof config.apiVersion === "string" ? config.apiVersion : "";
  if (version !== "autoscaling/v1") {
    throw new StatusError(400, "BadRequest", `Incorrect version specified in apply patch. Specified patch version: ${version}, expected: autoscaling/v1`);
  }
  if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw new StatusError(400, "BadRequest", "metadata.managedFields must be nil");
  }
  const spec = config.spec;
  const replicas = spec && typeof spec === "object" && !Array.isArray(spec) ? (spec as Record<string, unknown>).replicas : undefined;
  return {
    apiVersion: apiVersionOf(d),
    kind: d.kind,
    metadata: { name: config.metadata?.name ?? name, ...(namespace ? { namespace } : {}) },
    ...(replicas !== undefined ? { spec: { replicas } } : {}),
  };
}
