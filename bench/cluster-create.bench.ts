import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DeleteClusterCommand, DescribeClusterCommand, ResourceNotFoundException, type EKSClient } from "@aws-sdk/client-eks";
import {
  awsClients,
  coreApi,
  createCluster,
  credentials,
  eksToken,
  fmt,
  msSince,
  now,
  printTable,
  region,
  roleArn,
  runBench,
  sleep,
  startMinieksProcess,
  stats,
  twoSubnets,
  waitActive,
  type ServerProcess,
  type Stats,
} from "./lib.js";

const ITERATIONS = 20;
const RESTED_ITERATIONS = 10;
const RESTED_PAUSE_MS = 1500;
const execFileAsync = promisify(execFile);

interface Sample {
  toActiveMs: number;
  toAnsweringMs: number;
  totalMs: number;
  polls: number;
}

/** One cluster: CreateCluster → DescribeCluster says ACTIVE → its API server answers listNamespace. */
async function createOne(eks: EKSClient, endpoint: string, name: string, subnetIds: string[]): Promise<Sample> {
  // Minted up front: the token only depends on the name, and `aws eks get-token` runs client-side too.
  const token = await eksToken(name, endpoint);
  const start = now();
  await createCluster(eks, name, subnetIds);
  const { cluster, polls } = await waitActive(eks, name);
  const toActiveMs = msSince(start);
  const core = coreApi(cluster, token);
  for (let attempt = 1; ; attempt++) {
    try {
      const list = await core.listNamespace();
      if (list.items.length !== 4) throw new Error(`expected the 4 system namespaces, got ${list.items.length}`);
      break;
    } catch (error) {
      if (attempt >= 500) throw new Error(`cluster ${name} ACTIVE but its API server does not answer: ${String(error)}`, { cause: error });
      await sleep(2);
    }
  }
  const totalMs = msSince(start);
  return { toActiveMs, toAnsweringMs: totalMs - toActiveMs, totalMs, polls };
}

async function deleteAndWait(eks: EKSClient, name: string): Promise<void> {
  await eks.send(new DeleteClusterCommand({ name }));
  for (let i = 0; i < 5000; i++) {
    try {
      await eks.send(new DescribeClusterCommand({ name }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
    await sleep(2);
  }
  throw new Error(`cluster ${name} was not deleted`);
}

/** The path a user types: aws CLI and kubectl, each step a fresh process. */
async function cliRun(server: ServerProcess, subnetIds: string[]): Promise<{ step: string; ms: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), "minieks-bench-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PYENV_ROOT: process.env.PYENV_ROOT,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_CONFIG_FILE: join(dir, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
    AWS_PAGER: "",
    KUBECONFIG: join(dir, "kubeconfig"),
  };
  const name = "cli-bench";
  const steps: [string, string, string[]][] = [
    ["aws --version (CLI start-up alone)", "aws", ["--version"]],
    ["aws eks create-cluster", "aws", ["eks", "create-cluster", "--name", name, "--role-arn", roleArn, "--resources-vpc-config", `subnetIds=${subnetIds.join(",")}`]],
    ["aws eks wait cluster-active", "aws", ["eks", "wait", "cluster-active", "--name", name]],
    ["aws eks update-kubeconfig", "aws", ["eks", "update-kubeconfig", "--name", name]],
    ["kubectl get ns (runs aws eks get-token)", "kubectl", ["--cache-dir", join(dir, "kube-cache"), "get", "ns"]],
    ["aws eks get-token (alone)", "aws", ["eks", "get-token", "--cluster-name", name]],
    ["aws eks delete-cluster", "aws", ["eks", "delete-cluster", "--name", name]],
  ];
  const timings: { step: string; ms: number }[] = [];
  try {
    await execFileAsync("aws", ["--version"], { env }); // untimed: the first Python start reads everything from disk
    for (const [step, command, args] of steps) {
      const start = now();
      try {
        await execFileAsync(command, args, { env, timeout: 90_000 });
      } catch (error) {
        throw new Error(`${step} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
      }
      timings.push({ step, ms: msSince(start) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return timings;
}

interface Phases {
  createToActive: Stats;
  activeToAnswering: Stats;
  total: Stats;
  describePolls: Stats;
}

/** `count` clusters one after another, each deleted before the next; `pauseMs` of idle before each create. */
async function series(eks: EKSClient, endpoint: string, subnetIds: string[], label: string, count: number, pauseMs: number): Promise<Phases> {
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${label}-${i}`;
    if (pauseMs > 0) await sleep(pauseMs);
    samples.push(await createOne(eks, endpoint, name, subnetIds));
    await deleteAndWait(eks, name);
  }
  return {
    createToActive: stats(samples.map((s) => s.toActiveMs)),
    activeToAnswering: stats(samples.map((s) => s.toAnsweringMs)),
    total: stats(samples.map((s) => s.totalMs)),
    describePolls: stats(samples.map((s) => s.polls)),
  };
}

function printPhases(title: string, p: Phases): void {
  const row = (label: string, s: Stats) => [label, s.p50, s.p90, s.min, s.max];
  printTable(title, ["phase", "median", "p90", "min", "max"], [
    row("CreateCluster → ACTIVE", p.createToActive),
    row("ACTIVE → listNamespace answered", p.activeToAnswering),
    row("total", p.total),
    row("DescribeCluster polls (count)", p.describePolls),
  ]);
}

runBench("cluster-create", 10 * 60_000, async () => {
  const server = await startMinieksProcess();
  try {
    const { eks, ec2 } = awsClients(server.endpoint);
    const subnetIds = await twoSubnets(ec2);

    // The first cluster also pays for JIT warm-up and the key pool's first fill; reported apart.
    const cold = await createOne(eks, server.endpoint, "bench-cold", subnetIds);
    await deleteAndWait(eks, "bench-cold");
    const backToBack = await series(eks, server.endpoint, subnetIds, "bench", ITERATIONS, 0);
    printPhases(
      `SDK v3 + client-node, ${ITERATIONS} clusters back to back (ms); the first cluster, cold: ${fmt(cold.toActiveMs)} to ACTIVE, ${fmt(cold.totalMs)} total`,
      backToBack,
    );
    // With idle time before each create the RSA key pool is full and no key generation competes for CPU.
    const rested = await series(eks, server.endpoint, subnetIds, "rested", RESTED_ITERATIONS, RESTED_PAUSE_MS);
    printPhases(`the same, ${RESTED_ITERATIONS} clusters each after ${RESTED_PAUSE_MS} ms idle (ms)`, rested);

    const cli = await cliRun(server, subnetIds);
    const userPath = cli.filter((t) => /create-cluster|wait|update-kubeconfig|kubectl/.test(t.step));
    const userTotal = userPath.reduce((sum, t) => sum + t.ms, 0);
    printTable(
      "aws CLI + kubectl, one cluster (ms; every step starts a process, so CLI start-up dominates)",
      ["step", "ms"],
      [...cli.map((t) => [t.step, t.ms]), ["create → wait → update-kubeconfig → get ns", userTotal]],
    );

    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      iterations: ITERATIONS,
      unit: "ms",
      cold: { toActive: round(cold.toActiveMs), total: round(cold.totalMs) },
      ...backToBack,
      rested: { iterations: RESTED_ITERATIONS, pauseMs: RESTED_PAUSE_MS, ...rested },
      cli: { ...Object.fromEntries(cli.map((t) => [t.step, Math.round(t.ms)])), userTotal: Math.round(userTotal) },
    };
  } finally {
    await server.stop();
  }
});
