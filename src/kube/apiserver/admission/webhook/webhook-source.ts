/**
 * The API server's caches for webhook admission, fed by informers through the loopback client
 * (DESIGN.md rule 2): the webhook configurations (upstream's configuration managers), and the
 * namespaces' labels for namespaceSelector (its namespace lister). Both start on first use, so an
 * API server whose clients never register a webhook pays one empty list per kind.
 */
import type { Clock } from "../../../../shared/clock.js";
import type { StoredObject } from "../../../api/types.js";
import type { InProcessClient } from "../../../client/in-process-client.js";
import { Informer } from "../../../client/informer.js";
import { StatusError } from "../../status.js";
import { webhooksOf, type Webhook } from "./webhook-config.js";

const GROUP = "admissionregistration.k8s.io";

/** How long a request waits for the first list before it is refused (upstream's WaitForReady). */
export const READY_TIMEOUT_MS = 10_000;

/** The webhooks of one configuration kind, flattened and ordered, rebuilt when a configuration changes. */
export class WebhookSource {
  private informer?: Informer;
  private ready = false;
  private hooks?: Webhook[];

  constructor(
    private readonly client: InProcessClient,
    private readonly plural: "mutatingwebhookconfigurations" | "validatingwebhookconfigurations",
    private readonly clock: Clock,
    /** False when this API server does not serve the kind (then there are no webhooks). */
    private readonly served: () => boolean,
  ) {}

  /** The current webhooks; undefined when the cache has not synced within READY_TIMEOUT_MS. */
  async webhooks(): Promise<Webhook[] | undefined> {
    if (this.ready) return (this.hooks ??= webhooksOf(this.informer?.list() ?? []));
    if (!this.served()) return [];
    const informer = (this.informer ??= new Informer(this.client, { group: GROUP, version: "v1", plural: this.plural }, this.clock, {
      onChange: () => (this.hooks = undefined),
      onDelete: () => (this.hooks = undefined),
    }).start());
    let cancel = (): void => {};
    const timedOut = new Promise<boolean>((resolve) => (cancel = this.clock.setTimer(READY_TIMEOUT_MS, () => resolve(false))));
    const synced = await Promise.race([informer.synced().then(() => true), timedOut]);
    cancel();
    if (!synced) return undefined;
    this.ready = true;
    return (this.hooks ??= webhooksOf(informer.list()));
  }

  stop(): void {
    this.informer?.stop();
  }
}

/** Namespace labels from a namespace informer, with a live read for one the cache has not seen yet (as upstream). */
export class NamespaceLabelSource {
  private informer?: Informer;

  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
  ) {}

  /** The namespace's labels; throws the API's 404 when it does not exist. */
  async labels(name: string): Promise<Record<string, string>> {
    const informer = (this.informer ??= new Informer(this.client, { version: "v1", plural: "namespaces" }, this.clock).start());
    await informer.synced();
    const cached = informer.get(name);
    const namespace: StoredObject = cached ?? (await this.client.get({ version: "v1", plural: "namespaces", name }));
    return namespace.metadata.labels ?? {};
  }

  stop(): void {
    this.informer?.stop();
  }
}

/** A lookup that answers undefined for a 404. */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof StatusError && error.code === 404) return undefined;
    throw error;
  }
}
