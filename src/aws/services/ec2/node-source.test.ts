import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NodeInstance } from "../../../kube/kubelet/node-source.js";
import { silentLogger } from "../../../shared/logger.js";
import { ec2Fixture, settle } from "./ec2-fixture.case.js";
import { EC2_DURATIONS } from "./instances.js";
import { ec2NodeSource } from "./node-source.js";

const owned = { "kubernetes.io/cluster/myeks": "owned" };
const nodeConfig = {
  clusterName: "myeks",
  nodegroupName: "ng1",
  amiType: "AL2023_x86_64_STANDARD",
  releaseVersion: "1.34.1-20251120",
  labels: { tier: "primary", "eks.amazonaws.com/nodegroup": "ng1" },
  taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" as const }],
};

describe("EC2 node source", () => {
  it("lists the cluster's instances, then passes on each change; other clusters' instances stay out", async () => {
    const { instances, state, network, scope, clock, launchSpec } = await ec2Fixture(1);
    const mine = await instances.launch(scope, launchSpec({ tags: owned, nodeConfig }));
    await instances.launch(scope, launchSpec({ tags: { "kubernetes.io/cluster/other": "owned" } }));
    await instances.launch(scope, launchSpec({ tags: {} }));

    const source = ec2NodeSource({ ec2: state, network, logger: silentLogger }, { ...scope, clusterName: "myeks" });
    const seen: NodeInstance[] = [];
    const cancel = source.watchInstances((i) => seen.push(i));
    await settle(() => seen.length > 0);
    assert.equal(seen.length, 1);
    const [first] = seen;
    assert.equal(first?.instanceId, mine.instanceId);
    assert.equal(first?.state, "pending");
    assert.equal(first?.instanceType.maxPods, 17);
    assert.equal(first?.nodegroupName, "ng1");
    assert.deepEqual(first?.labels, nodeConfig.labels);
    assert.deepEqual(first?.taints, nodeConfig.taints);
    assert.equal(first?.privateDnsName, mine.privateDnsName);
    assert.equal(first?.availabilityZoneId, mine.availabilityZoneId);
    assert.equal(first?.region, "ap-northeast-2");
    assert.equal(first?.capacityType, "ON_DEMAND");
    assert.equal(first?.bootDelayMs, EC2_DURATIONS.bootMs);

    clock.advance(EC2_DURATIONS.pendingMs);
    await settle(() => seen.some((i) => i.state === "running"));
    assert.deepEqual(seen.map((i) => i.state), ["pending", "running"]);

    // Attaching an ENI rewrites the instance record but changes nothing a node sees.
    await source.network.attachNetworkInterface(mine.instanceId);
    await instances.updateNodeConfig(scope, mine.instanceId, { ...nodeConfig, labels: { ...nodeConfig.labels, tier: "gold" } });
    await settle(() => seen.length === 3);
    assert.equal(seen.length, 3);
    assert.equal(seen[2]?.labels.tier, "gold");

    await instances.terminate(scope, [mine.instanceId]);
    clock.advance(EC2_DURATIONS.shuttingDownMs);
    await settle(() => seen.some((i) => i.state === "terminated"));
    assert.deepEqual(seen.slice(3).map((i) => i.state), ["shutting-down", "terminated"]);

    cancel();
    await instances.launch(scope, launchSpec({ tags: owned }));
    await settle();
    assert.equal(seen.length, 5, "nothing after cancel");
  });

  it("reads from storage, so a new source (a restart) sees the same instances", async () => {
    const { instances, state, network, scope, launchSpec } = await ec2Fixture(0);
    const a = await instances.launch(scope, launchSpec({ tags: owned }));
    const b = await instances.launch(scope, launchSpec({ tags: owned }));
    await settle(async () => (await state.instances.list(scope)).every((i) => i.state === "running"));
    const source = ec2NodeSource({ ec2: state, network, logger: silentLogger }, { ...scope, clusterName: "myeks" });
    const seen = new Map<string, string>();
    const cancel = source.watchInstances((i) => seen.set(i.instanceId, i.state));
    await settle(() => seen.size === 2);
    assert.deepEqual(Object.fromEntries(seen), { [a.instanceId]: "running", [b.instanceId]: "running" });
    cancel();
  });

  it("starting from no instances, sees the first one launched", async () => {
    const { instances, state, network, scope, launchSpec } = await ec2Fixture(1);
    const source = ec2NodeSource({ ec2: state, network, logger: silentLogger }, { ...scope, clusterName: "myeks" });
    const seen: string[] = [];
    const cancel = source.watchInstances((i) => seen.push(i.instanceId));
    await settle();
    assert.deepEqual(seen, []);
    const { instanceId } = await instances.launch(scope, launchSpec({ tags: owned }));
    await settle(() => seen.length > 0);
    assert.deepEqual(seen, [instanceId]);
    cancel();
  });

  it("answers ipamd's ENI calls for the cluster's instances", async () => {
    const { instances, state, network, scope, launchSpec } = await ec2Fixture(0);
    const instance = await instances.launch(scope, launchSpec({ tags: owned }));
    const source = ec2NodeSource({ ec2: state, network, logger: silentLogger }, { ...scope, clusterName: "myeks" });
    const [primary] = await source.network.networkInterfaces(instance.instanceId);
    assert.deepEqual(primary, {
      networkInterfaceId: instance.primaryNetworkInterfaceId,
      deviceIndex: 0,
      subnetId: instance.subnetId,
      primaryIp: instance.privateIpAddress,
      secondaryIps: [],
    });
    const ips = await source.network.assignPrivateIps(instance.primaryNetworkInterfaceId, 5);
    assert.equal(ips.length, 5);
    const eni = await source.network.attachNetworkInterface(instance.instanceId);
    assert.equal(eni.deviceIndex, 1);
    await source.network.unassignPrivateIps(instance.primaryNetworkInterfaceId, ips.slice(0, 1));
    const enis = await source.network.networkInterfaces(instance.instanceId);
    assert.deepEqual(enis.map((e) => [e.deviceIndex, e.secondaryIps.length]), [[0, 4], [1, 0]]);
  });

  it("shows an instance held by the termination hook as draining; completing the lifecycle action terminates it", async () => {
    const { instances, state, network, scope, clock, launchSpec } = await ec2Fixture(1);
    const mine = await instances.launch(scope, launchSpec({ tags: owned, nodeConfig }));
    const other = await instances.launch(scope, launchSpec({ tags: { "kubernetes.io/cluster/other": "owned" } }));
    const source = ec2NodeSource({ ec2: state, network, logger: silentLogger, instances }, { ...scope, clusterName: "myeks" });
    const seen: NodeInstance[] = [];
    const cancel = source.watchInstances((i) => seen.push(i));
    await settle(() => seen.length > 0);
    const deadline = new Date(clock.now().getTime() + 900_000).toISOString();
    assert.deepEqual(await instances.holdForTermination(scope, [mine.instanceId, other.instanceId], 900_000), [mine.instanceId, other.instanceId]);
    await settle(() => seen.some((i) => i.draining));
    const draining = seen.find((i) => i.draining);
    assert.deepEqual([draining?.state, draining?.drainDeadline], ["pending", deadline]);

    await source.completeLifecycleAction(other.instanceId);
    assert.equal((await state.instances.get(scope, other.instanceId))?.state, "pending", "another cluster's instance is not this source's to let go");
    await source.completeLifecycleAction(mine.instanceId);
    const after = await state.instances.get(scope, mine.instanceId);
    assert.deepEqual([after?.state, after?.lifecycleState], ["shutting-down", "Terminating:Proceed"]);
    await settle(() => seen.some((i) => i.state === "shutting-down"));
    assert.equal(seen.at(-1)?.draining, undefined, "no longer draining once terminating");
    cancel();
  });
});
