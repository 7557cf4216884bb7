import type { StorageError, Watch, WatchEvent, WatchHandlers } from "./interface.js";

/**
 * One open watch: a queue of events delivered asynchronously (in a microtask), in the order they
 * were pushed. Backends push replayed history first, then live events; `push` drops events outside
 * the prefix and any event at or below the last revision already queued, so a live event that was
 * also replayed is delivered once. Handlers must not throw: if one does, the watch is cancelled and
 * the error is rethrown (from the microtask).
 */
export class Watcher implements Watch {
  private queue: WatchEvent[] = [];
  private error: StorageError | undefined;
  private scheduled = false;
  private done = false;
  private lastRevision: number;

  constructor(
    readonly prefix: string,
    afterRevision: number,
    private readonly handlers: WatchHandlers,
    private readonly onCancel: (watcher: Watcher) => void,
  ) {
    this.lastRevision = afterRevision;
  }

  /** Queues `event` if it is under the prefix and newer than everything queued so far. */
  push(event: WatchEvent): void {
    if (this.done || this.error || event.revision <= this.lastRevision) return;
    if (!event.kv.key.startsWith(this.prefix)) return;
    this.lastRevision = event.revision;
    this.queue.push(event);
    this.schedule();
  }

  /** Ends the watch with `error`, delivered after the events already queued. */
  fail(error: StorageError): void {
    if (this.done || this.error) return;
    this.error = error;
    this.schedule();
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    this.onCancel(this);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    try {
      while (!this.done && this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (let i = 0; i < batch.length && !this.done; i++) this.handlers.onEvent(batch[i]!);
      }
      if (!this.done && this.error) {
        const error = this.error;
        this.cancel();
        this.handlers.onError?.(error);
      }
    } catch (e) {
      this.cancel();
      throw e;
    }
  }
}

/**
 * The live side of watches for one storage instance: fans each committed event out to the open
 * watches. Watches on a prefix ending in "/" (nearly all: a resource, a namespace) are found by
 * the event key's own "/"-prefixes, so an event costs a few lookups, not one check per watch.
 */
export class WatchHub {
  private readonly byPrefix = new Map<string, Set<Watcher>>();
  /** Watches on any other prefix, checked one by one. */
  private readonly others = new Set<Watcher>();

  /** Registers a watch. Register before replaying history so no live event falls in between. */
  open(prefix: string, afterRevision: number, handlers: WatchHandlers): Watcher {
    const watcher = new Watcher(prefix, afterRevision, handlers, (w) => this.remove(w));
    if (prefix.endsWith("/")) {
      let set = this.byPrefix.get(prefix);
      if (!set) this.byPrefix.set(prefix, (set = new Set()));
      set.add(watcher);
    } else {
      this.others.add(watcher);
    }
    return watcher;
  }

  publish(event: WatchEvent): void {
    const key = event.kv.key;
    for (let i = key.indexOf("/"); i !== -1; i = key.indexOf("/", i + 1)) {
      const set = this.byPrefix.get(key.slice(0, i + 1));
      if (set) for (const watcher of set) watcher.push(event);
    }
    for (const watcher of this.others) watcher.push(event);
  }

  /** Ends every open watch with `error` (e.g. on close). */
  failAll(error: StorageError): void {
    for (const set of this.byPrefix.values()) for (const watcher of set) watcher.fail(error);
    for (const watcher of this.others) watcher.fail(error);
    this.byPrefix.clear();
    this.others.clear();
  }

  private remove(watcher: Watcher): void {
    const set = this.byPrefix.get(watcher.prefix);
    if (set?.delete(watcher) && set.size === 0) this.byPrefix.delete(watcher.prefix);
    this.others.delete(watcher);
  }
}
