import type { Cluster } from "@aws-sdk/client-eks";
import {
  awsClients,
  coreApi,
  createCluster,
  distStaleness,
  eksToken,
  launcher,
  msSince,
  now,
  openFds,
  printTable,
  procStatus,
  runBench,
  sleep,
  startMinieksProcess,
  stats,
  twoSubnets,
  waitActive,
} from "./lib.js";

const CLUSTER_COUNTS = [0, 1, 100];
/** Fresh starts of the empty server, for a start-time median. */
const EMPTY_STARTS = 5;
const SETTLE_MS = 2000;
const IN_FLIGHT = 10;

interface Footprint {
  clusters: number;
  startMs: number;
  allActiveMs: number;
  rssMiB: number;
  peakRssMiB: number;
  threads: number;
  fds: number;
  answering: number;
  failures: string[];
}

/** Runs `task` for 0..count-1 with at most `limit` in flight; collects failures instead of stopping. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i).catch((error: unknown) => failures.push(`#${i}: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return failures;
}

/** One fresh server: start it, create `count` clusters and wait until all are ACTIVE, settle, read /proc, check every API server. */
async function footprint(count: number): Promise<Footprint> {
  const server = await startMinieksProcess();
  try {
    const { eks, ec2 } = awsClients(server.endpoint);
    const subnetIds = await twoSubnets(ec2);
    const names = Array.from({ length: count }, (_, i) => `fp-${i}`);
    const active = new Map<string, Cluster>();
    const start = now();
    const createFailures = await pool(count, IN_FLIGHT, async (i) => {
      const name = names[i] ?? "";
      await createCluster(eks, name, subnetIds);
      active.set(name, (await waitActive(eks, name, 20, 300_000)).cluster);
    });
    const allActiveMs = count ? msSince(start) : 0;
    await sleep(SETTLE_MS);
    const rssKiB = procStatus(server.pid, "VmRSS");
    const peakKiB = procStatus(server.pid, "VmHWM");
    const threads = procStatus(server.pid, "Threads");
    const fds = openFds(server.pid);

    const answerFailures = await pool(active.size, IN_FLIGHT, async (i) => {
      const cluster = [...active.values()][i];
      if (!cluster?.name) throw new Error("no cluster");
      const list = await coreApi(cluster, await eksToken(cluster.name, server.endpoint)).listNamespace();
      if (list.items.length !== 4) throw new Error(`${cluster.name}: ${list.items.length} namespaces`);
    });
    return {
      clusters: count,
      startMs: server.startMs,
      allActiveMs,
      rssMiB: rssKiB / 1024,
      peakRssMiB: peakKiB / 1024,
      threads,
      fds,
      answering: active.size - answerFailures.length,
      failures: [...createFailures.map((f) => `create/wait ${f}`), ...answerFailures.map((f) => `listNamespace ${f}`)],
    };
  } finally {
    await server.stop();
  }
}

runBench("footprint", 15 * 60_000, async () => {
  const how = launcher();
  const stale = how === "dist" ? distStaleness() : undefined;
  if (stale) console.log(`warning: ${stale}`);

  const empty: Footprint[] = [];
  for (let i = 0; i < EMPTY_STARTS; i++) empty.push(await footprint(0));
  const results = [empty[empty.length - 1] as Footprint];
  for (const count of CLUSTER_COUNTS.filter((c) => c > 0)) results.push(await footprint(count));

  const startTimes = stats(empty.map((f) => f.startMs));
  printTable(
    `minieks footprint (launcher: ${how}; RSS read ${SETTLE_MS / 1000} s after the last cluster became ACTIVE)`,
    ["clusters", "start ms", "all ACTIVE ms", "RSS MiB", "peak RSS MiB", "threads", "fds", "API servers answering"],
    results.map((f) => [String(f.clusters), f.startMs, f.allActiveMs, f.rssMiB, f.peakRssMiB, String(f.threads), String(f.fds), `${f.answering}/${f.clusters}`]),
  );
  console.log(
    `start time over ${EMPTY_STARTS} fresh starts (spawn → signed request answered): median ${startTimes.p50.toFixed(0)} ms, min ${startTimes.min.toFixed(0)}, max ${startTimes.max.toFixed(0)}`,
  );
  const base = results[0]?.rssMiB ?? NaN;
  const many = results.find((f) => f.clusters === 100);
  if (many) console.log(`RSS per cluster (100 vs 0): ${((many.rssMiB - base) / 100).toFixed(2)} MiB`);
  const failures = results.flatMap((f) => f.failures.map((m) => `${f.clusters} clusters: ${m}`));
  for (const f of failures.slice(0, 20)) console.log(`FAILURE ${f}`);
  if (failures.length > 20) console.log(`… and ${failures.length - 20} more failures`);

  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    launcher: how,
    ...(stale ? { warning: stale } : {}),
    startMs: startTimes,
    configurations: results.map((f) => ({ ...f, startMs: round(f.startMs), allActiveMs: round(f.allActiveMs), rssMiB: round(f.rssMiB), peakRssMiB: round(f.peakRssMiB), failures: f.failures.length })),
    rssPerClusterMiB: many ? Math.round(((many.rssMiB - base) / 100) * 100) / 100 : null,
  };
});
