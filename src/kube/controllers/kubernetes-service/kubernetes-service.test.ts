import { test } from "node:test";
import assert from "node:assert/strict";
import { ServiceAllocator } from "../../apiserver/admission/service-allocation/service-allocation.js";
import { eventually, testCluster } from "../endpoints/test-cluster.case.js";
import { KubernetesService, RECONCILE_INTERVAL_MS } from "./kubernetes-service.js";

const at = (plural: string, group = "") => ({ group, version: "v1", plural, namespace: "default", name: "kubernetes" });

test("the kubernetes Service takes the first address of the service CIDR; its endpoints list the control-plane addresses", async () => {
  let allocator: ServiceAllocator | undefined;
  const c = await testCluster((h, clock) => [(allocator = new ServiceAllocator(h, "172.20.0.0/16", clock)).plugin()]);
  const svc = new KubernetesService(c.ctx.client, { serviceCidr: "172.20.0.0/16", addresses: ["172.31.10.20", "172.31.40.8"], endpointSlices: true, serviceCidrs: true }, c.clock, c.ctx.logger);
  await svc.start();
  const service = await c.get(at("services"));
  assert.equal((service.spec as { clusterIP: string }).clusterIP, "172.20.0.1");
  assert.deepEqual((service.spec as { ports: unknown }).ports, [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }]);
  assert.deepEqual(service.metadata.labels, { component: "apiserver", provider: "kubernetes" });
  const endpoints = await c.get(at("endpoints"));
  assert.deepEqual(endpoints.subsets, [{ addresses: [{ ip: "172.31.10.20" }, { ip: "172.31.40.8" }], ports: [{ name: "https", port: 443, protocol: "TCP" }] }]);
  assert.equal(endpoints.metadata.labels?.["endpointslice.kubernetes.io/skip-mirror"], "true");
  const slice = await c.get(at("endpointslices", "discovery.k8s.io"));
  assert.deepEqual(slice.endpoints, [
    { addresses: ["172.31.10.20"], conditions: { ready: true } },
    { addresses: ["172.31.40.8"], conditions: { ready: true } },
  ]);
  assert.equal(slice.metadata.labels?.["kubernetes.io/service-name"], "kubernetes");
  const range = await c.get({ group: "networking.k8s.io", version: "v1", plural: "servicecidrs", name: "kubernetes" });
  assert.deepEqual(range.spec, { cidrs: ["172.20.0.0/16"] });
  assert.deepEqual(range.metadata.finalizers, ["networking.k8s.io/service-cidr-finalizer"]);
  const ready = (range.status as { conditions: Record<string, unknown>[] }).conditions[0];
  assert.deepEqual([ready?.type, ready?.status, ready?.message], ["Ready", "True", "Kubernetes Service CIDR is ready"]);

  await c.admin.delete(at("endpoints"));
  c.clock.advance(RECONCILE_INTERVAL_MS);
  await eventually(async () => assert.deepEqual((await c.get(at("endpoints"))).subsets, endpoints.subsets, "put back within ten seconds"));
  svc.stop();
  allocator?.close();
});
