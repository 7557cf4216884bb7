import type { ResourceDescriptor } from "../api/descriptor.js";
import { StatusError } from "../apiserver/status.js";
import type { InProcessClient } from "../client/in-process-client.js";

const APISERVICES = { group: "apiregistration.k8s.io", version: "v1", plural: "apiservices" };
export const METRICS_APISERVICE = "v1beta1.metrics.k8s.io";

/**
 * Creates the v1beta1.metrics.k8s.io APIService when the cluster serves apiregistration.k8s.io:
 * metrics.k8s.io is computed inside the API server here, so the APIService is Local (no service)
 * and Available, as kube-aggregator reports local groups.
 */
export async function ensureMetricsApiService(client: InProcessClient, descriptors: ResourceDescriptor[]): Promise<void> {
  if (!descriptors.some((d) => d.group === APISERVICES.group && d.plural === APISERVICES.plural)) return;
  let created;
  try {
    created = await client.create(APISERVICES, {
      metadata: { name: METRICS_APISERVICE, labels: { "k8s-app": "metrics-server" } },
      spec: { group: "metrics.k8s.io", version: "v1beta1", groupPriorityMinimum: 100, versionPriority: 100 },
    });
  } catch (error) {
    if (error instanceof StatusError && error.code === 409) return;
    throw error;
  }
  await client.patch({ ...APISERVICES, name: created.metadata.name, subresource: "status" }, {
    status: {
      conditions: [
        { type: "Available", status: "True", lastTransitionTime: created.metadata.creationTimestamp, reason: "Local", message: "Local APIServices are always available" },
      ],
    },
  });
}
