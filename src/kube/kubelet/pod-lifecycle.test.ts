import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { boundPod, conditionOf, containerStatus, startHarness, statusOf, type Harness } from "./harness.case.js";

const BOUNDED = { timeout: 30_000 };
type Json = Record<string, unknown>;
const statusWrites = (h: Harness, name: string) => h.writes.filter((w) => w.startsWith(`PATCH /api/v1/namespaces/default/pods/${name}/status `)).length;
/** The events about a pod, in the order they were recorded. */
const eventsOf = async (h: Harness, name: string) =>
  (await h.events()).filter((e) => (e.involvedObject as Json).name === name).sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
const reasons = async (h: Harness, name: string) => (await eventsOf(h, name)).map((e) => e.reason);

async function withNode(options: Parameters<typeof startHarness>[0] = {}, type = "t3.medium") {
  const h = await startHarness(options);
  const instance = h.source.addInstance({ type });
  await h.settle();
  return { h, node: instance.privateDnsName, instance };
}

describe("pod stages", BOUNDED, () => {
  it("a plain pod: ContainerCreating with its address, then Running and Ready, in two status writes (time scale 1)", async () => {
    const { h, node } = await withNode({ timeScale: 1 });
    await h.createPod(boundPod("web", node));
    await h.settle();
    assert.equal(statusOf(await h.pod("web")).phase, "Pending", "nothing reported before the sandbox exists");
    assert.equal(statusWrites(h, "web"), 0);

    await h.advance(500, 500);
    let pod = await h.pod("web");
    assert.equal(statusOf(pod).phase, "Pending");
    assert.deepEqual((containerStatus(pod).state as Json).waiting, { reason: "ContainerCreating" });
    assert.equal(containerStatus(pod).ready, false);
    assert.equal(containerStatus(pod).started, false);
    assert.equal(containerStatus(pod).image, "nginx:1.27");
    assert.equal(containerStatus(pod).imageID, "");
    assert.equal(conditionOf(pod, "PodReadyToStartContainers")?.status, "True");
    assert.equal(conditionOf(pod, "Ready")?.status, "False");
    assert.equal(conditionOf(pod, "Ready")?.reason, "ContainersNotReady");
    assert.equal(conditionOf(pod, "Ready")?.message, "containers with unready status: [nginx]");
    assert.match(String(statusOf(pod).podIP), /^192\.168\.1\.\d+$/);
    assert.equal(statusOf(pod).hostIP, "192.168.1.10");
    assert.deepEqual(statusOf(pod).hostIPs, [{ ip: "192.168.1.10" }]);
    assert.equal(statusOf(pod).startTime, "2026-01-01T00:00:00Z");

    // sandbox 0.5 s + pull 1.2 s + create/start 0.3 s
    await h.advance(1400, 100);
    assert.equal(statusOf(await h.pod("web")).phase, "Pending");
    await h.advance(100, 100);
    pod = await h.pod("web");
    const status = statusOf(pod);
    assert.equal(status.phase, "Running");
    assert.deepEqual((containerStatus(pod).state as Json).running, { startedAt: "2026-01-01T00:00:02Z" });
    assert.equal(containerStatus(pod).ready, true);
    assert.equal(containerStatus(pod).started, true);
    assert.equal(containerStatus(pod).restartCount, 0);
    assert.equal(containerStatus(pod).image, "docker.io/library/nginx:1.27");
    assert.match(String(containerStatus(pod).imageID), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(String(containerStatus(pod).containerID), /^containerd:\/\/[0-9a-f]{64}$/);
    assert.deepEqual(
      (status.conditions as Json[]).map((c) => [c.type, c.status]),
      [["PodReadyToStartContainers", "True"], ["Initialized", "True"], ["Ready", "True"], ["ContainersReady", "True"], ["PodScheduled", "True"]],
    );
    assert.equal(conditionOf(pod, "Ready")?.reason, undefined, "the reason goes once Ready");
    assert.equal(conditionOf(pod, "Ready")?.lastTransitionTime, "2026-01-01T00:00:02Z");
    assert.equal(status.qosClass, "BestEffort", "fields the kubelet does not own stay");
    assert.deepEqual(status.podIPs, [{ ip: status.podIP }]);
    assert.equal(statusWrites(h, "web"), 2);

    await h.advance(60_000, 10_000);
    assert.equal(statusWrites(h, "web"), 2, "a running pod is not rewritten");
    assert.deepEqual(await reasons(h, "web"), ["Pulling", "Pulled", "Created", "Started"]);
    const pulled = (await h.events()).find((e) => e.reason === "Pulled");
    assert.match(String(pulled?.message), /^Successfully pulled image "nginx:1\.27" in 1\.2s \(1\.2s including waiting\)\. Image size: \d+ bytes\.$/);
    assert.deepEqual(pulled?.source, { component: "kubelet", host: node });
    h.stop();
  });

  it("at time scale 0 a pod is Running and Ready at once, in one write", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("web", node));
    await h.settle();
    const pod = await h.pod("web");
    assert.equal(statusOf(pod).phase, "Running");
    assert.equal(conditionOf(pod, "Ready")?.status, "True");
    assert.equal(statusWrites(h, "web"), 1);
    h.stop();
  });

  it("the image is pulled once per node; later pods find it present", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("a", node));
    await h.settle();
    await h.createPod(boundPod("b", node));
    await h.settle();
    const b = await eventsOf(h, "b");
    assert.deepEqual(b.map((e) => e.reason), ["Pulled", "Created", "Started"]);
    assert.equal(b[0]?.message, 'Container image "nginx:1.27" already present on machine');
    h.stop();
  });

  it("ready-delay keeps a running container unready for that long (a third write)", async () => {
    const { h, node } = await withNode({ timeScale: 1 });
    await h.createPod(boundPod("slow", node, { annotations: { "minieks.io/ready-delay": "10s", "minieks.io/start-delay": "5s" } }));
    await h.settle();
    await h.advance(7000, 500);
    let pod = await h.pod("slow");
    assert.equal(statusOf(pod).phase, "Running", "started after 0.5 + 1.2 + 0.3 + 5 s");
    assert.equal(containerStatus(pod).ready, false);
    assert.equal(conditionOf(pod, "ContainersReady")?.status, "False");
    await h.advance(9500, 500);
    assert.equal(containerStatus(await h.pod("slow")).ready, false);
    await h.advance(500, 500);
    pod = await h.pod("slow");
    assert.equal(containerStatus(pod).ready, true);
    assert.equal(conditionOf(pod, "Ready")?.lastTransitionTime, "2026-01-01T00:00:17Z");
    assert.equal(statusWrites(h, "slow"), 3);
    h.stop();
  });

  it("init containers run to completion, one after the other, before the containers start", async () => {
    const { h, node } = await withNode({ timeScale: 1 });
    await h.createPod(
      boundPod("init", node, {
        annotations: { "minieks.io/run-for.setup": "3s", "minieks.io/run-for.migrate": "2s" },
        spec: {
          initContainers: [
            { name: "setup", image: "busybox:1.36" },
            { name: "migrate", image: "busybox:1.36" },
          ],
        },
      }),
    );
    await h.settle();
    await h.advance(2000, 500);
    let pod = await h.pod("init");
    assert.equal(statusOf(pod).phase, "Pending");
    assert.deepEqual((containerStatus(pod, "setup", true).state as Json).running, { startedAt: "2026-01-01T00:00:02Z" });
    assert.deepEqual((containerStatus(pod, "migrate", true).state as Json).waiting, { reason: "PodInitializing" });
    assert.deepEqual((containerStatus(pod).state as Json).waiting, { reason: "PodInitializing" });
    assert.equal(conditionOf(pod, "Initialized")?.message, "containers with incomplete status: [setup migrate]");

    await h.advance(3500, 500);
    pod = await h.pod("init");
    assert.deepEqual((containerStatus(pod, "setup", true).state as Json).terminated, {
      exitCode: 0,
      reason: "Completed",
      startedAt: "2026-01-01T00:00:02Z",
      finishedAt: "2026-01-01T00:00:05Z",
      containerID: containerStatus(pod, "setup", true).containerID,
    });
    assert.ok((containerStatus(pod, "migrate", true).state as Json).running, "the second init container runs (image already present)");

    // migrate: present image, started at 5.3 s, done at 7.3 s; nginx: pulled 8.5 s, started 8.8 s.
    await h.advance(3500, 500);
    pod = await h.pod("init");
    assert.equal(conditionOf(pod, "Initialized")?.status, "True");
    assert.equal(statusOf(pod).phase, "Running");
    assert.ok((containerStatus(pod).state as Json).running);
    h.stop();
  });

  it("an init container without annotations completes at once, as aws-node's aws-vpc-cni-init does", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("plain-init", node, { spec: { initContainers: [{ name: "aws-vpc-cni-init", image: "busybox:1.36" }] } }));
    await h.settle();
    const pod = await h.pod("plain-init");
    assert.equal(statusOf(pod).phase, "Running");
    assert.equal(((containerStatus(pod, "aws-vpc-cni-init", true).state as Json).terminated as Json).reason, "Completed");
    assert.equal(conditionOf(pod, "Initialized")?.status, "True");
    h.stop();
  });

  it("hostNetwork pods use the node's address and take none from the pool", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("hostnet", node, { spec: { hostNetwork: true } }));
    await h.settle();
    const pod = await h.pod("hostnet");
    assert.equal(statusOf(pod).podIP, "192.168.1.10");
    assert.equal(h.fleet.agent(node)?.ipam.stats().assigned, 0);
    h.stop();
  });

  it("leaves pods on nodes it does not run alone", async () => {
    const { h } = await withNode();
    await h.createPod(boundPod("elsewhere", "ip-10-0-0-1.ec2.internal"));
    await h.settle();
    assert.equal(statusOf(await h.pod("elsewhere")).phase, "Pending");
    assert.equal(statusWrites(h, "elsewhere"), 0);
    h.stop();
  });
});

describe("run to completion and restarts", BOUNDED, () => {
  const job = (name: string, node: string, restartPolicy: string, annotations: Record<string, string> = {}) =>
    boundPod(name, node, {
      annotations,
      labels: { "batch.kubernetes.io/job-name": "batch" },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "batch", uid: "0b1c", controller: true, blockOwnerDeletion: true }],
      spec: { restartPolicy, containers: [{ name: "work", image: "busybox:1.36" }] },
    });

  it("a Job pod succeeds, its container terminated with exit code 0, and gives its address back", async () => {
    const { h, node } = await withNode();
    await h.createPod(job("done", node, "Never"));
    await h.settle();
    const pod = await h.pod("done");
    assert.equal(statusOf(pod).phase, "Succeeded");
    const terminated = (containerStatus(pod, "work").state as Json).terminated as Json;
    assert.equal(terminated.exitCode, 0);
    assert.equal(terminated.reason, "Completed");
    assert.equal(conditionOf(pod, "Ready")?.reason, "PodCompleted");
    assert.equal(conditionOf(pod, "ContainersReady")?.reason, "PodCompleted");
    assert.equal(conditionOf(pod, "PodReadyToStartContainers")?.status, "False");
    assert.equal(h.fleet.agent(node)?.ipam.stats().assigned, 0);
    h.stop();
  });

  it("run-for keeps a Job pod running that long", async () => {
    const { h, node } = await withNode();
    await h.createPod(job("long", node, "Never", { "minieks.io/run-for": "30s" }));
    await h.settle();
    assert.equal(statusOf(await h.pod("long")).phase, "Running");
    await h.advance(29_000, 1000);
    assert.equal(statusOf(await h.pod("long")).phase, "Running");
    await h.advance(1000);
    assert.equal(statusOf(await h.pod("long")).phase, "Succeeded");
    h.stop();
  });

  it("restartPolicy Never with a failing exit code: Failed, reason Error", async () => {
    const { h, node } = await withNode();
    await h.createPod(job("fail", node, "Never", { "minieks.io/exit-code": "2" }));
    await h.settle();
    const pod = await h.pod("fail");
    assert.equal(statusOf(pod).phase, "Failed");
    const terminated = (containerStatus(pod, "work").state as Json).terminated as Json;
    assert.deepEqual([terminated.exitCode, terminated.reason], [2, "Error"]);
    assert.equal(conditionOf(pod, "Ready")?.reason, "PodFailed");
    h.stop();
  });

  it("restartPolicy OnFailure restarts a failing container and leaves a succeeding one done", async () => {
    const { h, node } = await withNode();
    await h.createPod(job("retry", node, "OnFailure", { "minieks.io/exit-code": "1" }));
    await h.createPod(job("ok", node, "OnFailure"));
    await h.settle();
    const retry = await h.pod("retry");
    assert.equal(statusOf(retry).phase, "Running");
    assert.equal(containerStatus(retry, "work").restartCount, 1);
    assert.equal((((containerStatus(retry, "work").lastState as Json).terminated as Json).exitCode), 1);
    assert.equal(statusOf(await h.pod("ok")).phase, "Succeeded");
    h.stop();
  });

  it("a crashing container loops with CrashLoopBackOff: restarts at once, then after 10 s, 20 s, 40 s …", async () => {
    const { h, node } = await withNode();
    const created = await h.createPod(boundPod("crash", node, { annotations: { "minieks.io/crash": "true" } }));
    await h.settle();
    let pod = await h.pod("crash");
    const cs = () => containerStatus(pod);
    assert.equal(statusOf(pod).phase, "Running");
    assert.equal(cs().restartCount, 1);
    assert.deepEqual((cs().state as Json).waiting, {
      reason: "CrashLoopBackOff",
      message: `back-off 10s restarting failed container=nginx pod=crash_default(${created.metadata.uid})`,
    });
    const last = (cs().lastState as Json).terminated as Json;
    assert.deepEqual([last.exitCode, last.reason], [1, "Error"]);
    assert.equal(cs().ready, false);

    const restartsAt = async (ms: number) => {
      await h.advance(ms, 1000);
      pod = await h.pod("crash");
      return cs().restartCount;
    };
    assert.equal(await restartsAt(9000), 1);
    assert.equal(await restartsAt(1000), 2, "restarted 10 s after the second exit");
    assert.match(String(((cs().state as Json).waiting as Json).message), /^back-off 20s /);
    assert.equal(await restartsAt(19_000), 2);
    assert.equal(await restartsAt(1000), 3);
    assert.equal(await restartsAt(39_000), 3);
    assert.equal(await restartsAt(1000), 4);
    const backOff = (await h.events()).find((e) => e.reason === "BackOff");
    assert.equal(backOff?.type, "Warning");
    assert.equal(backOff?.message, `Back-off restarting failed container nginx in pod crash_default(${created.metadata.uid})`);
    assert.equal(backOff?.count, 4);
    h.stop();
  });

  it("the back-off stops doubling at 5 minutes", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("crash", node, { annotations: { "minieks.io/crash": "true" } }));
    await h.settle();
    // 10 + 20 + 40 + 80 + 160 = 310 s of back-off, then 300 s steps.
    await h.advance(310_000, 10_000);
    let waiting = (containerStatus(await h.pod("crash")).state as Json).waiting as Json;
    assert.match(String(waiting.message), /^back-off 5m0s /);
    await h.advance(300_000, 10_000);
    waiting = (containerStatus(await h.pod("crash")).state as Json).waiting as Json;
    assert.match(String(waiting.message), /^back-off 5m0s /);
    assert.equal(containerStatus(await h.pod("crash")).restartCount, 7);
    h.stop();
  });
});

describe("deletion", BOUNDED, () => {
  it("a deleted pod is killed (Killing), reported terminated, and removed by the kubelet with grace period 0", async () => {
    const { h, node } = await withNode({ timeScale: 1 });
    await h.createPod(boundPod("web", node));
    await h.advance(3000, 500);
    const ip = String(statusOf(await h.pod("web")).podIP);
    assert.equal(h.fleet.agent(node)?.ipam.addressOf("default/web"), ip);
    await h.admin.delete({ version: "v1", plural: "pods", namespace: "default", name: "web" });
    await h.settle();
    assert.ok((await h.pod("web")).metadata.deletionTimestamp, "terminating while the container stops");
    await h.advance(500, 500);
    await assert.rejects(h.pod("web"), /not found/);
    const killing = (await h.events()).find((e) => e.reason === "Killing");
    assert.equal(killing?.message, "Stopping container nginx");
    assert.ok(h.writes.some((w) => w.startsWith(`DELETE /api/v1/namespaces/default/pods/web system:node:${node}`)));
    assert.equal(h.fleet.agent(node)?.ipam.addressOf("default/web"), undefined, "its address went back to the pool");
    h.stop();
  });
});

describe("addresses", BOUNDED, () => {
  it("each pod gets a secondary IP of one of its node's ENIs, within the t3.medium limits; the 16th waits with FailedCreatePodSandBox", async () => {
    const { h, node, instance } = await withNode({}, "t3.medium");
    for (let i = 1; i <= 16; i++) await h.createPod(boundPod(`p${i}`, node));
    await h.settle();
    const pods: StoredObject[] = [];
    for (let i = 1; i <= 16; i++) pods.push(await h.pod(`p${i}`));
    const running = pods.filter((p) => statusOf(p).phase === "Running");
    assert.equal(running.length, 15);
    const enis = h.source.interfaces(instance.instanceId);
    assert.equal(enis.length, 3);
    const ips = running.map((p) => String(statusOf(p).podIP));
    assert.equal(new Set(ips).size, 15);
    for (const ip of ips) assert.ok(enis.some((e) => e.secondaryIps.includes(ip)), `${ip} on an ENI`);

    const waiting = pods.find((p) => statusOf(p).phase !== "Running");
    assert.ok(waiting);
    const name = String(waiting.metadata.name);
    assert.equal(statusOf(waiting).phase, "Pending");
    assert.equal(statusOf(waiting).podIP, undefined);
    assert.deepEqual((containerStatus(waiting).state as Json).waiting, { reason: "ContainerCreating" });
    const failed = (await h.events()).find((e) => e.reason === "FailedCreatePodSandBox" && (e.involvedObject as Json).name === name);
    assert.equal(failed?.type, "Warning");
    assert.match(
      String(failed?.message),
      /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="aws-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container$/,
    );

    // Deleting a running pod frees its address; the waiting pod takes it.
    const victim = String(running[0]?.metadata.name);
    const freed = String(statusOf(running[0] as StoredObject).podIP);
    await h.admin.delete({ version: "v1", plural: "pods", namespace: "default", name: victim });
    await h.advance(1000);
    const now = await h.pod(name);
    assert.equal(statusOf(now).phase, "Running");
    assert.equal(statusOf(now).podIP, freed);
    h.stop();
  });

  it("a retry every 10 s repeats the sandbox failure (counted on one event)", async () => {
    const { h, node } = await withNode({}, "t3.medium");
    for (let i = 1; i <= 16; i++) await h.createPod(boundPod(`p${i}`, node));
    await h.settle();
    await h.advance(30_000, 10_000);
    const failed = (await h.events()).filter((e) => e.reason === "FailedCreatePodSandBox");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.count, 4);
    h.stop();
  });
});

describe("kubelet admission", BOUNDED, () => {
  it("refuses the 18th pod on a t3.medium: Failed, OutOfpods", async () => {
    const { h, node } = await withNode();
    for (let i = 1; i <= 18; i++) await h.createPod(boundPod(`h${i}`, node, { spec: { hostNetwork: true } }));
    await h.settle();
    const phases = [];
    for (let i = 1; i <= 18; i++) phases.push(statusOf(await h.pod(`h${i}`)));
    const rejected = phases.filter((s) => s.phase === "Failed");
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.reason, "OutOfpods");
    assert.equal(rejected[0]?.message, "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 17, capacity: 17");
    const event = (await h.events()).find((e) => e.reason === "OutOfpods");
    assert.equal(event?.message, "Node didn't have enough resource: pods, requested: 1, used: 17, capacity: 17");
    h.stop();
  });

  it("refuses a pod asking for more CPU than allocatable (OutOfcpu) and one whose node selector does not match (NodeAffinity)", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("big", node, { spec: { containers: [{ name: "nginx", image: "nginx", resources: { requests: { cpu: "3" } } }] } }));
    await h.createPod(boundPod("picky", node, { spec: { nodeSelector: { tier: "gpu" } } }));
    await h.settle();
    const big = statusOf(await h.pod("big"));
    assert.deepEqual([big.phase, big.reason, big.message], ["Failed", "OutOfcpu", "Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 0, capacity: 1930"]);
    assert.equal(big.qosClass, "Burstable");
    const picky = statusOf(await h.pod("picky"));
    assert.deepEqual([picky.phase, picky.reason, picky.message], ["Failed", "NodeAffinity", "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"]);
    h.stop();
  });

  it("admits a pod whose selector matches a label added to the node later", async () => {
    const { h, node } = await withNode();
    await h.admin.patch({ version: "v1", plural: "nodes", name: node }, { metadata: { labels: { tier: "gpu" } } });
    await h.settle();
    await h.createPod(boundPod("picky", node, { spec: { nodeSelector: { tier: "gpu" } } }));
    await h.settle();
    assert.equal(statusOf(await h.pod("picky")).phase, "Running");
    h.stop();
  });
});

describe("restart of minieks", BOUNDED, () => {
  it("a new fleet over the same storage and instances continues: addresses, restart counts and timers survive", async () => {
    const { h, node } = await withNode();
    for (let i = 1; i <= 6; i++) await h.createPod(boundPod(`p${i}`, node));
    await h.createPod(boundPod("crash", node, { annotations: { "minieks.io/crash": "true" } }));
    await h.settle();
    const before = new Map<string, string>();
    for (let i = 1; i <= 6; i++) before.set(`p${i}`, String(statusOf(await h.pod(`p${i}`)).podIP));
    h.stop();

    const again = await startHarness({ restartFrom: h });
    await again.settle();
    for (let i = 1; i <= 6; i++) assert.equal(String(statusOf(await again.pod(`p${i}`)).podIP), before.get(`p${i}`));
    assert.equal(again.writes.filter((w) => w.includes("/pods/p") && w.includes("/status")).length, 0, "running pods are not rewritten");
    await again.createPod(boundPod("p7", node));
    await again.settle();
    const p7 = String(statusOf(await again.pod("p7")).podIP);
    assert.ok(p7 && ![...before.values()].includes(p7), `a new pod gets a free address (${p7})`);
    await again.advance(10_000);
    assert.equal(containerStatus(await again.pod("crash")).restartCount, 2, "the back-off continues where it was");
    again.stop();
  });
});
