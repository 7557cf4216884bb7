/**
 * Subresources served as another kind: a view reads it from the stored parent and writes it
 * back into the parent, so the generic store keeps doing concurrency, generation and validation.
 * Today that is `…/scale` (autoscaling/v1 Scale) of deployments, replicasets and statefulsets
 * (pkg/registry/apps/<kind>/storage ScaleREST).
 */
import type { KubeObject, StoredObject } from "../api/types.js";
import { selectorString } from "../api/workload-printing.js";
import { errors } from "./status.js";
import type { ResourceDescriptor } from "../api/descriptor.js";
import { readPath, writePath } from "../api/custom-resources/json-path.js";

/** How a subresource of another kind maps onto its parent object. */
export interface SubresourceView {
  /** The subresource's object for a stored parent. */
  read(parent: StoredObject): KubeObject;
  /** The parent (a private copy) with a written subresource object applied; throws a StatusError when the object is invalid. */
  write(parent: StoredObject, view: KubeObject): KubeObject;
}

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});

const SCALE = { resource: "scale", group: "autoscaling", kind: "Scale" };

/** autoscaling/v1 Scale over `spec.replicas`, `status.replicas` and `spec.selector`. */
export const scaleView: SubresourceView = {
  read(parent) {
    const { name, namespace, uid, resourceVersion, creationTimestamp } = parent.metadata;
    const replicas = rec(parent.spec).replicas;
    // A ReplicationController's selector is a plain label map (labels.SelectorFromSet).
    const rawSelector = rec(parent.spec).selector;
    const selector = selectorString(parent.kind === "ReplicationController" ? { matchLabels: rawSelector } : rawSelector);
    return {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      // ScaleSpec.replicas is omitempty; ScaleStatus.replicas is not.
      spec: typeof replicas === "number" && replicas !== 0 ? { replicas } : {},
      status: { replicas: Number(rec(parent.status).replicas ?? 0), ...(selector ? { selector } : {}) },
    };
  },
  write(parent, view) {
    if (view.apiVersion !== undefined && view.apiVersion !== "autoscaling/v1") {
      throw errors.badRequest(`the API version in the data (${String(view.apiVersion)}) does not match the expected API version (autoscaling/v1)`);
    }
    if (view.kind !== undefined && view.kind !== "Scale") {
      throw errors.badRequest(`the kind in the data (${String(view.kind)}) does not match the expected kind (Scale)`);
    }
    const name = view.metadata?.name ?? parent.metadata.name ?? "";
    const replicas = rec(view.spec).replicas ?? 0;
    if (typeof replicas !== "number" || !Number.isInteger(replicas)) {
      throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
    }
    if (replicas < 0) {
      throw errors.invalid(SCALE, name, [{ field: "spec.replicas", reason: "FieldValueInvalid", message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
    }
    const spec = rec(parent.spec);
    spec.replicas = replicas;
    parent.spec = spec;
    // A resourceVersion on the Scale is a precondition on the parent.
    const rv = view.metadata?.resourceVersion;
    if (rv) parent.metadata.resourceVersion = rv;
    else delete parent.metadata.resourceVersion;
    return parent;
  },
};

/** Views by subresource name; a descriptor opts in through `subresourceKinds`. */
export const SUBRESOURCE_VIEWS: Record<string, SubresourceView | undefined> = { scale: scaleView };

/**
 * autoscaling/v1 Scale over a CRD's declared paths (apiextensions' scale subresource): spec.replicas at
 * specReplicasPath, status.replicas at statusReplicasPath, status.selector from labelSelectorPath.
 */
export function customScaleView(paths: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string }): SubresourceView {
  return {
    read(parent) {
      const { name, namespace, uid, resourceVersion, creationTimestamp } = parent.metadata;
      const replicas = readPath(parent, paths.specReplicasPath);
      const statusReplicas = readPath(parent, paths.statusReplicasPath);
      const selector = paths.labelSelectorPath ? readPath(parent, paths.labelSelectorPath) : undefined;
      return {
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
        spec: typeof replicas === "number" && replicas !== 0 ? { replicas } : {},
        status: { replicas: typeof statusReplicas === "number" ? statusReplicas : 0, ...(typeof selector === "string" && selector ? { selector } : {}) },
      };
    },
    write(parent, view) {
      // The built-in view checks the Scale itself; only where replicas land differs.
      const checked = scaleView.write(structuredClone(parent), view) as StoredObject;
      const replicas = rec(checked.spec).replicas;
      writePath(parent, paths.specReplicasPath, replicas);
      if (checked.metadata.resourceVersion) parent.metadata.resourceVersion = checked.metadata.resourceVersion;
      else delete parent.metadata.resourceVersion;
      return parent;
    },
  };
}

/** The view serving `subresource` of a resource: its own scale paths, else the built-in one. */
export const viewFor = (d: ResourceDescriptor, subresource: string): SubresourceView | undefined =>
  subresource === "scale" && d.scalePaths ? customScaleView(d.scalePaths) : SUBRESOURCE_VIEWS[subresource];
