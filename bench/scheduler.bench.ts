import { systemClock } from "../src/shared/clock.js";
import { silentLogger } from "../src/shared/logger.js";
import { MemoryStorage } from "../src/storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../src/kube/api/core-lifecycle.js";
import { CORE_V1 } from "../src/kube/api/core-v1.js";
import { APPS_V1 } from "../src/kube/api/apps-v1.js";
import { withWorkloadLifecycle } from "../src/kube/api/workload-lifecycle.js";
import type { StoredObject, UserInfo } from "../src/kube/api/types.js";
import { priorityAdmission } from "../src/kube/apiserver/admission/priority.js";
import { ApiHandler } from "../src/kube/apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../src/kube/apiserver/auth/authorizer.js";
import { InProcessClient } from "../src/kube/client/in-process-client.js";
import { Scheduler } from "../src/kube/scheduler/scheduler.js";
import { fmt, msSince, now, printTable, runBench } from "./lib.js";

// kube-scheduler throughput on a big cluster, in one process through the in-process client (the
// way the scheduler runs inside minieks): 5,000 Node objects shaped like EKS m5.large nodes, then
// pods, each counted as bound when a watch on pods shows its spec.nodeName. Two ways:
//  - backlog: the pods exist before the scheduler starts (it lists them, then drains the queue);
//  - stream: the scheduler runs while the pods are created (creation competes for the same CPU).
// Every binding goes through pods/binding and emits a Scheduled event, as upstream.
const NODES = Number(process.env.SCHED_BENCH_NODES ?? 5000);
const PODS = Number(process.env.SCHED_BENCH_PODS ?? 1000);
const CREATE_CONCURRENCY = 64;
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const SCHEDULER_USER: UserInfo = { username: "system:kube-scheduler", groups: [SYSTEM_MASTERS, "system:authenticated"] };

/**
 * An m5.large as EKS registers it: 2 vCPU, 8 GiB, max pods 3 ENIs × (10 − 1) + 2 = 29; allocatable
 * after EKS's kube-reserved CPU (70m) and memory (255 MiB + 11 MiB × 29 pods) and 100 MiB eviction.
 */
function m5Large(i: number): StoredObject {
  const zone = ZONES[i % ZONES.length] as string;
  const name = `ip-10-${Math.floor(i / 250)}-${i % 250}-${(i * 7) % 250}.ec2.internal`;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": "m5.large",
        "topology.kubernetes.io/region": "us-east-1",
        "topology.kubernetes.io/zone": zone,
        "eks.amazonaws.com/nodegroup": "bench",
        "eks.amazonaws.com/capacityType": "ON_DEMAND",
      },
    },
    spec: { providerID: `aws:///${zone}/i-${i.toString(16).padStart(17, "0")}` },
    status: {
      capacity: { cpu: "2", memory: "7869196Ki", pods: "29", "ephemeral-storage": "20959212Ki" },
      allocatable: { cpu: "1930m", memory: "7176012Ki", pods: "29", "ephemeral-storage": "18242267924" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }],
    },
  };
}

/** A pod; with `owner`, one a ReplicaSet controls (as a Deployment's are), which turns on the default topology spreading. */
function pod(name: string, owner?: StoredObject): StoredObject {
  const ownerReferences = owner && [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: owner ? "web" : "bench" }, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { containers: [{ name: "app", image: "public.ecr.aws/nginx/nginx:1.27", resources: { requests: { cpu: "100m", memory: "128Mi" } } }] },
  } as StoredObject;
}

/** CPU time (user + system) of this process since `since`, in ms: steadier than wall time on a busy machine. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

interface Cluster {
  handler: ApiHandler;
  admin: InProcessClient;
}

async function newCluster(): Promise<Cluster> {
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/bench/registry",
    descriptors: withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1])),
    clock: systemClock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:443",
    admission: (h) => [priorityAdmission(h).plugin()],
  });
  const admin = new InProcessClient(handler, ADMIN);
  await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  return { handler, admin };
}

/** Resolves when `count` pods named with `prefix` have been seen bound by a watch. */
function boundWatcher(admin: InProcessClient, prefix: string, count: number, timeoutMs: number): { done: Promise<number>; cancel(): void } {
  const seen = new Set<string>();
  let resolve!: (t: number) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<number>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error(`only ${seen.size}/${count} pods bound after ${timeoutMs} ms`)), timeoutMs);
  const watch = admin.watch(
    { version: "v1", plural: "pods", namespace: "default" },
    {},
    (event) => {
      const p = event.object;
      if (!p.metadata.name?.startsWith(prefix) || !(p.spec as { nodeName?: string } | undefined)?.nodeName) return;
      seen.add(p.metadata.name);
      if (seen.size === count) {
        clearTimeout(timer);
        resolve(performance.now());
      }
    },
    () => {},
  );
  return { done, cancel: () => (clearTimeout(timer), watch.cancel()) };
}

function startScheduler(cluster: Cluster): Scheduler {
  return new Scheduler(new InProcessClient(cluster.handler, SCHEDULER_USER), {
    clock: systemClock,
    logger: silentLogger,
    serves: (group, _v, plural) => (group === "" && plural === "services") || (group === "apps" && plural === "replicasets"),
  }).start();
}

const WARMUP_PODS = 500;

/** Creates `count` pods named `prefix-i` while a scheduler runs; resolves with wall and CPU ms until all are bound. */
async function stream(cluster: Cluster, prefix: string, count: number, owner?: StoredObject): Promise<{ ms: number; cpuMs: number; createMs: number }> {
  const watch = boundWatcher(cluster.admin, `${prefix}-`, count, 120_000);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await pool(count, CREATE_CONCURRENCY, (i) => cluster.admin.create({ version: "v1", plural: "pods", namespace: "default" }, pod(`${prefix}-${i}`, owner)));
  const createMs = performance.now() - start;
  const end = await watch.done;
  watch.cancel();
  return { ms: end - start, cpuMs: cpuMsSince(cpu), createMs };
}

runBench("scheduler", 300_000, async () => {
  const cluster = await newCluster();
  let t = now();
  await pool(NODES, CREATE_CONCURRENCY, (i) => cluster.admin.create({ version: "v1", plural: "nodes" }, m5Large(i)));
  const nodesMs = msSince(t);

  // Stream: the scheduler runs while pods are created (after a warm-up batch, so the JIT has compiled the hot paths).
  const first = startScheduler(cluster);
  await first.synced();
  await stream(cluster, "warmup", WARMUP_PODS);
  const streamed = await stream(cluster, "stream", PODS);
  // The same, for pods a ReplicaSet owns: PodTopologySpread scores every node by its zone's and its own matching pods.
  const replicaSet = await cluster.admin.create(
    { group: "apps", version: "v1", plural: "replicasets", namespace: "default" },
    { metadata: { name: "web" }, spec: { replicas: PODS, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx" }] } } } },
  );
  const owned = await stream(cluster, "owned", PODS, replicaSet);
  // Let its deferred Scheduled events be written before the next phase is measured.
  while (first.pendingEvents > 0 || first.inFlightBindings > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50));
  first.stop();

  // Backlog: the pods exist before a fresh scheduler starts; it lists them, then drains its queue.
  t = now();
  await pool(PODS, CREATE_CONCURRENCY, (i) => cluster.admin.create({ version: "v1", plural: "pods", namespace: "default" }, pod(`backlog-${i}`)));
  const backlogCreateMs = msSince(t);
  const backlogWatch = boundWatcher(cluster.admin, "backlog-", PODS, 120_000);
  const cpu = process.cpuUsage();
  const backlogStart = performance.now();
  const second = startScheduler(cluster);
  await second.synced();
  const syncedAt = performance.now();
  const backlogEnd = await backlogWatch.done;
  backlogWatch.cancel();
  const backlogCpuMs = cpuMsSince(cpu);
  second.stop();
  const syncMs = syncedAt - backlogStart;
  const drainMs = backlogEnd - syncedAt;

  const perSecond = (n: number, ms: number) => fmt((n / ms) * 1000, 0);
  printTable(
    `Scheduling on ${NODES} m5.large nodes (nodes created in ${fmt(nodesMs)} ms; ${WARMUP_PODS} warm-up pods first)`,
    ["mode", "pods", "ms to all bound", "pods/s", "CPU ms", "pods/CPU-s", "note"],
    [
      ["stream: pods created while it runs", PODS, fmt(streamed.ms), perSecond(PODS, streamed.ms), fmt(streamed.cpuMs), perSecond(PODS, streamed.cpuMs), `creating them took ${fmt(streamed.createMs)} ms`],
      ["stream: ReplicaSet's pods (default spreading)", PODS, fmt(owned.ms), perSecond(PODS, owned.ms), fmt(owned.cpuMs), perSecond(PODS, owned.cpuMs), `creating them took ${fmt(owned.createMs)} ms`],
      ["backlog: queue drained after informer sync", PODS, fmt(drainMs), perSecond(PODS, drainMs), fmt(backlogCpuMs), perSecond(PODS, backlogCpuMs), `sync (list ${NODES} nodes + pods) ${fmt(syncMs)} ms`],
    ],
  );
  console.log(`(backlog pods were created in ${fmt(backlogCreateMs)} ms before the scheduler started; CPU ms is this whole process: API server, scheduler and the bench's watch)`);
  return {
    nodes: NODES,
    pods: PODS,
    nodesCreateMs: Math.round(nodesMs),
    streamMs: Math.round(streamed.ms),
    streamPodsPerSecond: Math.round((PODS / streamed.ms) * 1000),
    streamCpuMs: Math.round(streamed.cpuMs),
    ownedStreamMs: Math.round(owned.ms),
    ownedStreamPodsPerSecond: Math.round((PODS / owned.ms) * 1000),
    backlogSyncMs: Math.round(syncMs),
    backlogDrainMs: Math.round(drainMs),
    backlogPodsPerSecond: Math.round((PODS / drainMs) * 1000),
    backlogCpuMs: Math.round(backlogCpuMs),
  };
});
