import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { StoredObject } from "../../api/types.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient, ResourceRef } from "../../client/in-process-client.js";
import { canonicalJson } from "./controller-ref.js";
import { sharedInformers, type SharedInformerFactory } from "./shared-informers.js";

/** What every kube-controller-manager controller gets: its API client, the cluster's shared informers, time and logs. */
export interface ControllerContext {
  client: InProcessClient;
  informers: SharedInformerFactory;
  clock: Clock;
  logger: Logger;
  /** The resources served when the controller started. */
  descriptors: ResourceDescriptor[];
  /** The resources served now (custom resources come and go with their CRDs). */
  served(): readonly ResourceDescriptor[];
}

/** The controller context of one cluster; `handler` identifies the cluster so informers are shared. */
export function controllerContext(
  cluster: { handler: { descriptors?(): readonly ResourceDescriptor[] }; clock: Clock; logger: Logger; descriptors: ResourceDescriptor[] },
  client: InProcessClient,
): ControllerContext {
  return {
    client,
    informers: sharedInformers(cluster.handler, () => client, cluster.clock),
    clock: cluster.clock,
    logger: cluster.logger,
    descriptors: cluster.descriptors,
    served: () => cluster.handler.descriptors?.() ?? cluster.descriptors,
  };
}

/** Whether the cluster serves a resource (e.g. persistentvolumeclaims, replicationcontrollers). */
export const serves = (ctx: ControllerContext, group: string, plural: string): boolean =>
  ctx.descriptors.some((d) => d.group === group && d.plural === plural);

export const isNotFound = (error: unknown): boolean => error instanceof StatusError && error.code === 404;
export const isConflict = (error: unknown): boolean => error instanceof StatusError && error.code === 409;
export const isAlreadyExists = (error: unknown): boolean => error instanceof StatusError && error.reason === "AlreadyExists";

/**
 * Writes `status` through the status subresource when it differs from the object's current
 * status. A JSON patch replacing /status needs no resourceVersion, so a controller's status write
 * never fights a concurrent spec write.
 */
export async function writeStatus(client: InProcessClient, ref: ResourceRef, obj: StoredObject, status: Record<string, unknown>): Promise<StoredObject | undefined> {
  if (canonicalJson(obj.status ?? {}) === canonicalJson(status)) return undefined;
  try {
    return await client.patch(
      { ...ref, namespace: obj.metadata.namespace, name: obj.metadata.name, subresource: "status" },
      [{ op: "add", path: "/status", value: status }],
      "json",
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Drops zero counts and empty lists, as Go's omitempty does in status JSON. */
export function omitEmpty(status: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) {
    if (keep.includes(k)) out[k] = v;
    else if (v === undefined || v === null || v === 0 || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    else out[k] = v;
  }
  return out;
}
