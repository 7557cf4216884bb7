import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { StoredObject } from "../api/types.js";
import { kubeTime } from "../apiserver/registry/resource-store.js";
import { StatusError } from "../apiserver/status.js";
import { EventRecorder } from "../client/event-recorder.js";
import type { InProcessClient } from "../client/in-process-client.js";
import { IP_COOLDOWN_MS, NodeIpam } from "./ipam.js";
import { healthyConditions, nodeLabels, nodeObject, nodeStatus, type ClusterFacts } from "./node-object.js";
import type { InstanceNetwork, NodeInstance } from "./node-source.js";
import type { NodeImages } from "./pod-runtime.js";
import type { EventSink } from "./event-sink.js";
import { scaled } from "../../shared/clock.js";

/** The kubelet's node lease: 40 s long, renewed every quarter of that (10 s), on the clock and never scaled. */
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;
/** With leases, the kubelet reports an unchanged node status every 5 minutes (nodeStatusReportFrequency). */
export const NODE_STATUS_REPORT_MS = 300_000;
export const LEASE_NAMESPACE = "kube-node-lease";

const leaseRef = (name?: string) => ({ group: "coordination.k8s.io", version: "v1", plural: "leases", namespace: LEASE_NAMESPACE, name });
const nodeRef = (name: string, subresource?: string) => ({ version: "v1", plural: "nodes", name, subresource });
/** MicroTime, as leases carry it. */
const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

/** "the server could not find the requested resource": the API has no such resource at all (here: no Lease API). */
const resourceMissing = (error: unknown): boolean => error instanceof StatusError && error.code === 404 && !error.details?.name;
const objectMissing = (error: unknown): boolean => error instanceof StatusError && error.code === 404 && !resourceMissing(error);

export interface NodeAgentDeps {
  client: InProcessClient;
  network: InstanceNetwork;
  clock: Clock;
  logger: Logger;
  timeScale: number;
  cluster: ClusterFacts;
  /** The node as the fleet's watch sees it (for transition times after a restart). */
  currentNode(name: string): StoredObject | undefined;
  /** The addresses pods on this node hold (from their status), to rebuild ipamd's pool. */
  addressesInUse(nodeName: string): Map<string, string>;
  /** Called once the node is registered and its address pool is ready (pods may start). */
  onReady(nodeName: string): void;
  /** Where the kubelet's events go (written in the background). */
  events: EventSink;
}

/**
 * One simulated kubelet (and its aws-node/ipamd): registers the Node for its instance, keeps the
 * node lease and status fresh, and owns the node's image cache and address pool. Pod work is
 * done by the fleet, which dispatches pods to agents by spec.nodeName.
 */
export class NodeAgent {
  readonly name: string;
  readonly recorder: EventRecorder;
  readonly ipam: NodeIpam;
  readonly images: NodeImages;
  /** Pods waiting for an address from this node's pool. */
  readonly waitingForIp = new Set<string>();
  private readonly imageSet = new Set<string>();
  private cancels: (() => void)[] = [];
  private running = false;
  private ready = false;
  private leaseUnsupported = false;
  private lastConditions: Record<string, string>[] = [];

  constructor(
    public instance: NodeInstance,
    private readonly deps: NodeAgentDeps,
  ) {
    this.name = instance.privateDnsName;
    this.recorder = new EventRecorder(deps.client, deps.clock, { component: "kubelet", host: this.name });
    this.ipam = new NodeIpam(instance, deps.network, deps.clock, scaled(IP_COOLDOWN_MS, deps.timeScale), deps.logger);
    this.images = { has: (image) => this.imageSet.has(image), add: (image) => void this.imageSet.add(image) };
  }

  get client(): InProcessClient {
    return this.deps.client;
  }

  get nodeIP(): string {
    return this.instance.privateIpAddress;
  }

  /** Registered, heart-beating and with its address pool loaded: pods on this node may run. */
  get isReady(): boolean {
    return this.running && this.ready;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Boots the kubelet: it registers once the instance has booted (bootDelayMs × time scale after
   * it runs). `booted` skips the wait: a kubelet already registered before minieks restarted.
   */
  start(booted = false): void {
    if (this.running) return;
    this.running = true;
    const wait = booted ? 0 : scaled(this.instance.bootDelayMs, this.deps.timeScale);
    if (wait > 0) this.after(wait, () => void this.register());
    else void this.register();
  }

  /** The kubelet stops: no more lease renewals or status reports (the node lifecycle controller notices). */
  stop(): void {
    this.running = false;
    this.ready = false;
    this.cancels.splice(0).forEach((cancel) => cancel());
  }

  private after(ms: number, fn: () => void): void {
    const cancel = this.deps.clock.setTimer(ms, () => {
      this.cancels = this.cancels.filter((c) => c !== cancel);
      if (this.running) fn();
    });
    this.cancels.push(cancel);
  }

  private async register(): Promise<void> {
    const { client, clock, logger } = this.deps;
    const now = clock.now();
    let node: StoredObject;
    try {
      node = await client.create(nodeRef(""), nodeObject(this.instance, this.deps.cluster, now));
      this.lastConditions = ((node.status as { conditions?: Record<string, string>[] } | undefined)?.conditions ?? []).map((c) => ({ ...c }));
      this.recordStartup(node);
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409)) {
        logger.warn("kubelet could not register its node; retrying", { node: this.name, error: (error as Error).message });
        if (this.running) this.after(LEASE_RENEW_MS, () => void this.register());
        return;
      }
      // Registered before (a restart): bring its labels and status up to date, as the kubelet does.
      try {
        node = await this.reconcileExisting(now);
      } catch (reconcileError) {
        logger.warn("kubelet could not update its node; retrying", { node: this.name, error: (reconcileError as Error).message });
        if (this.running) this.after(LEASE_RENEW_MS, () => void this.register());
        return;
      }
    }
    if (!this.running) return;
    await this.renewLease(node);
    this.scheduleHeartbeats(node);
    try {
      await this.ipam.start(this.deps.addressesInUse(this.name));
    } catch (error) {
      logger.warn("ipamd could not load the node's network interfaces", { node: this.name, error: (error as Error).message });
    }
    if (!this.running) return;
    this.ready = true;
    this.deps.onReady(this.name);
  }

  private async reconcileExisting(now: Date): Promise<StoredObject> {
    const current = this.deps.currentNode(this.name) ?? (await this.deps.client.get(nodeRef(this.name)));
    const previous = ((current.status as { conditions?: Record<string, string>[] } | undefined)?.conditions ?? []).map((c) => ({ ...c }));
    await this.deps.client.patch(nodeRef(this.name), { metadata: { labels: nodeLabels(this.instance, this.deps.cluster) } }, "strategic");
    const status = nodeStatus(this.instance, this.deps.cluster, now, previous);
    this.lastConditions = status.conditions as Record<string, string>[];
    const updated = await this.deps.client.patch(nodeRef(this.name, "status"), { status }, "strategic");
    if (!previous.some((c) => c.type === "Ready" && c.status === "True")) {
      this.deps.events.record(this.recorder, updated, "Normal", "NodeReady", `Node ${this.name} status is now: NodeReady`);
    }
    return updated;
  }

  private recordStartup(node: StoredObject): void {
    const about = { ...node, metadata: { ...node.metadata, uid: this.name } };
    const say = (reason: string, message: string) => this.deps.events.record(this.recorder, about, "Normal", reason, message);
    say("Starting", "Starting kubelet.");
    for (const condition of ["NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"]) say(condition, `Node ${this.name} status is now: ${condition}`);
    say("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
    say("NodeReady", `Node ${this.name} status is now: NodeReady`);
  }

  private scheduleHeartbeats(node: StoredObject): void {
    const leaseTick = () => {
      this.after(LEASE_RENEW_MS, () => {
        void this.renewLease(node).finally(() => {
          // Without the Lease API, the status itself is the heartbeat (as kubelets did before leases);
          // with it, the status is posted early only when it differs from the kubelet's (Ready=Unknown …).
          if (this.leaseUnsupported || this.statusDrifted()) void this.reportStatus();
          leaseTick();
        });
      });
    };
    leaseTick();
    const statusTick = () => this.after(NODE_STATUS_REPORT_MS, () => void this.reportStatus().finally(statusTick));
    statusTick();
  }

  /** Creates or renews the node's Lease in kube-node-lease. */
  private async renewLease(node: StoredObject): Promise<void> {
    if (this.leaseUnsupported) return;
    const renewTime = microTime(this.deps.clock.now());
    try {
      await this.deps.client.patch(leaseRef(this.name), { spec: { holderIdentity: this.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime } });
    } catch (error) {
      if (resourceMissing(error)) {
        this.leaseUnsupported = true;
        this.deps.logger.warn("the cluster serves no coordination.k8s.io/v1 leases; kubelets heartbeat through node status", { node: this.name });
        return;
      }
      if (!objectMissing(error)) {
        this.deps.logger.warn("kubelet could not renew its lease", { node: this.name, error: (error as Error).message });
        return;
      }
      try {
        await this.deps.client.create(leaseRef(), {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: {
            name: this.name,
            namespace: LEASE_NAMESPACE,
            ownerReferences: [{ apiVersion: "v1", kind: "Node", name: this.name, uid: node.metadata.uid }],
          },
          spec: { holderIdentity: this.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
        });
      } catch (createError) {
        if (resourceMissing(createError)) this.leaseUnsupported = true;
        else this.deps.logger.warn("kubelet could not create its lease", { node: this.name, error: (createError as Error).message });
      }
    }
  }

  /** Whether the stored conditions say something else than a healthy kubelet reports. */
  private statusDrifted(): boolean {
    const current = this.deps.currentNode(this.name);
    const conditions = (current?.status as { conditions?: Record<string, string>[] } | undefined)?.conditions;
    if (!conditions) return false;
    return healthyConditions(this.deps.clock.now()).some((want) => conditions.find((c) => c.type === want.type)?.status !== want.status);
  }

  /** Posts the node's conditions with a fresh heartbeat time. */
  private async reportStatus(): Promise<void> {
    const now = this.deps.clock.now();
    const current = this.deps.currentNode(this.name);
    const previous = (current?.status as { conditions?: Record<string, string>[] } | undefined)?.conditions ?? this.lastConditions;
    const conditions = healthyConditions(now, previous);
    this.lastConditions = conditions;
    try {
      await this.deps.client.patch(nodeRef(this.name, "status"), { status: { conditions } }, "strategic");
    } catch (error) {
      this.deps.logger.warn("kubelet could not report its node status", { node: this.name, at: kubeTime(now), error: (error as Error).message });
    }
  }
}
