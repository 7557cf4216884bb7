import type { ResourceDescriptor } from "../api/descriptor.js";
import type { KubeObject } from "../api/types.js";
import { errors } from "./status.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

const OBJECT_META_FIELDS = new Set([
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
]);

/**
 * Server-side field validation (KEP-2885) at the levels minieks knows the schema of: the
 * object's top level and its metadata. Unknown fields are dropped (as decoding into the typed
 * object does); Strict refuses them, Warn reports them as warnings. Nested spec fields are
 * checked once full schemas arrive with the API-fidelity work.
 */
export function checkFields(obj: KubeObject, d: ResourceDescriptor, mode: FieldValidation): string[] {
  const unknown: string[] = [];
  const allowed = new Set(["apiVersion", "kind", "metadata", ...d.topLevelFields]);
  // Custom resources are pruned by their structural schema, at every level.
  if (d.pruneUnknownFields) unknown.push(...d.pruneUnknownFields(obj));
  else {
    for (const key of Object.keys(obj)) {
      if (!allowed.has(key)) {
        unknown.push(key);
        delete obj[key];
      }
    }
  }
  const meta = obj.metadata;
  if (meta && typeof meta === "object") {
    for (const key of Object.keys(meta)) {
      if (!OBJECT_META_FIELDS.has(key)) {
        unknown.push(`metadata.${key}`);
        delete meta[key];
      }
    }
  }
  const messages = unknown.map((f) => `unknown field "${f}"`);
  if (messages.length > 0 && mode === "Strict") throw errors.badRequest(`strict decoding error: ${messages.join(", ")}`);
  return mode === "Warn" ? messages : [];
}
