import { DescribeClusterCommand, type EKSClient } from "@aws-sdk/client-eks";
import {
  awsClients,
  cpuTimeMs,
  createCluster,
  fmt,
  msSince,
  now,
  printTable,
  runBench,
  startMinieksProcess,
  startMotoProcess,
  stats,
  twoSubnets,
  waitActive,
  type ServerProcess,
  type Stats,
} from "./lib.js";

const REQUESTS = 2000;
const WARM_UP = 300;
const CONCURRENCIES = [1, 10];

interface Run extends Stats {
  concurrency: number;
  requestsPerSecond: number;
  /** CPU time per request in µs: the server process's, and this process's (the SDK client). */
  serverCpuUs: number;
  clientCpuUs: number;
}

/** `count` DescribeCluster calls spread over `concurrency` workers; latency per call, throughput over the wall time. */
async function load(eks: EKSClient, pid: number, name: string, count: number, concurrency: number): Promise<Run> {
  const latencies: number[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      const start = now();
      const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
      latencies.push(msSince(start));
      if (cluster?.name !== name) throw new Error(`unexpected answer: ${JSON.stringify(cluster)}`);
    }
  };
  const [serverCpu, clientCpu, start] = [cpuTimeMs(pid), process.cpuUsage(), now()];
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = msSince(start);
  const client = process.cpuUsage(clientCpu);
  return {
    concurrency,
    ...stats(latencies),
    requestsPerSecond: Math.round((count / wallMs) * 1000),
    serverCpuUs: Math.round(((cpuTimeMs(pid) - serverCpu) * 1000) / count),
    clientCpuUs: Math.round((client.user + client.system) / count),
  };
}

async function measure(server: ServerProcess): Promise<Run[]> {
  const { eks, ec2 } = awsClients(server.endpoint);
  const name = "bench";
  await createCluster(eks, name, await twoSubnets(ec2));
  await waitActive(eks, name);
  await load(eks, server.pid, name, WARM_UP, 10);
  const runs: Run[] = [];
  for (const concurrency of CONCURRENCIES) runs.push(await load(eks, server.pid, name, REQUESTS, concurrency));
  eks.destroy();
  ec2.destroy();
  return runs;
}

runBench("describe-cluster", 10 * 60_000, async () => {
  const results: Record<string, Run[]> = {};
  // One server at a time, so the other does not take CPU from the one measured.
  for (const [target, start] of [["minieks", startMinieksProcess], ["moto", startMotoProcess]] as const) {
    const server = await start();
    try {
      results[target] = await measure(server);
    } finally {
      await server.stop();
    }
  }
  const minieks = results.minieks ?? [];
  const moto = results.moto ?? [];

  const row = (target: string, r: Run) => [
    target,
    String(r.concurrency),
    r.p50,
    r.p90,
    r.p99,
    r.max,
    String(r.requestsPerSecond),
    String(r.serverCpuUs),
    String(r.clientCpuUs),
  ];
  printTable(
    `DescribeCluster, SDK v3, ${REQUESTS} requests per row after ${WARM_UP} warm-up (latency in ms; CPU in µs per request)`,
    ["server", "concurrency", "p50", "p90", "p99", "max", "req/s", "server CPU", "client CPU"],
    [...minieks.map((r) => row("minieks", r)), ...moto.map((r) => row("moto", r))],
  );
  const ratios = minieks.map((m, i) => {
    const o = moto[i];
    return {
      concurrency: m.concurrency,
      p50: o ? m.p50 / o.p50 : NaN,
      p99: o ? m.p99 / o.p99 : NaN,
      throughput: o ? m.requestsPerSecond / o.requestsPerSecond : NaN,
    };
  });
  printTable(
    "minieks / moto (latency: below 1 is faster; throughput: above 1 is faster)",
    ["concurrency", "p50", "p99", "req/s"],
    ratios.map((r) => [String(r.concurrency), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.throughput, 2)]),
  );
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: REQUESTS,
    unit: "ms",
    minieks,
    moto,
    ratio: ratios.map((r) => ({ concurrency: r.concurrency, p50: round(r.p50), p99: round(r.p99), throughput: round(r.throughput) })),
  };
});
