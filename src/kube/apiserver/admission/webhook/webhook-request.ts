/**
 * A write as the webhook machinery sees it (upstream's admission.Attributes): resource, kind,
 * namespace and objects in the version the client used, a subresource with its own kind (…/scale)
 * as that kind's object.
 */
import type { GroupVersionKind, ResourceDescriptor } from "../../../api/descriptor.js";
import type { KubeObject, StoredObject, UserInfo } from "../../../api/types.js";
import { viewFor, type SubresourceView } from "../../scale.js";
import type { AdmissionAttributes, AdmissionOperation } from "../admission.js";

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface WebhookRequest {
  operation: AdmissionOperation;
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
  /** The namespace's own name for requests on a Namespace (except its creation), as upstream's request info sets it. */
  namespace: string;
  name: string;
  /** The new object in the request's version (the subresource's kind for a view such as scale); absent for DELETE. */
  object?: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  descriptor: ResourceDescriptor;
  /** Set for subresources served as another kind: objects are read from and written back to the parent through it. */
  view?: SubresourceView;
}

export const isNamespaceResource = (r: GroupVersionResource): boolean => r.group === "" && r.version === "v1" && r.resource === "namespaces";

/** The kind named by an object's apiVersion/kind, if it names one. */
function kindOfObject(obj: KubeObject | undefined): GroupVersionKind | undefined {
  if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string" || !obj.kind) return undefined;
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/", 2) : ["", obj.apiVersion];
  return { group: group ?? "", version: version ?? "", kind: obj.kind };
}

export function webhookRequestOf(attrs: AdmissionAttributes): WebhookRequest {
  const d = attrs.descriptor;
  const subresource = attrs.subresource ?? "";
  const viewKind = subresource ? d.subresourceKinds?.[subresource] : undefined;
  const view = viewKind ? viewFor(d, subresource) : undefined;
  const resource = { group: d.group, version: d.version, resource: d.plural };
  const own = { group: d.group, version: d.version, kind: d.kind };
  // A subresource write may carry another kind (pods/binding: Binding, pods/eviction: Eviction).
  const bodyKind = subresource && !view ? kindOfObject(attrs.object) : undefined;
  const kind = viewKind ?? (bodyKind && bodyKind.kind !== d.kind ? bodyKind : own);
  const read = (obj: StoredObject | undefined): KubeObject | undefined => (obj && view ? view.read(obj) : obj);
  const namespaceItself = isNamespaceResource(resource) && attrs.operation !== "CREATE";
  return {
    operation: attrs.operation,
    resource,
    subresource,
    kind,
    namespace: namespaceItself ? attrs.name : d.namespaced ? (attrs.namespace ?? "") : "",
    name: attrs.name,
    object: attrs.operation === "DELETE" ? undefined : read(attrs.object),
    oldObject: read(attrs.oldObject),
    user: attrs.user,
    dryRun: attrs.dryRun,
    descriptor: d,
    ...(view ? { view } : {}),
  };
}

/** Upstream's IsExemptAdmissionConfigurationResource: webhooks never see their own configuration objects. */
export function isExemptConfigurationResource(kind: GroupVersionKind): boolean {
  return (
    kind.group === "admissionregistration.k8s.io" &&
    [
      "ValidatingWebhookConfiguration",
      "MutatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding",
    ].includes(kind.kind)
  );
}
