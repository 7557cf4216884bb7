import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { startHarness } from "./harness.case.js";
import { LEASE_RENEW_MS, NODE_STATUS_REPORT_MS } from "./node-agent.js";

const BOUNDED = { timeout: 20_000 };
type Json = Record<string, unknown>;
const nodeRef = (name: string) => ({ version: "v1", plural: "nodes", name });
const leaseRef = (name: string) => ({ group: "coordination.k8s.io", version: "v1", plural: "leases", namespace: "kube-node-lease", name });
const renewTime = (lease: StoredObject) => String((lease.spec as Json).renewTime);
const readyHeartbeat = (node: StoredObject) => ((node.status as Json).conditions as Json[]).find((c) => c.type === "Ready")?.lastHeartbeatTime;

describe("node registration", BOUNDED, () => {
  it("registers a t3.medium as EKS does: name, labels, providerID, taints, capacity, addresses, nodeInfo, conditions", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance({
      type: "t3.medium",
      az: "us-west-2b",
      labels: { "eks.amazonaws.com/nodegroup": "ng1", "eks.amazonaws.com/capacityType": "ON_DEMAND", tier: "primary" },
      taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }],
    });
    await h.settle();
    const node = await h.admin.get(nodeRef(instance.privateDnsName));
    h.stop();

    assert.equal(node.metadata.name, "ip-192-168-1-10.us-west-2.compute.internal");
    assert.deepEqual(node.metadata.labels, {
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/instance-type": "t3.medium",
      "beta.kubernetes.io/os": "linux",
      "eks.amazonaws.com/capacityType": "ON_DEMAND",
      "eks.amazonaws.com/nodegroup": "ng1",
      "failure-domain.beta.kubernetes.io/region": "us-west-2",
      "failure-domain.beta.kubernetes.io/zone": "us-west-2b",
      "k8s.io/cloud-provider-aws": node.metadata.labels?.["k8s.io/cloud-provider-aws"],
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": "ip-192-168-1-10.us-west-2.compute.internal",
      "kubernetes.io/os": "linux",
      "node.kubernetes.io/instance-type": "t3.medium",
      tier: "primary",
      "topology.k8s.aws/zone-id": "usw2-az2",
      "topology.kubernetes.io/region": "us-west-2",
      "topology.kubernetes.io/zone": "us-west-2b",
    });
    assert.match(node.metadata.labels?.["k8s.io/cloud-provider-aws"] ?? "", /^[0-9a-f]{32}$/);
    const spec = node.spec as Json;
    assert.equal(spec.providerID, `aws:///us-west-2b/${instance.instanceId}`);
    assert.deepEqual(spec.taints, [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }]);

    const status = node.status as Json;
    assert.equal((status.capacity as Json).pods, "17");
    assert.equal((status.allocatable as Json).cpu, "1930m");
    assert.deepEqual(status.addresses, [
      { type: "InternalIP", address: "192.168.1.10" },
      { type: "InternalDNS", address: instance.privateDnsName },
      { type: "Hostname", address: instance.privateDnsName },
    ]);
    assert.deepEqual(status.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
    const info = status.nodeInfo as Json;
    assert.match(String(info.kubeletVersion), /^v1\.34\.1-eks-[0-9a-f]{7}$/);
    assert.match(String(info.containerRuntimeVersion), /^containerd:\/\/1\.7\./);
    assert.match(String(info.osImage), /^Amazon Linux 2023\./);
    assert.match(String(info.kernelVersion), /amzn2023\.x86_64$/);
    assert.equal(info.architecture, "amd64");
    assert.equal(info.operatingSystem, "linux");
    assert.match(String(info.systemUUID), /^ec2[0-9a-f]{5}-[0-9a-f]{4}-/);
    const conditions = status.conditions as Json[];
    assert.deepEqual(
      conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ["MemoryPressure", "False", "KubeletHasSufficientMemory"],
        ["DiskPressure", "False", "KubeletHasNoDiskPressure"],
        ["PIDPressure", "False", "KubeletHasSufficientPID"],
        ["Ready", "True", "KubeletReady"],
      ],
    );
    assert.equal(conditions[3]?.message, "kubelet is posting ready status");
  });

  it("an m5.large node allows 29 pods; the node group's release version sets the kubelet version", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance({ type: "m5.large" });
    await h.settle();
    const node = await h.admin.get(nodeRef(instance.privateDnsName));
    h.stop();
    assert.equal(((node.status as Json).capacity as Json).pods, "29");
    assert.equal(((node.status as Json).allocatable as Json).pods, "29");
  });

  it("waits for the instance to boot (bootDelayMs × time scale) before registering", async () => {
    const h = await startHarness({ timeScale: 1 });
    const instance = h.source.addInstance({ bootDelayMs: 30_000 });
    await h.settle();
    await assert.rejects(h.admin.get(nodeRef(instance.privateDnsName)), /not found/);
    await h.advance(29_000);
    await assert.rejects(h.admin.get(nodeRef(instance.privateDnsName)), /not found/);
    await h.advance(1_000);
    assert.ok(await h.admin.get(nodeRef(instance.privateDnsName)));
    h.stop();
  });

  it("a pending instance registers only once it runs", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance({ state: "pending" });
    await h.settle();
    await assert.rejects(h.admin.get(nodeRef(instance.privateDnsName)), /not found/);
    h.source.setState(instance.instanceId, "running");
    await h.settle();
    assert.ok(await h.admin.get(nodeRef(instance.privateDnsName)));
    h.stop();
  });

  it("records the kubelet's start-up events on the node", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance();
    await h.settle();
    const events = await h.events("default");
    h.stop();
    const reasons = events.filter((e) => (e.involvedObject as Json).kind === "Node").map((e) => e.reason);
    for (const r of ["Starting", "NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID", "NodeAllocatableEnforced", "NodeReady"]) {
      assert.ok(reasons.includes(r), `${r} in ${reasons.join(",")}`);
    }
    const ready = events.find((e) => e.reason === "NodeReady");
    assert.equal(ready?.message, `Node ${instance.privateDnsName} status is now: NodeReady`);
    assert.deepEqual(ready?.source, { component: "kubelet", host: instance.privateDnsName });
  });
});

describe("node heartbeats", BOUNDED, () => {
  it("renews the node lease in kube-node-lease every 10 s and reports node status every 5 min", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance();
    await h.settle();
    const name = instance.privateDnsName;
    const lease = await h.admin.get(leaseRef(name));
    const node = await h.admin.get(nodeRef(name));
    assert.deepEqual((lease.spec as Json).holderIdentity, name);
    assert.equal((lease.spec as Json).leaseDurationSeconds, 40);
    assert.equal(renewTime(lease), "2026-01-01T00:00:00.000000Z");
    assert.deepEqual(lease.metadata.ownerReferences, [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid }]);

    await h.advance(LEASE_RENEW_MS - 1000);
    assert.equal(renewTime(await h.admin.get(leaseRef(name))), "2026-01-01T00:00:00.000000Z", "not renewed before 10 s");
    await h.advance(1000);
    assert.equal(renewTime(await h.admin.get(leaseRef(name))), "2026-01-01T00:00:10.000000Z");
    await h.advance(20_000, 10_000);
    assert.equal(renewTime(await h.admin.get(leaseRef(name))), "2026-01-01T00:00:30.000000Z");

    assert.equal(readyHeartbeat(await h.admin.get(nodeRef(name))), "2026-01-01T00:00:00Z");
    await h.advance(NODE_STATUS_REPORT_MS - 30_000, 10_000);
    const after = await h.admin.get(nodeRef(name));
    assert.equal(readyHeartbeat(after), "2026-01-01T00:05:00Z");
    const ready = ((after.status as Json).conditions as Json[]).find((c) => c.type === "Ready");
    assert.equal(ready?.lastTransitionTime, "2026-01-01T00:00:00Z", "the transition time stays");
    h.stop();
  });

  it("stops renewing once the instance stops, and the Node goes when the instance is terminated", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance();
    await h.settle();
    const name = instance.privateDnsName;
    h.source.setState(instance.instanceId, "stopping");
    await h.advance(60_000, 10_000);
    assert.equal(renewTime(await h.admin.get(leaseRef(name))), "2026-01-01T00:00:00.000000Z", "a stopped kubelet renews nothing");
    assert.ok(await h.admin.get(nodeRef(name)), "the node stays while the instance exists");

    h.source.setState(instance.instanceId, "terminated");
    await h.advance(1000);
    await assert.rejects(h.admin.get(nodeRef(name)), /not found/);
    assert.ok(h.writes.some((w) => w.startsWith(`DELETE /api/v1/nodes/${name} eks:cloud-controller-manager`)));
    h.stop();
  });

  it("a restarted instance's kubelet reports Ready again and keeps the node", async () => {
    const h = await startHarness();
    const instance = h.source.addInstance();
    await h.settle();
    h.source.setState(instance.instanceId, "stopped");
    await h.advance(60_000, 10_000);
    h.source.setState(instance.instanceId, "running");
    await h.settle();
    assert.equal(renewTime(await h.admin.get(leaseRef(instance.privateDnsName))), "2026-01-01T00:01:00.000000Z");
    assert.equal(readyHeartbeat(await h.admin.get(nodeRef(instance.privateDnsName))), "2026-01-01T00:01:00Z");
    h.stop();
  });

  it("boots again when a stopped instance starts, but resumes at once after a restart of minieks", async () => {
    const h = await startHarness({ timeScale: 1 });
    const instance = h.source.addInstance({ bootDelayMs: 30_000 });
    await h.advance(30_000, 10_000);
    const name = instance.privateDnsName;
    assert.equal(renewTime(await h.admin.get(leaseRef(name))), "2026-01-01T00:00:30.000000Z");
    h.stop();
    h.clock.advance(5000);

    const again = await startHarness({ timeScale: 1, restartFrom: h });
    await again.settle();
    assert.equal(renewTime(await again.admin.get(leaseRef(name))), "2026-01-01T00:00:35.000000Z", "renewed at once, no second boot");
    await again.advance(10_000);
    assert.equal(renewTime(await again.admin.get(leaseRef(name))), "2026-01-01T00:00:45.000000Z");

    again.source.setState(instance.instanceId, "stopped");
    await again.advance(10_000);
    again.source.setState(instance.instanceId, "running");
    await again.advance(20_000, 10_000);
    assert.equal(renewTime(await again.admin.get(leaseRef(name))), "2026-01-01T00:00:45.000000Z", "still booting");
    await again.advance(10_000);
    assert.equal(renewTime(await again.admin.get(leaseRef(name))), "2026-01-01T00:01:25.000000Z");
    again.stop();
  });

  it("posts Ready again within 10 s when someone else marked the node Unknown", async () => {
    const h = await startHarness();
    const name = h.source.addInstance().privateDnsName;
    await h.settle();
    const unknown = { type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: "2026-01-01T00:00:05Z" };
    await h.admin.patch({ version: "v1", plural: "nodes", name, subresource: "status" }, { status: { conditions: [unknown] } }, "strategic");
    await h.advance(10_000);
    const ready = (((await h.admin.get(nodeRef(name))).status as Json).conditions as Json[]).find((c) => c.type === "Ready");
    assert.deepEqual([ready?.status, ready?.reason, ready?.lastTransitionTime], ["True", "KubeletReady", "2026-01-01T00:00:10Z"]);
    h.stop();
  });

  it("without the Lease API, heartbeats through node status every 10 s", async () => {
    const h = await startHarness({ leases: false });
    const instance = h.source.addInstance();
    await h.settle();
    await h.advance(10_000);
    assert.equal(readyHeartbeat(await h.admin.get(nodeRef(instance.privateDnsName))), "2026-01-01T00:00:10Z");
    h.stop();
  });
});
