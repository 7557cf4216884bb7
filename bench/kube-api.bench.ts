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
  startMinieksProcess,
  stats,
  twoSubnets,
  waitActive,
  type Stats,
} from "./lib.js";
import { KubeHttp } from "./kube-http.js";

// A cluster's Kubernetes API under load, over HTTPS with keep-alive as client-go talks to it:
// single-object GET / CREATE / PATCH with 1, 10 and 100 concurrent clients, LIST of 10,000 pods,
// and one update fanned out to 1,000 watchers. Pods name a scheduler that does not exist, so no
// component works on them while they are measured.
const OPS_PER_LEVEL = 3000;
const LEVELS = [1, 10, 100];
const LIST_PODS = 10_000;
const LIST_REPEATS = 5;
const WATCHERS = 1000;
const WATCH_UPDATES = 20;

interface Level {
  clients: number;
  latency: Stats;
  perSecond: number;
}

/** `OPS_PER_LEVEL` calls of `op`, spread over `clients` workers that each call one after another. */
async function level(clients: number, op: (worker: number, i: number) => Promise<unknown>): Promise<Level> {
  const latencies: number[] = [];
  const perWorker = Math.ceil(OPS_PER_LEVEL / clients);
  const start = now();
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      for (let i = 0; i < perWorker; i++) {
        const t = now();
        await op(worker, i);
        latencies.push(msSince(t));
      }
    }),
  );
  const wallMs = msSince(start);
  return { clients, latency: stats(latencies), perSecond: (latencies.length / wallMs) * 1000 };
}

async function inBatches(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await op(next++);
    }),
  );
}

runBench("kube-api", 900_000, async () => {
  const server = await startMinieksProcess();
  const { eks, ec2 } = awsClients(server.endpoint);
  await createCluster(eks, "api-bench", await twoSubnets(ec2));
  const { cluster } = await waitActive(eks, "api-bench");
  const token = await eksToken("api-bench", server.endpoint);
  const base = new URL(cluster.endpoint ?? "");
  const ca = Buffer.from(cluster.certificateAuthority?.data ?? "", "base64");
  const http = new KubeHttp(base, ca, token, 128);
  const rssMiB = () => Math.round(procStatus(server.pid, "VmRSS") / 1024);

  await http.ok("POST", "/api/v1/namespaces", { metadata: { name: "bench" } });
  const cm = (name: string) => ({ metadata: { name, labels: { bench: "true" } }, data: { key: "value" } });
  for (let w = 0; w < Math.max(...LEVELS); w++) await http.ok("POST", "/api/v1/namespaces/bench/configmaps", cm(`target-${w}`));

  const results: Record<string, Level[]> = { GET: [], CREATE: [], PATCH: [] };
  for (const clients of LEVELS) {
    results.GET?.push(await level(clients, (w) => http.ok("GET", `/api/v1/namespaces/bench/configmaps/target-${w}`)));
    results.CREATE?.push(await level(clients, (w, i) => http.ok("POST", "/api/v1/namespaces/bench/configmaps", cm(`c${clients}-w${w}-${i}`))));
    results.PATCH?.push(
      await level(clients, (w, i) =>
        http.ok("PATCH", `/api/v1/namespaces/bench/configmaps/target-${w}`, { data: { key: `v${i}` } }, "application/merge-patch+json"),
      ),
    );
  }
  printTable(
    `Single-object calls, ${OPS_PER_LEVEL} per row (keep-alive HTTPS, EKS bearer token)`,
    ["verb", "clients", "p50 ms", "p99 ms", "max ms", "req/s"],
    Object.entries(results).flatMap(([verb, rows]) => rows.map((r) => [verb, String(r.clients), r.latency.p50, r.latency.p99, r.latency.max, r.perSecond])),
  );

  // LIST of 10k pods.
  await http.ok("POST", "/api/v1/namespaces", { metadata: { name: "list" } });
  const createStart = now();
  await inBatches(LIST_PODS, 64, (i) =>
    http.ok("POST", "/api/v1/namespaces/list/pods", {
      metadata: { name: `pod-${i}`, labels: { app: "bench", shard: String(i % 10) } },
      spec: { schedulerName: "no-such-scheduler", containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu: "10m" } } }] },
    }),
  );
  const createPodsPerSecond = (LIST_PODS / msSince(createStart)) * 1000;
  const listAll: number[] = [];
  let listBytes = 0;
  for (let i = 0; i < LIST_REPEATS; i++) {
    const t = now();
    const reply = await http.ok("GET", "/api/v1/namespaces/list/pods");
    listAll.push(msSince(t));
    listBytes = reply.body.length;
    const count = (JSON.parse(reply.body) as { items: unknown[] }).items.length;
    if (count !== LIST_PODS) throw new Error(`listed ${count} pods, expected ${LIST_PODS}`);
  }
  const paged: number[] = [];
  for (let i = 0; i < LIST_REPEATS; i++) {
    const t = now();
    let token = "";
    let seen = 0;
    do {
      const reply = JSON.parse((await http.ok("GET", `/api/v1/namespaces/list/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`)).body) as {
        items: unknown[];
        metadata: { continue?: string };
      };
      seen += reply.items.length;
      token = reply.metadata.continue ?? "";
    } while (token);
    if (seen !== LIST_PODS) throw new Error(`paged through ${seen} pods, expected ${LIST_PODS}`);
    paged.push(msSince(t));
  }
  const selector: number[] = [];
  for (let i = 0; i < LIST_REPEATS; i++) {
    const t = now();
    await http.ok("GET", "/api/v1/namespaces/list/pods?labelSelector=shard%3D3");
    selector.push(msSince(t));
  }
  const listStats = { all: stats(listAll), paged: stats(paged), selector: stats(selector) };
  printTable(
    `LIST of ${LIST_PODS} pods (created at ${fmt(createPodsPerSecond, 0)} pods/s with 64 clients; one full list is ${fmt(listBytes / 2 ** 20)} MiB)`,
    ["list", "p50 ms", "max ms"],
    [
      ["all at once", listStats.all.p50, listStats.all.max],
      ["limit=500 pages", listStats.paged.p50, listStats.paged.max],
      ["labelSelector (1,000 match)", listStats.selector.p50, listStats.selector.max],
    ],
  );

  // Watch fan-out: WATCHERS watches of one namespace; each update's delivery latency at every watcher.
  await http.ok("POST", "/api/v1/namespaces", { metadata: { name: "watch" } });
  await http.ok("POST", "/api/v1/namespaces/watch/configmaps", cm("hot"));
  const watchHttp = new KubeHttp(base, ca, token, Infinity);
  const rv = (JSON.parse((await http.ok("GET", "/api/v1/namespaces/watch/configmaps")).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const sentAt = new Map<string, bigint>();
  const deliveries: number[] = [];
  const lastDelivery = new Map<string, number>();
  const watchStart = now();
  const cancels = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      watchHttp.watch(`/api/v1/namespaces/watch/configmaps?watch=true&resourceVersion=${rv}`, (event) => {
        const sent = sentAt.get(event.object.metadata.resourceVersion);
        if (event.type !== "MODIFIED" || sent === undefined) return;
        const ms = Number(now() - sent) / 1e6;
        deliveries.push(ms);
        lastDelivery.set(event.object.metadata.resourceVersion, Math.max(ms, lastDelivery.get(event.object.metadata.resourceVersion) ?? 0));
      }),
    ),
  );
  const openWatchesMs = msSince(watchStart);
  const rssWithWatchers = rssMiB();
  for (let i = 0; i < WATCH_UPDATES; i++) {
    const t = now();
    const reply = await http.ok("PATCH", "/api/v1/namespaces/watch/configmaps/hot", { data: { key: `v${i}` } }, "application/merge-patch+json");
    sentAt.set((JSON.parse(reply.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion, t);
    const deadline = Date.now() + 10_000;
    while (deliveries.length < (i + 1) * WATCHERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  }
  cancels.forEach((cancel) => cancel());
  const delivered = deliveries.length;
  if (delivered !== WATCH_UPDATES * WATCHERS) throw new Error(`delivered ${delivered} of ${WATCH_UPDATES * WATCHERS} watch events`);
  const fanout = { perEvent: stats(deliveries), toLastWatcher: stats([...lastDelivery.values()]) };
  printTable(
    `Watch fan-out: ${WATCH_UPDATES} updates × ${WATCHERS} watchers (opened in ${fmt(openWatchesMs, 0)} ms; server RSS ${rssWithWatchers} MiB)`,
    ["delivery", "p50 ms", "p99 ms", "max ms"],
    [
      ["write start → each watcher", fanout.perEvent.p50, fanout.perEvent.p99, fanout.perEvent.max],
      ["write start → last watcher", fanout.toLastWatcher.p50, fanout.toLastWatcher.p99, fanout.toLastWatcher.max],
    ],
  );
  console.log(`\nserver RSS at the end: ${rssMiB()} MiB`);
  return { single: results, createPodsPerSecond, list: listStats, listBytes, fanout, openWatchesMs, rssWithWatchersMiB: rssWithWatchers };
});
