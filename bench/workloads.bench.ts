import { CreateNodegroupCommand, DescribeNodegroupCommand, UpdateNodegroupConfigCommand, type EKSClient } from "@aws-sdk/client-eks";
import { CreateSubnetCommand, CreateVpcCommand } from "@aws-sdk/client-ec2";
import { KubeHttp } from "./kube-http.js";
import {
  awsClients,
  createCluster,
  eksToken,
  fmt,
  msSince,
  now,
  printTable,
  procStatus,
  runBench,
  sleep,
  startMinieksProcess,
  stats,
  waitActive,
  type Stats,
} from "./lib.js";

// Workloads on EKS-shaped nodes, end to end in one minieks process: a managed node group of
// m5.large nodes (29 pods each, 27 after aws-node and kube-proxy), then a Deployment whose pods
// are created by the controllers, bound by the scheduler, given VPC addresses and started by the
// simulated kubelets; "Ready" is observed by a watch, as a user's `kubectl rollout status` would.
// Then a bigger step, with the API's latency measured while the process holds it all.
const ALL_STEPS = [
  { nodes: 40, pods: 1000 },
  { nodes: 200, pods: 5000 },
  { nodes: 1000, pods: 25000 },
];
/** `WORKLOADS_STEPS=1` runs only the first step (e.g. under a profiler). */
const STEPS = ALL_STEPS.slice(0, Number(process.env.WORKLOADS_STEPS ?? ALL_STEPS.length));
const NODE_ROLE = "arn:aws:iam::000000000000:role/eks-bench-node";
const PROBES = 50;

interface PodEvent {
  type: string;
  object: { metadata: { name: string; resourceVersion: string }; status?: { conditions?: { type: string; status: string }[] } };
}

async function waitNodegroup(eks: EKSClient, desired: number): Promise<void> {
  for (let i = 0; ; i++) {
    const { nodegroup } = await eks.send(new DescribeNodegroupCommand({ clusterName: "load", nodegroupName: "ng" })).catch((error: unknown) => {
      throw new Error(`DescribeNodegroup: ${String(error)}`);
    });
    if (nodegroup?.status === "ACTIVE" && (nodegroup.resources?.autoScalingGroups?.length ?? 0) > 0 && nodegroup.scalingConfig?.desiredSize === desired) return;
    if (i > 6000) throw new Error(`node group still ${nodegroup?.status}`);
    await sleep(10);
  }
}

async function readyNodes(http: KubeHttp): Promise<number> {
  const list = JSON.parse((await http.ok("GET", "/api/v1/nodes")).body) as { items: { status: { conditions?: { type: string; status: string }[] } }[] };
  return list.items.filter((n) => n.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** p50/p99 of GET one pod and LIST the namespace's pods, while everything runs. */
async function apiLatency(http: KubeHttp, pod: string): Promise<{ get: Stats; list: Stats }> {
  const get: number[] = [];
  const list: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    let t = now();
    await http.ok("GET", `/api/v1/namespaces/load/pods/${pod}`);
    get.push(msSince(t));
    if (i % 5 === 0) {
      t = now();
      await http.ok("GET", "/api/v1/namespaces/load/pods?limit=500");
      list.push(msSince(t));
    }
  }
  return { get: stats(get), list: stats(list) };
}

runBench("workloads", 900_000, async () => {
  const server = await startMinieksProcess();
  let finished = false;
  // A server that dies mid-run says why (the bench itself only sees a reset connection).
  void server.exited.then((code) => finished || console.error(`minieks exited (${code}); its last output:\n${server.output()}`));
  const { eks, ec2 } = awsClients(server.endpoint);
  // A VPC big enough for the last step (each m5.large takes up to 3 ENIs × 10 addresses): three /18s, one per zone.
  const { Vpc: vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const subnets: string[] = [];
  for (const [i, zone] of ["a", "b", "c"].entries()) {
    const { Subnet: subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpc?.VpcId, CidrBlock: `10.0.${i * 64}.0/18`, AvailabilityZone: `us-east-1${zone}` }));
    subnets.push(subnet?.SubnetId ?? "");
  }
  await createCluster(eks, "load", subnets.slice(0, 2));
  const { cluster } = await waitActive(eks, "load");
  const http = new KubeHttp(new URL(cluster.endpoint ?? ""), Buffer.from(cluster.certificateAuthority?.data ?? "", "base64"), await eksToken("load", server.endpoint), 16);
  await http.ok("POST", "/api/v1/namespaces", { metadata: { name: "load" } });

  // One watch sees every pod of the namespace turn Ready.
  const readyAt = new Map<string, number>();
  let origin = now();
  const rv = (JSON.parse((await http.ok("GET", "/api/v1/namespaces/load/pods")).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const cancelWatch = await http.watch(`/api/v1/namespaces/load/pods?watch=true&resourceVersion=${rv}`, (event) => {
    const e = event as unknown as PodEvent;
    if (e.type === "DELETED" || readyAt.has(e.object.metadata.name)) return;
    if (e.object.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) readyAt.set(e.object.metadata.name, msSince(origin));
  });

  const rows: (string | number)[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const [index, step] of STEPS.entries()) {
    const nodesStart = now();
    if (index === 0) {
      await eks.send(
        new CreateNodegroupCommand({
          clusterName: "load",
          nodegroupName: "ng",
          nodeRole: NODE_ROLE,
          subnets,
          instanceTypes: ["m5.large"],
          scalingConfig: { minSize: 1, maxSize: step.nodes, desiredSize: step.nodes },
        }),
      );
    } else {
      await eks.send(
        new UpdateNodegroupConfigCommand({ clusterName: "load", nodegroupName: "ng", scalingConfig: { minSize: 1, maxSize: step.nodes, desiredSize: step.nodes } }),
      );
    }
    await waitNodegroup(eks, step.nodes);
    await until(`${step.nodes} Ready nodes`, 300_000, async () => (await readyNodes(http)) >= step.nodes);
    const nodesMs = msSince(nodesStart);

    // Only the Deployment's pods count: the add-ons' pods live in kube-system.
    const target = step.pods;
    readyAt.clear();
    origin = now();
    if (index === 0) {
      await http.ok("POST", "/apis/apps/v1/namespaces/load/deployments", {
        metadata: { name: "web" },
        spec: {
          replicas: target,
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } },
        },
      });
    } else {
      await http.ok("PATCH", "/apis/apps/v1/namespaces/load/deployments/web/scale", { spec: { replicas: target } }, "application/merge-patch+json");
    }
    const before = index === 0 ? 0 : STEPS[index - 1]?.pods ?? 0;
    const wanted = target - before;
    await until(`${wanted} more pods Ready`, 300_000, async () => readyAt.size >= wanted);
    const times = [...readyAt.values()].sort((a, b) => a - b);
    const allMs = times[wanted - 1] ?? NaN;
    const pod = JSON.parse((await http.ok("GET", "/api/v1/namespaces/load/pods?limit=1")).body).items[0].metadata.name as string;
    const latency = await apiLatency(http, pod);
    const rssMiB = Math.round(procStatus(server.pid, "VmRSS") / 1024);
    const result = {
      nodes: step.nodes,
      pods: target,
      nodesReadyMs: nodesMs,
      firstReadyMs: times[0],
      halfReadyMs: times[Math.floor(wanted / 2)],
      allReadyMs: allMs,
      podsPerSecond: (wanted / allMs) * 1000,
      getPod: latency.get,
      listPods: latency.list,
      rssMiB,
    };
    results.push(result);
    rows.push([
      `${step.nodes} nodes, ${target} pods`,
      nodesMs,
      wanted,
      result.firstReadyMs ?? NaN,
      allMs,
      result.podsPerSecond,
      latency.get.p99,
      latency.list.p99,
      rssMiB,
    ]);
  }
  finished = true;
  cancelWatch();
  printTable(
    "m5.large node group + Deployment (Ready as seen by a watch; API latency measured afterwards with everything running)",
    ["step", "nodes ready ms", "new pods", "first ready ms", "all ready ms", "pods/s", "GET pod p99 ms", "LIST 500 p99 ms", "RSS MiB"],
    rows,
  );
  console.log(`\nfirst step: ${fmt(results[0]?.allReadyMs as number, 0)} ms for 1,000 pods Ready (direction: ≤ 3,000 ms)`);
  return { steps: results };
});
