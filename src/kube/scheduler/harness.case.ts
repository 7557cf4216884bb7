/**
 * A small cluster for scheduler tests: memory storage, a real ApiHandler with the Priority
 * admission plugin, an admin client, the scheduler as its own user, and FakeClock time.
 */
import { FakeClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { seededRandom } from "../../shared/seeded-random.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { ResourceDescriptor } from "../api/descriptor.js";
import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import { priorityAdmission } from "../apiserver/admission/priority.js";
import { ApiHandler } from "../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../apiserver/auth/authorizer.js";
import { InProcessClient } from "../client/in-process-client.js";
import { Scheduler } from "./scheduler.js";

export const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
export const SCHEDULER: UserInfo = { username: "system:kube-scheduler", groups: [SYSTEM_MASTERS, "system:authenticated"] };

export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: number;
  zone?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
}

export interface PodSpecOptions {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  spec?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export class TestCluster {
  readonly clock = new FakeClock();
  readonly storage = new MemoryStorage();
  readonly handler: ApiHandler;
  readonly admin: InProcessClient;
  scheduler?: Scheduler;

  private readonly served: Set<string>;

  constructor(extraDescriptors: ResourceDescriptor[] = []) {
    const descriptors = withCoreLifecycle([...CORE_V1, ...extraDescriptors]);
    this.served = new Set(descriptors.map((d) => `${d.group}/${d.plural}`));
    this.handler = new ApiHandler({
      storage: this.storage,
      registryRoot: "/k8s/test/registry",
      descriptors,
      clock: this.clock,
      authorizer: mastersOnlyAuthorizer,
      version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
      serverAddress: () => "127.0.0.1:443",
      admission: (h) => [priorityAdmission(h).plugin()],
    });
    this.admin = new InProcessClient(this.handler, ADMIN);
  }

  async init(): Promise<this> {
    await this.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
    return this;
  }

  /** Starts the scheduler; `client` replaces its API client (tests that interfere with its requests). */
  async startScheduler(seed = 1, client: InProcessClient = new InProcessClient(this.handler, SCHEDULER)): Promise<Scheduler> {
    this.scheduler = new Scheduler(client, {
      clock: this.clock,
      logger: silentLogger,
      random: seededRandom(seed),
      serves: (group, _version, plural) => this.served.has(`${group}/${plural}`),
    }).start();
    await this.scheduler.synced();
    return this.scheduler;
  }

  stop(): void {
    this.scheduler?.stop();
  }

  node(name: string, o: NodeSpec = {}): Promise<StoredObject> {
    const labels: Record<string, string> = { "kubernetes.io/hostname": name, ...(o.zone ? { "topology.kubernetes.io/zone": o.zone } : {}), ...o.labels };
    const allocatable = { cpu: o.cpu ?? "2", memory: o.memory ?? "8Gi", pods: String(o.pods ?? 110) };
    return this.admin.create(
      { version: "v1", plural: "nodes" },
      {
        metadata: { name, labels },
        spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
        status: { capacity: allocatable, allocatable, conditions: [{ type: "Ready", status: "True" }] },
      },
    );
  }

  pod(name: string, o: PodSpecOptions = {}): Promise<StoredObject> {
    const requests: Record<string, string> = {};
    if (o.cpu) requests.cpu = o.cpu;
    if (o.memory) requests.memory = o.memory;
    const body: KubeObject = {
      metadata: { name, labels: o.labels ?? {}, ...o.metadata },
      spec: {
        containers: [{ name: "c", image: "nginx", resources: Object.keys(requests).length ? { requests } : {} }],
        ...(o.nodeName ? { nodeName: o.nodeName } : {}),
        ...o.spec,
      },
    };
    return this.admin.create({ version: "v1", plural: "pods", namespace: "default" }, body);
  }

  get(name: string): Promise<StoredObject> {
    return this.admin.get({ version: "v1", plural: "pods", namespace: "default", name });
  }

  async pods(): Promise<StoredObject[]> {
    return (await this.admin.list({ version: "v1", plural: "pods", namespace: "default" })).items;
  }

  /** Events about one object, oldest first. */
  async events(name: string): Promise<{ reason: string; message: string; type: string; count: number }[]> {
    const list = await this.admin.list({ version: "v1", plural: "events", namespace: "default" }, { fieldSelector: `involvedObject.name=${name}` });
    return list.items.map((e) => ({ reason: String(e.reason), message: String(e.message), type: String(e.type), count: Number(e.count) }));
  }

  /** Lets the scheduler, its bindings and watches run until `done` holds (bounded). */
  async until(done: () => boolean | Promise<boolean>, what = "condition"): Promise<void> {
    for (let i = 0; i < 5000; i++) {
      if (await done()) return;
      await settle();
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Runs until the scheduler has nothing active and nothing in flight, then a little longer for events. */
  async idle(): Promise<void> {
    await this.until(() => this.scheduler !== undefined && this.scheduler.inFlightBindings === 0 && !this.scheduler.hasActiveWork() && this.scheduler.pendingEvents === 0, "scheduler idle");
    for (let i = 0; i < 20; i++) await settle();
  }

  async nodeOf(name: string): Promise<string> {
    const pod = await this.get(name);
    return String((pod.spec as { nodeName?: string }).nodeName ?? "");
  }
}
