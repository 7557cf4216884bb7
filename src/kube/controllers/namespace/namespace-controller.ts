import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { StoredObject } from "../../api/types.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";

/** The finalizer kube-apiserver puts in every namespace's spec; this controller removes it. */
export const NAMESPACE_FINALIZER = "kubernetes";

/**
 * kube-controller-manager's namespace controller: when a namespace is deleted (Terminating),
 * delete everything in it through the API, then remove the `kubernetes` finalizer via
 * /finalize so the API server removes the namespace.
 */
export class NamespaceController {
  private readonly informer: Informer;
  private readonly active = new Set<string>();
  private readonly pendingRetries = new Map<string, () => void>();

  constructor(
    private readonly client: InProcessClient,
    /** Read at each cleanup: custom resources come and go with their CRDs. */
    private readonly namespacedResources: () => ResourceDescriptor[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.informer = new Informer(client, { version: "v1", plural: "namespaces" }, clock, {
      onChange: (ns) => this.enqueue(ns),
    });
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
    this.pendingRetries.forEach((cancel) => cancel());
  }

  private enqueue(ns: StoredObject): void {
    const name = ns.metadata.name ?? "";
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    if (!ns.metadata.deletionTimestamp || !(spec.finalizers ?? []).includes(NAMESPACE_FINALIZER)) return;
    if (this.active.has(name)) return;
    this.active.add(name);
    void this.finalize(name).finally(() => this.active.delete(name));
  }

  private async finalize(name: string): Promise<void> {
    try {
      let remaining = 0;
      for (const d of this.namespacedResources()) {
        const ref = { group: d.group, version: d.version, plural: d.plural, namespace: name };
        const list = await this.client.list(ref);
        for (const obj of list.items) {
          try {
            await this.client.delete({ ...ref, name: obj.metadata.name ?? "" }, { propagationPolicy: "Background" });
          } catch (error) {
            if (!(error instanceof StatusError && error.code === 404)) throw error;
          }
        }
        if (list.items.length > 0) remaining += (await this.client.list(ref)).items.length;
      }
      if (remaining > 0) return this.retryLater(name);
      const ns = await this.client.get({ version: "v1", plural: "namespaces", name });
      const spec = (ns.spec ?? {}) as { finalizers?: string[] };
      await this.client.update(
        { version: "v1", plural: "namespaces", name, subresource: "finalize" },
        { ...ns, spec: { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER) } },
      );
    } catch (error) {
      const namespaceGone = error instanceof StatusError && error.code === 404 && error.details?.kind === "namespaces" && error.details.name === name;
      if (namespaceGone) return;
      this.logger.warn("namespace finalization failed; retrying", { namespace: name, error: String(error) });
      this.retryLater(name);
    }
  }

  /** Objects with finalizers of their own may take a while; look again shortly. */
  private retryLater(name: string): void {
    this.pendingRetries.get(name)?.();
    this.pendingRetries.set(
      name,
      this.clock.setTimer(1000, () => {
        this.pendingRetries.delete(name);
        void this.client
          .get({ version: "v1", plural: "namespaces", name })
          .then((ns) => this.enqueue(ns))
          .catch(() => undefined);
      }),
    );
  }
}
