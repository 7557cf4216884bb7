import type { StoredObject } from "../api/types.js";
import type { Clock } from "../../shared/clock.js";
import type { InProcessClient, ResourceRef } from "./in-process-client.js";

/** `namespace/name`, or `name` for cluster-scoped objects: how caches and work queues name objects. */
export const objectKey = (obj: { metadata: { namespace?: string; name?: string } }): string =>
  obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ""}` : (obj.metadata.name ?? "");

export interface InformerHandlers {
  onChange?(obj: StoredObject, previous?: StoredObject): void;
  onDelete?(obj: StoredObject): void;
}

/**
 * List + watch with relist on expiry or stream end (client-go's reflector and indexer, small).
 * Keeps a cache of every object by `objectKey`, calls `onChange` with every object seen (with the
 * cached previous version) and `onDelete` with removed ones, including those a relist no longer
 * finds. Stops on `stop()`.
 */
export class Informer {
  private readonly cache = new Map<string, StoredObject>();
  private cancelWatch?: () => void;
  private cancelRetry?: () => void;
  private stopped = false;
  private syncedOnce = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    private readonly client: InProcessClient,
    private readonly ref: ResourceRef,
    private readonly clock: Clock,
    private readonly handlers: InformerHandlers = {},
    private readonly query: Record<string, string> = {},
  ) {}

  start(): this {
    void this.run();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.cancelWatch?.();
    this.cancelRetry?.();
  }

  /** Resolves once the first list has been delivered. */
  synced(): Promise<void> {
    if (this.syncedOnce) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(key: string): StoredObject | undefined {
    return this.cache.get(key);
  }

  list(): StoredObject[] {
    return [...this.cache.values()];
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.client.list(this.ref, this.query);
      if (this.stopped) return;
      const seen = new Set<string>();
      for (const obj of list.items) {
        const key = objectKey(obj);
        seen.add(key);
        this.upsert(key, obj);
      }
      for (const [key, obj] of [...this.cache]) {
        if (seen.has(key)) continue;
        this.cache.delete(key);
        this.handlers.onDelete?.(obj);
      }
      if (!this.syncedOnce) {
        this.syncedOnce = true;
        this.syncWaiters.splice(0).forEach((resolve) => resolve());
      }
      const watch = this.client.watch(
        this.ref,
        { ...this.query, resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: "true" },
        (event) => {
          if (event.type === "ADDED" || event.type === "MODIFIED") this.upsert(objectKey(event.object), event.object);
          else if (event.type === "DELETED") {
            const key = objectKey(event.object);
            this.cache.delete(key);
            this.handlers.onDelete?.(event.object);
          }
        },
        () => this.retry(0),
      );
      this.cancelWatch = () => watch.cancel();
    } catch {
      this.retry(1000);
    }
  }

  private upsert(key: string, obj: StoredObject): void {
    const previous = this.cache.get(key);
    if (previous && previous.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.cache.set(key, obj);
    this.handlers.onChange?.(obj, previous);
  }

  private retry(delayMs: number): void {
    if (this.stopped) return;
    this.cancelRetry = this.clock.setTimer(delayMs, () => void this.run());
  }
}
