/**
 * pods/binding and the legacy `bindings` resource (pkg/registry/core/pod/storage BindingREST):
 * a v1 Binding sets spec.nodeName of an unassigned pod, merges the binding's annotations and
 * records PodScheduled=True. The answer is a Success Status.
 */
import type { KubeObject, StoredObject } from "../api/types.js";
import { kubeTime, type ResourceStore } from "./registry/resource-store.js";
import { errors, StatusError } from "./status.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** How a Binding's failures name the resource (NewConflict(api.Resource("pods/binding"), …)). */
const BINDING_RESOURCE = { resource: "pods/binding", group: "", kind: "Binding" };

/** Decoding checks of the body: it must be a core/v1 Binding for the request's namespace. */
export function checkBindingBody(body: KubeObject, namespace: string | undefined): void {
  if (body.apiVersion !== undefined && body.apiVersion !== "v1") {
    throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (v1)`);
  }
  if (body.kind !== undefined && body.kind !== "Binding") throw errors.badRequest(`not a Binding object: kind ${JSON.stringify(body.kind)}`);
  const ns = rec(body.metadata).namespace;
  if (ns !== undefined && ns !== "" && namespace !== undefined && ns !== namespace) {
    throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
}

/**
 * BindingREST.Create: the name check, ValidatePodBinding (an aggregate error, which upstream
 * answers as a 500 with reason Unknown) and the assignment.
 */
export async function bindPod(
  pods: ResourceStore,
  namespace: string | undefined,
  urlName: string,
  binding: KubeObject,
  options: { dryRun: boolean; now: Date },
): Promise<void> {
  const meta = rec(binding.metadata);
  const name = str(meta.name);
  if (urlName !== name) throw errors.badRequest("name in URL does not match name in Binding object");
  if (!name) throw errors.badRequest("Name parameter required.");
  const target = rec(binding.target);
  const kind = str(target.kind);
  const node = str(target.name);
  const invalid: string[] = [];
  if (kind !== "" && kind !== "Node") invalid.push(`target.kind: Unsupported value: ${JSON.stringify(kind)}: supported values: "Node", "<empty>"`);
  if (!node) invalid.push("target.name: Required value");
  if (invalid.length > 0) throw new StatusError(500, "", invalid.length === 1 ? (invalid[0] as string) : `[${invalid.join(", ")}]`);

  const uid = str(meta.uid);
  const resourceVersion = str(meta.resourceVersion);
  const annotations = rec(meta.annotations);
  await pods.update(
    namespace,
    name,
    (current: StoredObject) => {
      if (uid && uid !== current.metadata.uid) {
        throw errors.conflict(pods.name, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ""}`);
      }
      if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(
          pods.name,
          name,
          `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ""}`,
        );
      }
      const spec = rec(current.spec);
      if (current.metadata.deletionTimestamp) throw errors.conflict(BINDING_RESOURCE, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (str(spec.nodeName)) throw errors.conflict(BINDING_RESOURCE, name, `pod ${name} is already assigned to node "${str(spec.nodeName)}"`);
      if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
        throw errors.conflict(BINDING_RESOURCE, name, `pod ${name} has non-empty .spec.schedulingGates`);
      }
      current.spec = { ...spec, nodeName: node };
      for (const [k, v] of Object.entries(annotations)) {
        if (typeof v === "string") current.metadata.annotations = { ...current.metadata.annotations, [k]: v };
      }
      setScheduledTrue(current, options.now);
      // GuaranteedUpdate semantics: a concurrent write is retried, not reported.
      delete current.metadata.resourceVersion;
      return current;
    },
    { dryRun: options.dryRun, subresource: "binding" },
  );
}

/** podutil.UpdatePodCondition with {PodScheduled, True}: the transition time moves only when the status changes. */
function setScheduledTrue(pod: StoredObject, now: Date): void {
  const status = rec(pod.status);
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
  const old = conditions.find((c) => rec(c).type === "PodScheduled");
  const condition: Json = {
    type: "PodScheduled",
    status: "True",
    observedGeneration: pod.metadata.generation ?? 1,
    lastProbeTime: null,
    lastTransitionTime: old && old.status === "True" ? old.lastTransitionTime : kubeTime(now),
  };
  pod.status = { ...status, conditions: old ? conditions.map((c) => (c === old ? condition : c)) : [...conditions, condition] };
}
