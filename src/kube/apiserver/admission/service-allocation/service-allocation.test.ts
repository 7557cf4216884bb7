import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../../shared/clock.js";
import { MemoryStorage } from "../../../../storage/memory/memory-storage.js";
import type { Storage } from "../../../../storage/interface.js";
import { CORE_V1 } from "../../../api/core-v1.js";
import { withCoreLifecycle } from "../../../api/core-lifecycle.js";
import type { StoredObject } from "../../../api/types.js";
import { ApiHandler } from "../../api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../../auth/authorizer.js";
import { StatusError } from "../../status.js";
import { InProcessClient } from "../../../client/in-process-client.js";
import { ServiceAllocator } from "./service-allocation.js";
import type { AdmissionPlugin } from "../admission.js";
import type { ResourceDescriptor } from "../../../api/descriptor.js";
import { NETWORKING_V1 } from "../../../api/networking-v1.js";

const settle = () => new Promise((resolve) => setImmediate(resolve));
type Spec = Record<string, unknown> & { ports?: Record<string, unknown>[] };

function cluster(storage: Storage = new MemoryStorage(), cidr = "10.100.0.0/16", random = () => 0, later: AdmissionPlugin[] = [], extra: ResourceDescriptor[] = []) {
  const clock = new FakeClock();
  let allocator: ServiceAllocator | undefined;
  const handler = new ApiHandler({
    storage,
    registryRoot: "/k8s/test/registry",
    descriptors: withCoreLifecycle([...CORE_V1, ...extra]),
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:6443",
    admission: (h) => [(allocator = new ServiceAllocator(h, cidr, clock, random)).plugin(), ...later],
  });
  const client = new InProcessClient(handler, { username: "admin", groups: [SYSTEM_MASTERS] });
  const services = { version: "v1", plural: "services", namespace: "default" };
  const create = (name: string, spec: Spec, query: Record<string, string> = {}) =>
    client.request<StoredObject>("POST", "/api/v1/namespaces/default/services", { body: { metadata: { name }, spec }, query });
  return { storage, clock, client, services, create, close: () => allocator?.close() };
}

async function withNamespace(c: ReturnType<typeof cluster>) {
  try {
    await c.client.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 409)) throw error;
  }
  return c;
}

const port80 = { ports: [{ port: 80, targetPort: 8080 }], selector: { app: "web" } };
const specOf = (svc: StoredObject) => svc.spec as Spec;

async function rejection(promise: Promise<unknown>): Promise<StatusError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StatusError, String(error));
    return error;
  }
  assert.fail("expected the request to be refused");
}

test("a ClusterIP Service gets an address from the upper band of the service CIDR, with its family fields", async () => {
  const c = await withNamespace(cluster());
  const svc = await c.create("web", port80);
  const spec = specOf(svc);
  // The lower 256 addresses of a /16 are kept for static requests; random 0 starts the upper band.
  assert.equal(spec.clusterIP, "10.100.1.1");
  assert.deepEqual(spec.clusterIPs, ["10.100.1.1"]);
  assert.deepEqual(spec.ipFamilies, ["IPv4"]);
  assert.equal(spec.ipFamilyPolicy, "SingleStack");
  assert.equal(spec.internalTrafficPolicy, "Cluster");
  const second = await c.create("api", port80);
  assert.equal(specOf(second).clusterIP, "10.100.1.2", "the next free address after a taken one");
  c.close();
});

test("a requested address is honoured, and refused with upstream's message once taken", async () => {
  const c = await withNamespace(cluster(new MemoryStorage(), "172.20.0.0/16"));
  const dns = await c.create("kube-dns", { ...port80, clusterIP: "172.20.0.10" });
  assert.deepEqual(specOf(dns).clusterIPs, ["172.20.0.10"]);
  const error = await rejection(c.create("dns2", { ...port80, clusterIP: "172.20.0.10" }));
  assert.equal(error.code, 422);
  assert.equal(
    error.message,
    'Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"172.20.0.10"}: failed to allocate IP 172.20.0.10: provided IP is already allocated',
  );
  assert.equal((await c.client.list(c.services)).items.length, 1, "nothing stored");
  c.close();
});

test("an address outside the range is refused; a dry run names the range", async () => {
  const c = await withNamespace(cluster());
  const error = await rejection(c.create("web", { ...port80, clusterIP: "192.168.0.10" }));
  assert.equal(
    error.message,
    'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.10"}: failed to allocate IP 192.168.0.10: the provided network does not match the current range',
  );
  const dry = await rejection(c.create("web", { ...port80, clusterIP: "192.168.0.10" }, { dryRun: "All" }));
  assert.equal(
    dry.message,
    'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.10"}: failed to allocate IP 192.168.0.10: the provided IP (192.168.0.10) is not in the valid range. The range of valid IPs is 10.100.0.0/16',
  );
  const broadcast = await rejection(c.create("web", { ...port80, clusterIP: "10.100.255.255" }));
  assert.match(broadcast.message, /the provided network does not match the current range$/);
  c.close();
});

test("headless Services get no address; without a selector they name both families", async () => {
  const c = await withNamespace(cluster());
  const headless = specOf(await c.create("db", { ...port80, clusterIP: "None" }));
  assert.deepEqual([headless.clusterIP, headless.clusterIPs, headless.ipFamilies, headless.ipFamilyPolicy], ["None", ["None"], ["IPv4"], "SingleStack"]);
  const bare = specOf(await c.create("ext", { clusterIP: "None", ports: [{ port: 5432 }] }));
  assert.deepEqual([bare.ipFamilies, bare.ipFamilyPolicy], [["IPv4", "IPv6"], "RequireDualStack"]);
  const dual = await rejection(c.create("dual", { ...port80, ipFamilyPolicy: "RequireDualStack" }));
  assert.equal(dual.message, 'Service "dual" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  c.close();
});

test("NodePort and LoadBalancer Services get node ports; LoadBalancer stays pending", async () => {
  const c = await withNamespace(cluster());
  const np = specOf(await c.create("np", { ...port80, type: "NodePort" }));
  // The lower 86 ports of 30000-32767 are kept for static requests.
  assert.equal(np.ports?.[0]?.nodePort, 30086);
  assert.equal(np.externalTrafficPolicy, "Cluster");
  const lb = await c.create("lb", { ...port80, type: "LoadBalancer", externalTrafficPolicy: "Local" });
  const lbSpec = specOf(lb);
  assert.equal(lbSpec.ports?.[0]?.nodePort, 30087);
  assert.equal(lbSpec.healthCheckNodePort, 30088);
  assert.equal(lbSpec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.status, { loadBalancer: {} }, "no load balancer controller: the external IP stays <pending>");
  const taken = await rejection(c.create("np2", { type: "NodePort", ports: [{ port: 80, nodePort: 30086 }] }));
  assert.equal(taken.message, 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30086: provided port is already allocated');
  const outside = await rejection(c.create("np3", { type: "NodePort", ports: [{ port: 80, nodePort: 8080 }] }));
  assert.equal(
    outside.message,
    'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  c.close();
});

test("deleting a Service frees its address and ports", async () => {
  const c = await withNamespace(cluster());
  await c.create("a", { ...port80, type: "NodePort", clusterIP: "10.100.0.50", ports: [{ port: 80, nodePort: 30001 }] });
  await c.client.delete({ ...c.services, name: "a" });
  await settle();
  const again = specOf(await c.create("b", { ...port80, type: "NodePort", clusterIP: "10.100.0.50", ports: [{ port: 80, nodePort: 30001 }] }));
  assert.equal(again.clusterIP, "10.100.0.50");
  assert.equal(again.ports?.[0]?.nodePort, 30001);
  c.close();
});

test("allocations survive a restart: they are read back from the stored Services", async () => {
  const storage = new MemoryStorage();
  const first = await withNamespace(cluster(storage));
  await first.create("kept", { ...port80, clusterIP: "10.100.0.10" });
  await first.create("dynamic", port80);
  first.close();
  const second = await withNamespace(cluster(storage));
  const error = await rejection(second.create("other", { ...port80, clusterIP: "10.100.0.10" }));
  assert.match(error.message, /provided IP is already allocated$/);
  assert.equal(specOf(await second.create("next", port80)).clusterIP, "10.100.1.2", "10.100.1.1 is still held by the stored Service");
  second.close();
});

test("an update keeps the address, refuses to change it, and a type change releases node ports", async () => {
  const c = await withNamespace(cluster());
  const created = await c.create("web", { ...port80, type: "NodePort" });
  const ip = specOf(created).clusterIP;
  const { clusterIP: _ip, clusterIPs: _ips, ...withoutIps } = specOf(created);
  const replaced = await c.client.update({ ...c.services, name: "web" }, { ...created, spec: withoutIps });
  assert.equal(specOf(replaced).clusterIP, ip, "a PUT without the address keeps it");
  const changed = await rejection(c.client.update({ ...c.services, name: "web" }, { ...replaced, spec: { ...specOf(replaced), clusterIP: "10.100.0.99", clusterIPs: ["10.100.0.99"] } }));
  assert.equal(changed.message, 'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.100.0.99"}: may not change once set');
  const toClusterIP = await c.client.patch({ ...c.services, name: "web" }, { spec: { type: "ClusterIP" } });
  assert.equal(specOf(toClusterIP).ports?.[0]?.nodePort, undefined, "node ports dropped with the type");
  await settle();
  const reuse = specOf(await c.create("np", { type: "NodePort", ports: [{ port: 80, nodePort: 30086 }] }));
  assert.equal(reuse.ports?.[0]?.nodePort, 30086);
  c.close();
});

test("a write refused after the reservation does not block its own retry; others wait until it lapses", async () => {
  const refuseOnce: AdmissionPlugin = {
    name: "RefuseLater",
    validate({ object }) {
      if (object?.metadata.labels?.refuse === "yes") throw new StatusError(403, "Forbidden", "refused by a later plugin");
    },
  };
  const c = await withNamespace(cluster(new MemoryStorage(), "10.100.0.0/16", () => 0, [refuseOnce]));
  const refused = (name: string) =>
    c.client.create(c.services, { metadata: { name, labels: { refuse: "yes" } }, spec: { ...port80, clusterIP: "10.100.0.20" } });
  assert.equal((await rejection(refused("web"))).code, 403);
  assert.equal((await rejection(refused("web"))).code, 403, "the retry is not told its own address is taken");
  const other = await rejection(c.create("other", { ...port80, clusterIP: "10.100.0.20" }));
  assert.match(other.message, /provided IP is already allocated$/, "held while the first request might still land");
  c.clock.advance(61_000);
  assert.equal(specOf(await c.create("other", { ...port80, clusterIP: "10.100.0.20" })).clusterIP, "10.100.0.20");
  c.close();
});

test("every ClusterIP has its IPAddress object, removed with the Service and repaired on restart", async () => {
  const storage = new MemoryStorage();
  const ipRef = (name: string) => ({ group: "networking.k8s.io", version: "v1", plural: "ipaddresses", name });
  const eventually = async (check: () => Promise<void>) => {
    for (let i = 0; ; i++) {
      try {
        return await check();
      } catch (error) {
        if (i > 200) throw error;
        await settle();
      }
    }
  };
  const first = await withNamespace(cluster(storage, "10.100.0.0/16", () => 0, [], NETWORKING_V1));
  await first.create("web", { ...port80, clusterIP: "10.100.0.40" });
  await first.create("gone", { ...port80, clusterIP: "10.100.0.41" });
  const ip = await (async () => {
    let got: StoredObject | undefined;
    await eventually(async () => void (got = await first.client.get(ipRef("10.100.0.40"))));
    return got as StoredObject;
  })();
  assert.deepEqual(ip.spec, { parentRef: { group: "", resource: "services", namespace: "default", name: "web" } });
  assert.deepEqual(ip.metadata.labels, { "ipaddress.kubernetes.io/ip-family": "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" });
  await first.client.delete({ ...first.services, name: "gone" });
  await eventually(async () => {
    await assert.rejects(first.client.get(ipRef("10.100.0.41")), (e: StatusError) => e.code === 404);
  });
  first.close();
  // Out of band: a stale IPAddress appears and web's goes missing; the next start repairs both.
  await first.client.delete(ipRef("10.100.0.40"));
  await first.client.create({ group: "networking.k8s.io", version: "v1", plural: "ipaddresses" }, {
    metadata: { name: "10.100.0.99", labels: { "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" } },
    spec: { parentRef: { group: "", resource: "services", namespace: "default", name: "old" } },
  });
  const second = await withNamespace(cluster(storage, "10.100.0.0/16", () => 0, [], NETWORKING_V1));
  await second.create("trigger", port80);
  await eventually(async () => {
    await second.client.get(ipRef("10.100.0.40"));
    await assert.rejects(second.client.get(ipRef("10.100.0.99")), (e: StatusError) => e.code === 404);
  });
  second.close();
});
