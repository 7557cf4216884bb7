import { accessSync, constants, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Config } from "./config/config.js";
import { systemClock, type Clock } from "./shared/clock.js";
import { createLogger, type Logger } from "./shared/logger.js";
import type { Storage } from "./storage/interface.js";
import { MemoryStorage } from "./storage/memory/memory-storage.js";
import { SqliteStorage } from "./storage/sqlite/sqlite-storage.js";
import { startCompactor } from "./storage/compactor.js";
import { defaultCredentialStore } from "./aws/gateway/credentials.js";
import { AwsGateway } from "./aws/gateway/gateway.js";
import { createStsService } from "./aws/services/sts/sts-service.js";
import { Ec2State } from "./aws/services/ec2/ec2-state.js";
import { createEc2Service } from "./aws/services/ec2/ec2-service.js";
import { Ec2Instances } from "./aws/services/ec2/instances.js";
import { Ec2Network } from "./aws/services/ec2/network-interfaces.js";
import { ec2NodeSource } from "./aws/services/ec2/node-source.js";
import { NodegroupReconciler } from "./aws/services/eks/nodegroup-reconciler.js";
import { ClusterReconciler } from "./aws/services/eks/cluster-reconciler.js";
import { createEksService } from "./aws/services/eks/eks-service.js";
import { stsHostAllowList } from "./kube/apiserver/auth/eks-token.js";
import { LocalControlPlaneHost } from "./cluster/cluster-host.js";
import { RsaKeyPool } from "./cluster/rsa-key-pool.js";

/** A start-up failure with a one-line explanation for the user. */
export class StartupError extends Error {}

export interface Minieks {
  /** The AWS endpoint's port (4566 unless configured, or the one chosen for port 0). */
  port: number;
  endpoint: string;
  stop(): Promise<void>;
}

function openStorage(config: Config): Storage {
  if (config.storage === "memory") return new MemoryStorage();
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
  } catch {
    throw new StartupError(`the data directory ${config.dataDir} is not writable; choose another with --data-dir`);
  }
  return SqliteStorage.open(join(config.dataDir, "state.db"));
}

/** Builds the server graph (storage → services → gateway) and starts serving. */
export async function startMinieks(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Minieks> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.verbose);
  const storage = openStorage(config);
  const compactor = startCompactor(storage, clock, logger);
  const credentials = defaultCredentialStore();
  const ec2 = new Ec2State(storage);
  const instances = new Ec2Instances(ec2, clock, config.timeScale, logger);
  const network = new Ec2Network(ec2, clock);
  let port = config.port;
  const host = new LocalControlPlaneHost({
    storage,
    clock,
    logger,
    credentials,
    tokenHosts: (h) => stsHostAllowList([`127.0.0.1:${port}`, `localhost:${port}`])(h),
    keys: new RsaKeyPool(),
    timeScale: config.timeScale,
    // A cluster's nodes are the EC2 instances tagged kubernetes.io/cluster/<name>=owned (node groups launch them).
    nodeSource: (record) =>
      ec2NodeSource({ ec2, network, logger, instances }, { accountId: record.accountId, region: record.region, clusterName: record.name }),
  });
  const reconciler = new ClusterReconciler(storage, ec2, host, clock, config.timeScale, logger);
  const nodegroups = new NodegroupReconciler(storage, ec2, instances, clock, config.timeScale, logger);
  const gateway = new AwsGateway({
    services: [createStsService(), createEc2Service(ec2, { instances, network }), createEksService({ ec2, reconciler, nodegroups })],
    credentials,
    clock,
    logger,
  });
  const server = gateway.createServer();
  try {
    port = await listen(server, config.host, config.port);
  } catch (error) {
    compactor.stop();
    await storage.close();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new StartupError(`port ${config.port} on ${config.host} is in use (is minieks already running?); choose another with --port`);
    }
    throw error;
  }
  await reconciler.resumeAll();
  await instances.resumeAll();
  await nodegroups.resumeAll();
  // The X.509 code loads after start-up, in the background, so the first cluster does not wait for it.
  setImmediate(() => void import("./cluster/pki.js"));
  return {
    port,
    endpoint: `http://${config.host}:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nodegroups.stopAll();
      instances.stopAll();
      await reconciler.stopAll();
      await host.stopAll();
      compactor.stop();
      await storage.close();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
