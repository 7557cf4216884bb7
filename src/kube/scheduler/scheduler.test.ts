import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { InProcessClient } from "../client/in-process-client.js";
import { SCHEDULER, TestCluster } from "./harness.case.js";
import { POLICY_PDB, PRIORITY_CLASS } from "./testing-descriptors.case.js";

const BOUNDED = { timeout: 60_000 };
let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

async function newCluster(): Promise<TestCluster> {
  cluster = await new TestCluster().init();
  return cluster;
}

const nodeName = (p: StoredObject): string => String((p.spec as { nodeName?: string }).nodeName ?? "");
const condition = (p: StoredObject, type: string) =>
  ((p.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find((c) => c.type === type);

describe("scheduler: binding and the Too many pods message", () => {
  it("schedules pods up to allocatable pods and reports the rest with upstream's exact message", BOUNDED, async () => {
    const c = await newCluster();
    for (const zone of ["a", "b", "c"]) await c.node(`node-${zone}`, { zone: `us-east-1${zone}`, pods: 17 });
    // Two host-network daemons on every node, as aws-node and kube-proxy.
    for (const zone of ["a", "b", "c"]) {
      await c.pod(`aws-node-${zone}`, { nodeName: `node-${zone}` });
      await c.pod(`kube-proxy-${zone}`, { nodeName: `node-${zone}` });
    }
    await c.startScheduler();
    for (let i = 0; i < 47; i++) await c.pod(`web-${String(i).padStart(2, "0")}`, { cpu: "10m" });
    await c.idle();
    const pods = (await c.pods()).filter((p) => p.metadata.name?.startsWith("web-"));
    const bound = pods.filter((p) => nodeName(p));
    const pending = pods.filter((p) => !nodeName(p));
    assert.equal(bound.length, 45);
    assert.equal(pending.length, 2);
    const perNode = new Map<string, number>();
    for (const p of bound) perNode.set(nodeName(p), (perNode.get(nodeName(p)) ?? 0) + 1);
    assert.deepEqual([...perNode.values()], [15, 15, 15]);

    const message = "0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    for (const p of pending) {
      const events = await c.events(p.metadata.name ?? "");
      assert.deepEqual(
        events.map((e) => [e.type, e.reason, e.message]),
        [["Warning", "FailedScheduling", message]],
      );
      const cond = condition(await c.get(p.metadata.name ?? ""), "PodScheduled");
      assert.equal(cond?.status, "False");
      assert.equal(cond?.reason, "Unschedulable");
      assert.equal(cond?.message, message);
    }
    const one = bound[0] as StoredObject;
    assert.deepEqual(
      (await c.events(one.metadata.name ?? "")).map((e) => [e.type, e.reason, e.message]),
      [["Normal", "Scheduled", `Successfully assigned default/${one.metadata.name ?? ""} to ${nodeName(one)}`]],
    );
    assert.equal(condition(await c.get(one.metadata.name ?? ""), "PodScheduled")?.status, "True");
  });
});

/** The FailedScheduling messages of a pod. */
async function failures(c: TestCluster, name: string): Promise<string[]> {
  return (await c.events(name)).filter((e) => e.reason === "FailedScheduling").map((e) => e.message);
}

describe("scheduler: filters name upstream's plugins and reasons", () => {
  it("unschedulable nodes, untolerated taints, node selectors and resources", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("cordoned", { unschedulable: true, zone: "z1" });
    await c.node("tainted", { zone: "z1", taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }] });
    await c.node("small", { zone: "z2", cpu: "500m", memory: "1Gi", labels: { disk: "hdd" } });
    await c.startScheduler();
    await c.pod("big", { cpu: "1", memory: "2Gi" });
    await c.pod("picky", { spec: { nodeSelector: { disk: "ssd" } } });
    await c.pod("tolerant", { cpu: "1", spec: { tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }] } });
    await c.idle();
    assert.deepEqual(await failures(c, "big"), [
      "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    ]);
    assert.deepEqual(await failures(c, "picky"), [
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ]);
    assert.equal(await c.nodeOf("tolerant"), "tainted");
  });

  it("the issue's example: a not-ready taint and node affinity", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("ip-172-31-5-12.ap-northeast-2.compute.internal", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }] });
    await c.node("ip-172-31-6-20.ap-northeast-2.compute.internal", { labels: { tier: "secondary" } });
    await c.node("ip-172-31-7-31.ap-northeast-2.compute.internal", { labels: { tier: "secondary" } });
    await c.startScheduler();
    const affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "tier", operator: "In", values: ["primary"] }] }] } },
    };
    await c.pod("web-abc", { spec: { affinity } });
    await c.idle();
    assert.deepEqual(await failures(c, "web-abc"), [
      "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ]);
    // Labelling a node is a cluster event: the pod is retried (after its 1 s backoff) and lands there.
    await c.admin.patch({ version: "v1", plural: "nodes", name: "ip-172-31-7-31.ap-northeast-2.compute.internal" }, { metadata: { labels: { tier: "primary" } } });
    await c.idle();
    c.clock.advance(1000);
    await c.idle();
    assert.equal(await c.nodeOf("web-abc"), "ip-172-31-7-31.ap-northeast-2.compute.internal");
    const scheduled = (await c.events("web-abc")).filter((e) => e.reason === "Scheduled");
    assert.deepEqual(scheduled.map((e) => e.message), ["Successfully assigned default/web-abc to ip-172-31-7-31.ap-northeast-2.compute.internal"]);
  });

  it("node affinity operators and matchFields", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1", { labels: { gen: "5", arch: "arm64" } });
    await c.node("n2", { labels: { gen: "7" } });
    await c.node("n3", { labels: { gen: "x" } });
    await c.startScheduler();
    const req = (...exprs: Record<string, unknown>[]) => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] } } },
    });
    await c.pod("gt", { spec: req({ key: "gen", operator: "Gt", values: ["6"] }) });
    await c.pod("lt", { spec: req({ key: "gen", operator: "Lt", values: ["6"] }) });
    await c.pod("exists", { spec: req({ key: "arch", operator: "Exists" }) });
    await c.pod("not-in", { spec: req({ key: "gen", operator: "NotIn", values: ["5", "7"] }) });
    await c.pod("missing", { spec: req({ key: "arch", operator: "DoesNotExist" }, { key: "gen", operator: "In", values: ["7"] }) });
    await c.pod("by-name", {
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n3"] }] }] } } } },
    });
    await c.idle();
    assert.equal(await c.nodeOf("gt"), "n2");
    assert.equal(await c.nodeOf("lt"), "n1");
    assert.equal(await c.nodeOf("exists"), "n1");
    assert.equal(await c.nodeOf("not-in"), "n3");
    assert.equal(await c.nodeOf("missing"), "n2");
    assert.equal(await c.nodeOf("by-name"), "n3");
  });

  it("a DaemonSet-style pod pinned to a full node: only that node is evaluated", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1", { cpu: "100m" });
    await c.node("n2");
    await c.node("n3");
    await c.startScheduler();
    const pinned = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }] } } } };
    await c.pod("ds-n1", { cpu: "200m", spec: pinned });
    const gone = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n9"] }] }] } } } };
    await c.pod("ds-n9", { spec: gone });
    await c.pod("after", {});
    await c.idle();
    assert.deepEqual(await failures(c, "ds-n9"), [
      "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ]);
    assert.notEqual(await c.nodeOf("after"), "", "scheduling goes on after a pod that had no node to try");
    assert.deepEqual(await failures(c, "ds-n1"), [
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    ]);
  });

  it("host ports", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("only");
    await c.startScheduler();
    const withPort = { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80, hostPort: 8080 }] }] };
    await c.pod("first", { spec: withPort });
    await c.idle();
    await c.pod("second", { spec: withPort });
    await c.idle();
    assert.equal(await c.nodeOf("first"), "only");
    assert.deepEqual(await failures(c, "second"), [
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });

  it("init containers count by the max rule", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("only", { cpu: "1" });
    await c.startScheduler();
    // Containers 300m + 300m; the init container's 900m is the larger: 900m requested, which fits 1 CPU once.
    const spec = {
      initContainers: [{ name: "init", image: "busybox", resources: { requests: { cpu: "900m" } } }],
      containers: [
        { name: "a", image: "nginx", resources: { requests: { cpu: "300m" } } },
        { name: "b", image: "nginx", resources: { requests: { cpu: "300m" } } },
      ],
    };
    await c.pod("one", { spec });
    await c.idle();
    await c.pod("small", { cpu: "150m" });
    await c.idle();
    assert.equal(await c.nodeOf("one"), "only");
    assert.deepEqual(await failures(c, "small"), [
      "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });
});

describe("scheduler: pods it must leave alone", () => {
  it("ignores other schedulers' pods, pods with a node, and pods being deleted", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1");
    await c.startScheduler();
    await c.pod("other", { spec: { schedulerName: "my-scheduler" } });
    await c.pod("preset", { nodeName: "n1" });
    await c.idle();
    assert.equal(await c.nodeOf("other"), "");
    assert.deepEqual(await c.events("other"), []);
    assert.deepEqual(await c.events("preset"), []);
  });

  it("does not schedule a pod that is being deleted", BOUNDED, async () => {
    const c = await newCluster();
    await c.startScheduler();
    await c.pod("leaving", { metadata: { finalizers: ["example.com/hold"] } });
    await c.idle();
    await c.admin.delete({ version: "v1", plural: "pods", namespace: "default", name: "leaving" });
    await c.node("n1");
    await c.idle();
    c.clock.advance(10_000);
    await c.idle();
    const pod = await c.get("leaving");
    assert.ok(pod.metadata.deletionTimestamp);
    assert.equal(nodeName(pod), "");
  });
});

describe("scheduler: the queue", () => {
  it("a pod waiting for nodes is retried when a node appears", BOUNDED, async () => {
    const c = await newCluster();
    await c.startScheduler();
    await c.pod("early");
    await c.idle();
    assert.deepEqual(await failures(c, "early"), ["no nodes available to schedule pods"]);
    await c.node("late");
    await c.idle();
    assert.equal(await c.nodeOf("early"), "", "still backing off (1 s)");
    c.clock.advance(1000);
    await c.idle();
    assert.equal(await c.nodeOf("early"), "late");
  });

  it("retries unschedulable pods after 5 minutes without any event", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1", { cpu: "100m" });
    await c.startScheduler();
    await c.pod("greedy", { cpu: "1" });
    await c.idle();
    assert.equal((await failures(c, "greedy")).length, 1);
    c.clock.advance(4 * 60_000);
    await c.idle();
    assert.equal((await c.events("greedy"))[0]?.count, 1);
    c.clock.advance(90_000);
    await c.idle();
    assert.equal((await c.events("greedy"))[0]?.count, 2, "the same event, counted again");
  });

  it("higher priority pods are scheduled first", BOUNDED, async () => {
    const c = await newCluster();
    await c.pod("low", { cpu: "1" });
    await c.pod("high", { cpu: "1", spec: { priorityClassName: "system-cluster-critical" } });
    await c.node("n1", { cpu: "1" });
    await c.startScheduler();
    await c.idle();
    assert.equal(await c.nodeOf("high"), "n1");
    assert.equal(await c.nodeOf("low"), "");
  });

  it("a pod that finishes frees its node's room", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1", { pods: 1 });
    await c.startScheduler();
    await c.pod("job", { spec: { restartPolicy: "Never" } });
    await c.idle();
    await c.pod("next");
    await c.idle();
    assert.equal(await c.nodeOf("next"), "");
    const job = await c.get("job");
    await c.admin.update({ version: "v1", plural: "pods", namespace: "default", name: "job", subresource: "status" }, { ...job, status: { ...(job.status as object), phase: "Succeeded" } });
    await c.idle();
    c.clock.advance(1000);
    await c.idle();
    assert.equal(await c.nodeOf("next"), "n1");
  });

  it("a freed node lets a waiting pod in", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1", { pods: 1 });
    await c.startScheduler();
    await c.pod("first");
    await c.idle();
    await c.pod("second");
    await c.idle();
    assert.equal(await c.nodeOf("second"), "");
    await c.admin.delete({ version: "v1", plural: "pods", namespace: "default", name: "first" }, { gracePeriodSeconds: 0 });
    await c.idle();
    c.clock.advance(1000);
    await c.idle();
    assert.equal(await c.nodeOf("second"), "n1");
  });
});

const hostnameAntiAffinity = (app: string) => ({
  affinity: {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: "kubernetes.io/hostname" }],
    },
  },
});

describe("scheduler: inter-pod affinity", () => {
  it("required anti-affinity puts one replica per node and reports the rest", BOUNDED, async () => {
    const c = await newCluster();
    for (const n of ["n1", "n2", "n3"]) await c.node(n);
    await c.startScheduler();
    for (let i = 0; i < 4; i++) await c.pod(`db-${i}`, { labels: { app: "db" }, spec: hostnameAntiAffinity("db") });
    await c.idle();
    const placed = await Promise.all([0, 1, 2, 3].map((i) => c.nodeOf(`db-${i}`)));
    assert.deepEqual(placed.filter(Boolean).sort(), ["n1", "n2", "n3"]);
    assert.equal(placed[3], "");
    assert.deepEqual(await failures(c, "db-3"), [
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    ]);
  });

  it("existing pods' anti-affinity keeps matching pods away", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1");
    await c.startScheduler();
    await c.pod("loner", { labels: { app: "loner" }, spec: hostnameAntiAffinity("web") });
    await c.idle();
    await c.pod("web", { labels: { app: "web" } });
    await c.idle();
    assert.equal(await c.nodeOf("loner"), "n1");
    assert.deepEqual(await failures(c, "web"), [
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });

  it("required affinity follows the pods it names; the first of a self-affine group may go anywhere", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("a1", { zone: "a" });
    await c.node("b1", { zone: "b" });
    await c.node("b2", { zone: "b" });
    await c.startScheduler();
    const withDb = {
      affinity: {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "db" } }, topologyKey: "topology.kubernetes.io/zone" }] },
      },
    };
    await c.pod("orphan", { labels: { app: "web" }, spec: withDb });
    await c.idle();
    assert.deepEqual(await failures(c, "orphan"), [
      "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ]);
    await c.pod("db", { labels: { app: "db" }, spec: { nodeSelector: { "kubernetes.io/hostname": "b2" } } });
    await c.idle();
    // The db pod landing is an event for pods with affinity; after the backoff the web pod follows it into zone b.
    c.clock.advance(1000);
    await c.idle();
    assert.ok(["b1", "b2"].includes(await c.nodeOf("orphan")));
    await c.pod("db-2", { labels: { app: "db" }, spec: withDb });
    await c.idle();
    assert.ok(["b1", "b2"].includes(await c.nodeOf("db-2")));
  });

  it("preferred anti-affinity spreads replicas", BOUNDED, async () => {
    const c = await newCluster();
    for (const n of ["n1", "n2", "n3"]) await c.node(n, { cpu: "64", memory: "256Gi" });
    await c.startScheduler();
    const preferred = {
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: "api" } }, topologyKey: "kubernetes.io/hostname" } }],
        },
      },
    };
    for (let i = 0; i < 3; i++) {
      await c.pod(`api-${i}`, { labels: { app: "api" }, spec: preferred });
      await c.idle();
    }
    const placed = await Promise.all([0, 1, 2].map((i) => c.nodeOf(`api-${i}`)));
    assert.deepEqual([...placed].sort(), ["n1", "n2", "n3"]);
  });
});

describe("scheduler: topology spread", () => {
  it("DoNotSchedule constraints keep the skew within maxSkew and say so", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("a1", { zone: "a" });
    await c.node("b1", { zone: "b", pods: 2 });
    await c.startScheduler();
    const spread = {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "s" } } }],
    };
    for (let i = 0; i < 6; i++) {
      await c.pod(`s-${i}`, { labels: { app: "s" }, spec: spread });
      await c.idle();
    }
    const placed = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => c.nodeOf(`s-${i}`)));
    // b1 holds two pods; a1 may only run one more than zone b.
    assert.equal(placed.filter((n) => n === "b1").length, 2);
    assert.equal(placed.filter((n) => n === "a1").length, 3);
    const pending = [0, 1, 2, 3, 4, 5].filter((i) => placed[i] === "");
    assert.equal(pending.length, 1);
    assert.deepEqual(await failures(c, `s-${pending[0] as number}`), [
      "0/2 nodes are available: 1 Too many pods, 1 node(s) didn't match pod topology spread constraints. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    ]);
  });

  it("nodes without the topology key are reported as missing the label", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("zoned", { zone: "a", cpu: "100m" });
    await c.node("bare");
    await c.startScheduler();
    const spread = {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "s" } } }],
    };
    await c.pod("s", { labels: { app: "s" }, cpu: "1", spec: spread });
    await c.idle();
    assert.deepEqual(await failures(c, "s"), [
      "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
    ]);
  });

  it("minDomains counts missing domains as empty", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("a1", { zone: "a" });
    await c.node("b1", { zone: "b" });
    await c.startScheduler();
    const spread = {
      topologySpreadConstraints: [
        { maxSkew: 1, minDomains: 3, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "m" } } },
      ],
    };
    for (let i = 0; i < 3; i++) {
      await c.pod(`m-${i}`, { labels: { app: "m" }, spec: spread });
      await c.idle();
    }
    const placed = await Promise.all([0, 1, 2].map((i) => c.nodeOf(`m-${i}`)));
    // With fewer than 3 zones the global minimum is 0: each zone takes at most one pod.
    assert.deepEqual([...placed].sort(), ["", "a1", "b1"]);
  });

  it("the system default constraints spread a Service's pods across zones", BOUNDED, async () => {
    // A big node in zone a, a small one in zone b: LeastAllocated alone prefers the big node; the
    // default zone spreading (the pods are selected by a Service) evens the zones out.
    const placeOnSmall = async (withService: boolean, seed: number) => {
      const c = await newCluster();
      await c.node("big", { zone: "a", cpu: "8", memory: "32Gi" });
      await c.node("small", { zone: "b", cpu: "2", memory: "8Gi" });
      if (withService) {
        await c.admin.create({ version: "v1", plural: "services", namespace: "default" }, { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
      }
      await c.startScheduler(seed);
      for (let i = 0; i < 4; i++) {
        await c.pod(`web-${i}`, { labels: { app: "web" }, cpu: "500m" });
        await c.idle();
      }
      const placed = await Promise.all([0, 1, 2, 3].map((i) => c.nodeOf(`web-${i}`)));
      c.stop();
      return placed.filter((n) => n === "small").length;
    };
    for (const seed of [1, 2, 3]) {
      assert.equal(await placeOnSmall(false, seed), 0, `seed ${seed} without a Service`);
      assert.equal(await placeOnSmall(true, seed), 2, `seed ${seed} with a Service`);
    }
  });
});

describe("scheduler: preemption", () => {
  it("evicts lower-priority pods, nominates the node and schedules the preemptor there", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1", { cpu: "1" });
    await c.node("n2", { cpu: "1" });
    await c.startScheduler();
    const quick = { terminationGracePeriodSeconds: 0 };
    await c.pod("low-1", { cpu: "600m", spec: quick });
    await c.pod("low-2", { cpu: "600m", spec: quick });
    await c.idle();
    const victimsBefore = new Map([
      [await c.nodeOf("low-1"), "low-1"],
      [await c.nodeOf("low-2"), "low-2"],
    ]);
    assert.equal(victimsBefore.size, 2);
    const watched: StoredObject[] = [];
    const watch = c.admin.watch({ version: "v1", plural: "pods", namespace: "default" }, {}, (e) => watched.push(e.object), () => {});
    const preemptor = await c.pod("vip", { cpu: "800m", spec: { priorityClassName: "system-cluster-critical" } });
    await c.idle();
    c.clock.advance(1000);
    await c.idle();
    watch.cancel();
    const node = await c.nodeOf("vip");
    assert.ok(["n1", "n2"].includes(node));
    const victim = victimsBefore.get(node) as string;
    await assert.rejects(c.get(victim), /not found/);
    assert.deepEqual(
      (await c.events(victim)).filter((e) => e.reason === "Preempted").map((e) => e.message),
      [`Preempted by pod ${preemptor.metadata.uid ?? ""} on node ${node}`],
    );
    const disruption = watched
      .filter((p) => p.metadata.name === victim)
      .map((p) => condition(p, "DisruptionTarget"))
      .find(Boolean);
    assert.equal(disruption?.reason, "PreemptionByScheduler");
    assert.equal(disruption?.message, "default-scheduler: preempting to accommodate a higher priority pod");
    const nominated = watched.filter((p) => p.metadata.name === "vip").map((p) => (p.status as { nominatedNodeName?: string }).nominatedNodeName);
    assert.ok(nominated.includes(node), "status.nominatedNodeName was set");
    assert.deepEqual(await failures(c, "vip"), ["0/2 nodes are available: 2 Insufficient cpu."]);
  });

  it("preemptionPolicy Never waits instead", BOUNDED, async () => {
    cluster = await new TestCluster([PRIORITY_CLASS]).init();
    const c = cluster;
    await c.admin.create(
      { group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" },
      { metadata: { name: "polite" }, value: 1000, preemptionPolicy: "Never" },
    );
    await c.node("n1", { cpu: "1" });
    await c.startScheduler();
    await c.pod("low", { cpu: "600m" });
    await c.idle();
    await c.pod("waiter", { cpu: "800m", spec: { priorityClassName: "polite" } });
    await c.idle();
    assert.equal(await c.nodeOf("low"), "n1");
    assert.deepEqual(await failures(c, "waiter"), ["0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."]);
  });

  it("respects PodDisruptionBudgets when choosing victims", BOUNDED, async () => {
    cluster = await new TestCluster([POLICY_PDB]).init();
    const c = cluster;
    await c.node("n1", { cpu: "1" });
    await c.node("n2", { cpu: "1" });
    await c.startScheduler();
    const quick = { terminationGracePeriodSeconds: 0 };
    await c.pod("guarded", { cpu: "600m", labels: { app: "guarded" }, spec: { ...quick, nodeName: "n1" } });
    await c.pod("free", { cpu: "600m", labels: { app: "free" }, spec: { ...quick, nodeName: "n2" } });
    await c.admin.create(
      { group: "policy", version: "v1", plural: "poddisruptionbudgets", namespace: "default" },
      { metadata: { name: "guarded" }, spec: { selector: { matchLabels: { app: "guarded" } }, maxUnavailable: 0 }, status: { disruptionsAllowed: 0 } },
    );
    await c.idle();
    await c.pod("vip", { cpu: "800m", spec: { priorityClassName: "system-node-critical" } });
    await c.idle();
    c.clock.advance(1000);
    await c.idle();
    assert.equal(await c.nodeOf("vip"), "n2");
    assert.equal(await c.nodeOf("guarded"), "n1");
    await assert.rejects(c.get("free"), /not found/);
  });
});

describe("scheduler: binding conflicts", () => {
  it("a pod bound by someone else meanwhile is not placed twice", BOUNDED, async () => {
    const c = await newCluster();
    await c.node("n1");
    await c.node("n2");
    // A client whose first binding loses a race: another binder assigns the pod to n2 just before.
    class Racing extends InProcessClient {
      raced = false;
      override async request<T>(method: string, path: string, options?: { query?: Record<string, string>; body?: unknown; contentType?: string }): Promise<T> {
        if (!this.raced && path.endsWith("/binding")) {
          this.raced = true;
          await c.admin.request("POST", path, { body: { metadata: { name: "contested" }, target: { kind: "Node", name: "n2" } } });
        }
        return super.request<T>(method, path, options);
      }
    }
    const racing = new Racing(c.handler, SCHEDULER);
    await c.startScheduler(1, racing);
    await c.pod("contested");
    await c.idle();
    c.clock.advance(10_000);
    await c.idle();
    assert.equal(await c.nodeOf("contested"), "n2");
    const failed = await failures(c, "contested");
    assert.equal(failed.length, 1);
    assert.match(failed[0] as string, /^running Bind plugin "DefaultBinder": Operation cannot be fulfilled on pods\/binding "contested": pod contested is already assigned to node "n2"$/);
    // The cache holds the pod once, on the node the API says.
    assert.equal(c.scheduler?.cache.nodes.get("n2")?.podCount, 1);
    assert.equal(c.scheduler?.cache.nodes.get("n1")?.podCount ?? 0, 0);
  });
});
