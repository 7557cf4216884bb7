import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { CreateClusterCommand, DescribeClusterCommand, EKSClient, type Cluster } from "@aws-sdk/client-eks";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import * as k8s from "@kubernetes/client-node";

// The SDK's notice that releases after January 2027 need Node 22 would clutter every bench's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const region = "us-east-1";
export const credentials = { accessKeyId: "test", secretAccessKey: "test" };
export const roleArn = "arn:aws:iam::000000000000:role/eks-bench";

export const now = (): bigint => process.hrtime.bigint();
export const msSince = (start: bigint): number => Number(now() - start) / 1e6;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- child servers

export interface ServerProcess {
  pid: number;
  endpoint: string;
  /** Spawn → the endpoint answered a signed request with 200. */
  startMs: number;
  /** The last few KiB of the child's stdout and stderr, for error reports. */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

const live = new Set<Spawned>();

// Children run in their own process group (tsx adds an esbuild helper); kill the whole group.
function killGroup(s: Spawned, signal: NodeJS.Signals): void {
  try {
    if (s.child.pid) process.kill(-s.child.pid, signal);
  } catch {
    // already gone
  }
}

process.on("exit", () => live.forEach((s) => killGroup(s, "SIGKILL")));

function spawnServer(command: string, args: string[]): Spawned {
  const child = spawn(command, args, { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4096);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const spawned: Spawned = {
    child,
    output: () => tail,
    exited: new Promise((resolve) => {
      child.once("error", (error) => {
        tail += String(error);
        resolve(null);
      });
      child.once("exit", (code) => resolve(code));
    }),
  };
  live.add(spawned);
  void spawned.exited.then(() => live.delete(spawned));
  return spawned;
}

async function stopSpawned(s: Spawned): Promise<void> {
  if (!live.has(s)) return;
  killGroup(s, "SIGTERM");
  const done = await Promise.race([s.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) killGroup(s, "SIGKILL");
  await s.exited;
  killGroup(s, "SIGKILL");
}

export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map(stopSpawned));
}

/** Polls until the endpoint answers a signed EKS ListClusters with 200 (refused connections are retried). */
async function waitAnswering(s: Spawned, endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void s.exited.then((code) => (exitCode = code));
  let last = "";
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) before answering:\n${s.output()}`);
    try {
      const status = await signedGet(endpoint, "/clusters", "eks");
      if (status === 200) return;
      last = `HTTP ${status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(5);
  }
  throw new Error(`${endpoint} did not answer within ${timeoutMs} ms (last: ${last}):\n${s.output()}`);
}

export type Launcher = "tsx" | "dist";

/** `tsx` runs src/ as it is now; `dist` runs bin/minieks.js (needs `npm run build`). */
export function launcher(): Launcher {
  return process.env.MINIEKS_BENCH_LAUNCHER === "dist" ? "dist" : "tsx";
}

/** Says when dist/ is older than src/ (the dist launcher would measure old code). */
export function distStaleness(): string | undefined {
  const built = join(repoRoot, "dist", "cli", "main.js");
  if (!existsSync(built)) return "dist/ is missing: run `npm run build`";
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return newer(path);
      return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && statSync(path).mtimeMs > builtAt ? [path] : [];
    });
  const changed = newer(join(repoRoot, "src"));
  return changed.length ? `dist/ is older than ${changed.length} file(s) in src/, e.g. ${changed[0]?.slice(repoRoot.length + 1)}` : undefined;
}

/** Starts `minieks up --in-memory` on a free port as a child process and waits until it answers. */
export async function startMinieksProcess(): Promise<ServerProcess> {
  // MINIEKS_BENCH_NODE_ARGS adds Node options for the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.MINIEKS_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const entry = [...nodeArgs, ...(launcher() === "dist" ? ["bin/minieks.js"] : ["--import", "tsx", "src/cli/main.ts"])];
  const start = now();
  const s = spawnServer(process.execPath, [...entry, "up", "--port", "0", "--in-memory", "--region", region]);
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`minieks did not start within 60 s:\n${s.output()}`)), 60_000);
    let seen = "";
    s.child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const m = /the AWS endpoint is (http:\/\/\S+)/.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void s.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`minieks exited (${code}) at start-up:\n${s.output()}`));
    });
  });
  await waitAnswering(s, endpoint, 30_000);
  return { pid: s.child.pid ?? 0, endpoint, startMs: msSince(start), output: s.output, exited: s.exited, stop: () => stopSpawned(s) };
}

/** Starts `moto_server` on 127.0.0.1 and a free port and waits until it answers. */
export async function startMotoProcess(): Promise<ServerProcess> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const start = now();
  const s = spawnServer("moto_server", ["-H", "127.0.0.1", "-p", String(port)]);
  await waitAnswering(s, endpoint, 60_000);
  return { pid: s.child.pid ?? 0, endpoint, startMs: msSince(start), output: s.output, exited: s.exited, stop: () => stopSpawned(s) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A SigV4-signed GET without keep-alive; resolves with the HTTP status. */
export async function signedGet(endpoint: string, path: string, service: string): Promise<number> {
  const url = new URL(path, endpoint);
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: "GET",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host },
  });
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: signed.headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A number from /proc/<pid>/status: `VmRSS` and `VmHWM` are in KiB, `Threads` a count. */
export function procStatus(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m?.[1]) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]);
}

export const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** User + system CPU time a process has used, in ms (from /proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// ---------------------------------------------------------------- AWS and Kubernetes clients

export function awsClients(endpoint: string): { eks: EKSClient; ec2: EC2Client } {
  const config = { endpoint, region, credentials, maxAttempts: 1 };
  return { eks: new EKSClient(config), ec2: new EC2Client(config) };
}

/** Two of the region's default subnets (any two subnets if none is marked default, as on some mocks). */
export async function twoSubnets(ec2: EC2Client): Promise<string[]> {
  const defaults = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }));
  let subnets = defaults.Subnets ?? [];
  if (subnets.length < 2) subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const ids = subnets.slice(0, 2).map((s) => s.SubnetId ?? "");
  if (ids.length < 2) throw new Error(`need two subnets, found ${ids.length}`);
  return ids;
}

export async function createCluster(eks: EKSClient, name: string, subnetIds: string[]): Promise<void> {
  await eks.send(new CreateClusterCommand({ name, roleArn, resourcesVpcConfig: { subnetIds } }));
}

/** Polls DescribeCluster every `pollMs` until ACTIVE; returns the cluster and how many polls it took. */
export async function waitActive(eks: EKSClient, name: string, pollMs = 2, timeoutMs = 120_000): Promise<{ cluster: Cluster; polls: number }> {
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
    if (cluster?.status === "ACTIVE") return { cluster, polls };
    if (cluster?.status === "FAILED") throw new Error(`cluster ${name} FAILED`);
    if (Date.now() > deadline) throw new Error(`cluster ${name} still ${cluster?.status} after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The bearer token `aws eks get-token` makes: a presigned STS GetCallerIdentity GET against the
 * minieks endpoint with `x-k8s-aws-id: <cluster>` signed, as base64url without padding.
 */
export async function eksToken(clusterName: string, endpoint: string): Promise<string> {
  const host = new URL(endpoint).host;
  const signer = new SignatureV4({ service: "sts", region, credentials, sha256: Sha256 });
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "http:",
      hostname: host,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host, "x-k8s-aws-id": clusterName },
    },
    { expiresIn: 60 },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .join("&");
  return `k8s-aws-v1.${Buffer.from(`http://${host}/?${query}`, "utf8").toString("base64url")}`;
}

/** A CoreV1Api for the cluster's endpoint and CA, authenticated with the given token. */
export function coreApi(cluster: Cluster, token: string): k8s.CoreV1Api {
  const name = cluster.name ?? "bench";
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name, server: cluster.endpoint ?? "", caData: cluster.certificateAuthority?.data ?? "", skipTLSVerify: false }],
    users: [{ name, token }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kc.makeApiClient(k8s.CoreV1Api);
}

// ---------------------------------------------------------------- statistics and output

export interface Stats {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    min: round(sorted[0] ?? NaN),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : "-");

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log(line(r));
}

/**
 * Runs one benchmark: prints a header, enforces a time limit, always stops the child servers,
 * prints the summary as the last line (one JSON object) and exits.
 */
export function runBench(name: string, timeoutMs: number, main: () => Promise<Record<string, unknown>>): void {
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  console.log(`# ${name}: ${machine}, ${new Date().toISOString()}`);
  const bail = (message: string, code: number) => {
    console.error(`${name}: ${message}`);
    void stopAllServers().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 6000).unref();
  };
  const timer = setTimeout(() => bail(`gave up after ${timeoutMs / 1000} s`, 2), timeoutMs);
  process.once("SIGINT", () => bail("interrupted", 130));
  process.once("SIGTERM", () => bail("terminated", 143));
  main()
    .then((summary) => console.log(JSON.stringify({ bench: name, machine, ...summary })))
    .catch((error: unknown) => {
      console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    })
    .finally(async () => {
      clearTimeout(timer);
      await stopAllServers();
      process.exit();
    });
}
