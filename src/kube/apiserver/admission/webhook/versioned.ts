/**
 * Objects in the version a webhook is called with (admission.VersionedAttributes): the request's
 * own, or, when matchPolicy Equivalent matched another version of the same stored resource,
 * converted through the storage version, and back again after a mutation.
 */
import type { GroupVersionKind, ResourceDescriptor } from "../../../api/descriptor.js";
import type { KubeObject, StoredObject } from "../../../api/types.js";
import type { Invocation } from "./matcher.js";
import type { WebhookRequest } from "./webhook-request.js";

/** The object with apiVersion and kind first, as they are encoded. */
export function withTypeMeta(obj: KubeObject, kind: GroupVersionKind): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  return { apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version, kind: kind.kind, ...rest };
}

/** One version's object as another version of the same stored resource has it. */
export function convertObject(obj: KubeObject, from: ResourceDescriptor, to: ResourceDescriptor): KubeObject {
  const withMeta = { ...obj, metadata: obj.metadata ?? {} } as StoredObject;
  const stored = from.storage ? from.storage.toStorage(withMeta) : withMeta;
  const converted = to.storage ? to.storage.fromStorage(stored) : stored;
  return withTypeMeta(converted, { group: to.group, version: to.version, kind: to.kind });
}

/** Whether the invocation's version differs from the request's (a view's kind is the same in every version). */
export const needsConversion = (req: WebhookRequest, invocation: Invocation): boolean => !req.view && invocation.descriptor !== req.descriptor;

/** The request's object (or old object) as the invocation's webhook is sent it. */
export function versionedObject(req: WebhookRequest, invocation: Invocation, obj: KubeObject | undefined): KubeObject | undefined {
  if (!obj) return undefined;
  if (needsConversion(req, invocation)) return convertObject(obj, req.descriptor, invocation.descriptor);
  return withTypeMeta(obj, invocation.kind);
}
