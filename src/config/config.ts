import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

/**
 * Every setting minieks has, in one schema. This module is the only place that reads
 * environment variables; flags arrive from the CLI as an object parsed here.
 */
export const configSchema = z.object({
  /** Loopback address every server binds. */
  host: z.literal("127.0.0.1").default("127.0.0.1"),
  /** The AWS endpoint port (LocalStack's, which local AWS tooling already uses). */
  port: z.coerce.number().int().min(0).max(65535).default(4566),
  dataDir: z.string().min(1),
  /** `sqlite` keeps state in dataDir; `memory` forgets it at exit (tests). */
  storage: z.enum(["sqlite", "memory"]).default("sqlite"),
  /** Region printed as the hint and used when a client names none. */
  defaultRegion: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/).default("us-east-1"),
  /** Multiplies EKS's real durations: 0 = instant (default), 1 = as slow as EKS. */
  timeScale: z.coerce.number().min(0).max(10).default(0),
  verbose: z.coerce.boolean().default(false),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export const defaultDataDir = (): string => process.env.MINIEKS_DATA_DIR ?? join(homedir(), ".minieks");

/** Builds the config from CLI options over environment defaults; throws a ZodError on bad values. */
export function loadConfig(options: Partial<ConfigInput> = {}): Config {
  const config = configSchema.parse({
    port: process.env.MINIEKS_PORT,
    defaultRegion: process.env.MINIEKS_REGION ?? process.env.AWS_DEFAULT_REGION,
    timeScale: process.env.MINIEKS_TIME_SCALE,
    ...stripUndefined(options),
    dataDir: options.dataDir ?? defaultDataDir(),
  });
  return { ...config, dataDir: resolve(config.dataDir) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
