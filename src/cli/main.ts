import { Command, InvalidArgumentError } from "commander";
import { ZodError } from "zod";
import { loadConfig } from "../config/config.js";
import { startMinieks, StartupError } from "../main.js";

const program = new Command()
  .name("minieks")
  .description("Amazon EKS on one machine: the EKS API and a real Kubernetes control plane per cluster");

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number (0-65535)");
  return n;
};

program
  .command("up")
  .description("start minieks in the foreground (Ctrl+C stops it)")
  .option("-p, --port <port>", "AWS endpoint port", port)
  .option("-d, --data-dir <dir>", "where state is kept (default: ~/.minieks)")
  .option("--region <region>", "region to suggest to clients")
  .option("--time-scale <factor>", "EKS durations multiplied by this: 0 = instant (default), 1 = as slow as EKS")
  .option("--in-memory", "keep state in memory only (nothing survives a restart)")
  .option("-v, --verbose", "log requests and cluster events to stderr")
  .action(async (opts: { port?: number; dataDir?: string; region?: string; timeScale?: string; inMemory?: boolean; verbose?: boolean }) => {
    const config = loadConfig({
      port: opts.port,
      dataDir: opts.dataDir,
      defaultRegion: opts.region,
      timeScale: opts.timeScale === undefined ? undefined : Number(opts.timeScale),
      storage: opts.inMemory ? "memory" : undefined,
      verbose: opts.verbose,
    });
    const minieks = await startMinieks(config);
    // Handlers go in before the banner: whoever reads the banner may signal at once.
    const shutdown = () => {
      void minieks.stop().then(() => process.exit(0));
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
    process.stdout.write(
      [
        `minieks is up: the AWS endpoint is ${minieks.endpoint}`,
        `Use it from another terminal with:`,
        `  export AWS_ENDPOINT_URL=${minieks.endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${config.defaultRegion}`,
        `State: ${config.storage === "memory" ? "in memory" : config.dataDir}. Ctrl+C stops minieks.`,
        "",
      ].join("\n"),
    );
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof StartupError) process.stderr.write(`minieks: ${error.message}\n`);
  else if (error instanceof ZodError) {
    const issue = error.issues[0];
    process.stderr.write(`minieks: invalid setting ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}\n`);
  } else process.stderr.write(`minieks: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
