import { execFile } from "node:child_process";
import { mkdtempSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "../../src/config/config.js";
import { startMinieks, type Minieks } from "../../src/main.js";

const execFileAsync = promisify(execFile);

export interface TestEnv {
  minieks: Minieks;
  dir: string;
  /** Environment for spawned clients: test/test credentials, the endpoint, isolated config files. */
  env: NodeJS.ProcessEnv;
  /** Stops minieks; the directory (state, kubeconfig) is removed unless `keepDir`. */
  close(keepDir?: boolean): Promise<void>;
}

/**
 * Starts minieks in this process with an isolated client environment: memory storage and a free
 * port unless told otherwise (a restart test passes the same sqlite dir and port again).
 */
export async function startTestMinieks(
  region = "ap-northeast-2",
  options: { storage?: "memory" | "sqlite"; dir?: string; port?: number; timeScale?: number } = {},
): Promise<TestEnv> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "minieks-e2e-"));
  const minieks = await startMinieks(
    loadConfig({ port: options.port ?? 0, storage: options.storage ?? "memory", dataDir: join(dir, "data"), defaultRegion: region, timeScale: options.timeScale }),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PYENV_ROOT: process.env.PYENV_ROOT,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: minieks.endpoint,
    AWS_CONFIG_FILE: join(dir, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
    AWS_MAX_ATTEMPTS: "1",
    AWS_PAGER: "",
    KUBECONFIG: join(dir, "kubeconfig"),
  };
  return {
    minieks,
    dir,
    env,
    async close(keepDir = false) {
      await minieks.stop();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a real client binary; never throws on a non-zero exit (the test asserts on it). */
export async function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? e.message };
  }
}

/** The kubectl binaries installed beside the one on PATH: kubectl.1.27 … kubectl.1.33. */
export function kubectlBinary(version?: string): string {
  const onPath = realpathSync(whichSync("kubectl"));
  return version ? join(dirname(onPath), `kubectl.${version}`) : onPath;
}

function whichSync(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, name);
    try {
      return readlinkSync(candidate).startsWith("/") ? readlinkSync(candidate) : candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EINVAL") return candidate;
    }
  }
  throw new Error(`${name} is not on PATH`);
}

/**
 * Creates an EKS cluster with the aws CLI in the environment's region (on the first `subnetCount`
 * default subnets), waits until it is ACTIVE and writes the kubeconfig, as a user would.
 */
export async function createTestCluster(t: TestEnv, name: string, subnetCount = 2): Promise<string[]> {
  const aws = (...args: string[]) => run("aws", args, t.env);
  const described = await aws("ec2", "describe-subnets", "--output", "json");
  if (described.code !== 0) throw new Error(`describe-subnets: ${described.stderr}`);
  const subnets = (JSON.parse(described.stdout).Subnets as { SubnetId: string }[]).slice(0, subnetCount).map((s) => s.SubnetId);
  const steps = [
    ["eks", "create-cluster", "--name", name, "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster", "--resources-vpc-config", `subnetIds=${subnets.join(",")}`],
    ["eks", "wait", "cluster-active", "--name", name],
    ["eks", "update-kubeconfig", "--name", name],
  ];
  for (const args of steps) {
    const r = await aws(...args);
    if (r.code !== 0) throw new Error(`aws ${args.join(" ")}: ${r.stderr}`);
  }
  return subnets;
}

/** Creates a managed node group of `size` nodes (t3.medium unless told) with the aws CLI and waits until it is ACTIVE. */
export async function createTestNodegroup(t: TestEnv, cluster: string, nodegroup: string, subnets: string[], size = 1): Promise<void> {
  const steps = [
    ["eks", "create-nodegroup", "--cluster-name", cluster, "--nodegroup-name", nodegroup, "--node-role", "arn:aws:iam::000000000000:role/node",
      "--subnets", ...subnets, "--scaling-config", `minSize=${size},maxSize=${size},desiredSize=${size}`],
    ["eks", "wait", "nodegroup-active", "--cluster-name", cluster, "--nodegroup-name", nodegroup],
  ];
  for (const args of steps) {
    const r = await run("aws", args, t.env);
    if (r.code !== 0) throw new Error(`aws ${args.join(" ")}: ${r.stderr}`);
  }
}
