/**
 * A cluster API (real ApiHandler on memory storage, FakeClock) with a kubelet fleet over a fake
 * node source, for the kubelet tests.
 */
import { FakeClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { COORDINATION_V1 } from "../api/coordination-v1.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import { ApiHandler, type ApiResponder, type EventStream } from "../apiserver/api-handler.js";
import { SYSTEM_MASTERS, type Authorizer } from "../apiserver/auth/authorizer.js";
import { InProcessClient } from "../client/in-process-client.js";
import { FakeNodeSource } from "./fake-node-source.js";
import { CLOUD_CONTROLLER_MANAGER_USER, KUBELET_FLEET_USER } from "./identities.js";
import { KubeletFleet } from "./kubelet-fleet.js";

export const START = "2026-01-01T00:00:00Z";
export const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
export const nodeUser = (name: string): UserInfo => ({ username: `system:node:${name}`, groups: ["system:nodes", "system:authenticated"] });

/** Masters may do anything; kubelets (system:nodes) may write what a kubelet writes. */
const authorizer: Authorizer = {
  authorize: ({ user }) => ({ allowed: user.groups.includes(SYSTEM_MASTERS) || user.groups.includes("system:nodes") }),
};

export interface Harness {
  clock: FakeClock;
  /** The cluster's storage (a restarted fleet reuses it). */
  storage: MemoryStorage;
  handler: ApiHandler;
  admin: InProcessClient;
  source: FakeNodeSource;
  fleet: KubeletFleet;
  /** Every write the API saw, as "VERB path user". */
  writes: string[];
  /** Lets async work (API calls, work queues) run until `done` holds (fails after many rounds). */
  until(done: () => boolean | Promise<boolean>, what?: string): Promise<void>;
  /** Runs all pending async work. */
  settle(): Promise<void>;
  /** Advances the clock in steps, settling after each. */
  advance(ms: number, step?: number): Promise<void>;
  pod(name: string, namespace?: string): Promise<StoredObject>;
  createPod(pod: KubeObject, namespace?: string): Promise<StoredObject>;
  events(namespace?: string): Promise<StoredObject[]>;
  /** GET …/pods/<name>/log with the query; the reply (status, body) or the stream's text. */
  logs(name: string, query?: Record<string, string>, namespace?: string): Promise<LogReply>;
  stop(): void;
}

export interface LogReply {
  status: number;
  contentType: string;
  text: string;
  /** For follow: whether the stream ended, and a function to close it from the client side. */
  ended: () => boolean;
  close: () => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function startHarness(options: { timeScale?: number; concurrency?: number; restartFrom?: Harness; leases?: boolean } = {}): Promise<Harness> {
  const clock = options.restartFrom?.clock ?? new FakeClock(START);
  const storage = options.restartFrom?.storage ?? new MemoryStorage();
  const handler = new ApiHandler({
    storage,
    registryRoot: "/k8s/test/registry",
    descriptors: withCoreLifecycle([...CORE_V1, ...(options.leases === false ? [] : COORDINATION_V1)]),
    clock,
    authorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1-eks-0000000" },
    serverAddress: () => "127.0.0.1:0",
  });
  const writes: string[] = [];
  const clientAs = (user: UserInfo) => {
    const client = new InProcessClient(handler, user);
    const request = client.request.bind(client);
    client.request = ((method: string, path: string, opts?: Parameters<InProcessClient["request"]>[2]) => {
      if (method !== "GET") writes.push(`${method} ${path} ${user.username}`);
      return request(method, path, opts);
    }) as InProcessClient["request"];
    return client;
  };
  const admin = clientAs(ADMIN);
  if (!options.restartFrom) {
    for (const name of ["default", "kube-node-lease", "kube-system"]) await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name } });
  }
  const source = options.restartFrom?.source ?? new FakeNodeSource();
  const fleet = new KubeletFleet({
    nodeSource: source,
    clock,
    logger: silentLogger,
    timeScale: options.timeScale ?? 0,
    cluster: { clusterName: "demo", region: "us-west-2", kubernetesPatch: "1.34.1" },
    reader: clientAs(KUBELET_FLEET_USER),
    kubeletClient: (name) => clientAs(nodeUser(name)),
    cloudController: clientAs(CLOUD_CONTROLLER_MANAGER_USER),
    setLogProvider: (provider) => handler.setPodLogProvider(provider),
    concurrency: options.concurrency,
  });
  await fleet.start();

  const settle = async () => {
    for (let i = 0; i < 30; i++) await tick();
  };
  const harness: Harness = {
    storage,
    clock,
    handler,
    admin,
    source,
    fleet,
    writes,
    async until(done, what = "condition") {
      for (let i = 0; i < 2000; i++) {
        if (await done()) return;
        await tick();
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    settle,
    async advance(ms, step = 1000) {
      for (let t = 0; t < ms; t += step) {
        clock.advance(Math.min(step, ms - t));
        await settle();
      }
    },
    pod: (name, namespace = "default") => admin.get({ version: "v1", plural: "pods", namespace, name }),
    createPod: (pod, namespace = "default") => admin.create({ version: "v1", plural: "pods", namespace }, pod),
    async events(namespace = "default") {
      await fleet.events.drained();
      return (await admin.list({ version: "v1", plural: "events", namespace })).items;
    },
    logs(name, query = {}, namespace = "default") {
      return new Promise<LogReply>((resolve) => {
        let text = "";
        let ended = false;
        const closers: (() => void)[] = [];
        const close = () => {
          if (ended) return;
          ended = true;
          closers.splice(0).forEach((c) => c());
        };
        const responder: ApiResponder = {
          send: (status, contentType, body) => {
            ended = true;
            resolve({ status, contentType, text: typeof body === "string" ? body : Buffer.from(body).toString("utf8"), ended: () => true, close });
          },
          stream: (status, contentType): EventStream => {
            const reply: LogReply = { status, contentType, get text() { return text; }, ended: () => ended, close };
            queueMicrotask(() => resolve(reply));
            return {
              write: (chunk) => {
                text += String(chunk);
              },
              end: () => close(),
              onClose: (listener) => (ended ? listener() : closers.push(listener)),
            };
          },
        };
        void handler.handle(
          {
            method: "GET",
            path: `/api/v1/namespaces/${namespace}/pods/${name}/log`,
            query: new URLSearchParams(query),
            accept: "*/*",
            contentType: "",
            body: new Uint8Array(),
            user: ADMIN,
          },
          responder,
        );
      });
    },
    stop: () => fleet.stop(),
  };
  return harness;
}

/** A pod bound to `node` (as the scheduler would have bound it). */
export function boundPod(name: string, node: string, extra: { annotations?: Record<string, string>; spec?: Record<string, unknown>; labels?: Record<string, string>; ownerReferences?: Record<string, unknown>[] } = {}): KubeObject {
  return {
    metadata: { name, annotations: extra.annotations, labels: extra.labels, ownerReferences: extra.ownerReferences },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx:1.27" }], ...extra.spec },
  };
}

type Json = Record<string, unknown>;
export const statusOf = (pod: StoredObject): Json => (pod.status ?? {}) as Json;
export const conditionOf = (pod: StoredObject, type: string): Json | undefined =>
  ((statusOf(pod).conditions as Json[] | undefined) ?? []).find((c) => c.type === type);
export const containerStatus = (pod: StoredObject, name = "nginx", init = false): Json =>
  (((statusOf(pod)[init ? "initContainerStatuses" : "containerStatuses"] as Json[] | undefined) ?? []).find((c) => c.name === name) ?? {}) as Json;
