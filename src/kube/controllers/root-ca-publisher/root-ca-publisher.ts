import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { canonicalJson } from "../common/controller-ref.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";
import { isActive } from "../serviceaccount/serviceaccount-controller.js";

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
const DESCRIPTION_ANNOTATION = "kubernetes.io/description";
const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
  "No other usage is guaranteed across distributions of Kubernetes clusters.";

/**
 * kube-controller-manager's root-ca-cert-publisher: a ConfigMap `kube-root-ca.crt` with the
 * cluster CA (`ca.crt`) in every active namespace, recreated when deleted and put back when
 * changed, so pods can verify the API server through their projected service-account volume.
 */
export class RootCaPublisher {
  private readonly namespaces: SharedInformer;
  private readonly configMaps: Informer;
  private readonly queue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    private readonly caPem: string,
    clock: Clock,
    private readonly logger: Logger,
  ) {
    this.namespaces = informers.informer({ version: "v1", plural: "namespaces" });
    this.queue = new WorkQueue(clock, (ns) => this.sync(ns), {
      onError: (ns, error) => this.logger.warn("kube-root-ca.crt sync failed; retrying", { namespace: ns, error: String(error) }),
    });
    const requeue = (cm: { metadata: { namespace?: string } }) => this.queue.add(cm.metadata.namespace ?? "");
    this.configMaps = new Informer(
      client,
      { version: "v1", plural: "configmaps" },
      clock,
      { onChange: requeue, onDelete: requeue },
      { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` },
    );
  }

  start(): this {
    this.unsubscribe = this.namespaces.subscribe({ onChange: (ns) => this.queue.add(ns.metadata.name ?? "") });
    this.configMaps.start();
    return this;
  }

  stop(): void {
    this.unsubscribe?.();
    this.configMaps.stop();
    this.queue.stop();
  }

  private async sync(namespace: string): Promise<void> {
    await Promise.all([this.namespaces.synced(), this.configMaps.synced()]);
    const ns = this.namespaces.get(namespace);
    if (!ns || !isActive(ns)) return;
    const data = { "ca.crt": this.caPem };
    const current = this.configMaps.get(`${namespace}/${ROOT_CA_CONFIGMAP}`);
    const ref = { version: "v1", plural: "configmaps", namespace };
    try {
      if (!current) {
        await this.client.create(ref, { metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
        return;
      }
      const annotated = current.metadata.annotations?.[DESCRIPTION_ANNOTATION] === DESCRIPTION;
      if (annotated && canonicalJson(current.data ?? {}) === canonicalJson(data) && current.binaryData === undefined) return;
      const { binaryData: _binary, ...rest } = current;
      await this.client.update(
        { ...ref, name: ROOT_CA_CONFIGMAP },
        { ...rest, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data },
      );
    } catch (error) {
      if (error instanceof StatusError && (error.code === 403 || (error.code === 404 && !current))) return;
      throw error;
    }
  }
}
