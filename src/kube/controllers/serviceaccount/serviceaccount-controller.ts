import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";

export const DEFAULT_SERVICE_ACCOUNT = "default";

/**
 * kube-controller-manager's serviceaccount-controller: every active namespace has a `default`
 * ServiceAccount; one that is deleted comes back. Namespaces being deleted are left alone.
 */
export class ServiceAccountController {
  private readonly namespaces: SharedInformer;
  private readonly accounts: Informer;
  private readonly queue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    clock: Clock,
    private readonly logger: Logger,
  ) {
    this.namespaces = informers.informer({ version: "v1", plural: "namespaces" });
    this.queue = new WorkQueue(clock, (ns) => this.sync(ns), {
      onError: (ns, error) => this.logger.warn("default service account sync failed; retrying", { namespace: ns, error: String(error) }),
    });
    this.accounts = new Informer(
      client,
      { version: "v1", plural: "serviceaccounts" },
      clock,
      { onDelete: (sa) => this.queue.add(sa.metadata.namespace ?? "") },
      { fieldSelector: `metadata.name=${DEFAULT_SERVICE_ACCOUNT}` },
    );
  }

  start(): this {
    this.unsubscribe = this.namespaces.subscribe({ onChange: (ns) => this.queue.add(ns.metadata.name ?? "") });
    this.accounts.start();
    return this;
  }

  stop(): void {
    this.unsubscribe?.();
    this.accounts.stop();
    this.queue.stop();
  }

  private async sync(namespace: string): Promise<void> {
    await Promise.all([this.namespaces.synced(), this.accounts.synced()]);
    const ns = this.namespaces.get(namespace);
    if (!ns || !isActive(ns) || this.accounts.get(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
    try {
      await this.client.create({ version: "v1", plural: "serviceaccounts", namespace }, { metadata: { name: DEFAULT_SERVICE_ACCOUNT } });
    } catch (error) {
      // Already there (the cache lagged) or the namespace started terminating meanwhile.
      if (error instanceof StatusError && (error.code === 409 || error.code === 403 || error.code === 404)) return;
      throw error;
    }
  }
}

export const isActive = (ns: StoredObject): boolean => !ns.metadata.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== "Terminating";
