import type { KeyValue, ListOptions, ListResult, Storage, Watch, WatchEvent, WatchHandlers } from "../interface.js";
import { storageErrors } from "../errors.js";
import { WatchHub } from "../watch-hub.js";

/**
 * Storage kept in process memory, for tests and throwaway runs; nothing survives `close`.
 *
 * Besides the current values it keeps the history as an append-only log of events, one per
 * revision, so reads at an older revision (undo the newer events) and watches from an older
 * revision (replay the log) work until `compact` drops the log at or below a revision.
 * Values are copied on the way in and out, so callers can't change stored bytes; events
 * delivered to watches may be shared between watches and must be treated as read-only.
 * Reading or compacting at a revision above the current one uses the current revision.
 */
export class MemoryStorage implements Storage {
  private revision = 0;
  private compacted = 0;
  private readonly current = new Map<string, KeyValue>();
  /** Every event after `compacted`; revisions are dense, so revision r is at log[r - compacted - 1]. */
  private log: WatchEvent[] = [];
  private readonly hub = new WatchHub();
  private closed = false;

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    const kv = this.current.get(key);
    return kv && copyKeyValue(kv);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const revision = this.readRevision(options.revision);
    const state = this.stateAt(prefix, revision);
    const { startAfter, limit } = options;
    const keys = [...state.keys()].filter((key) => startAfter === undefined || key > startAfter).sort();
    const page = limit !== undefined && limit > 0 ? keys.slice(0, limit) : keys;
    const remaining = keys.length - page.length;
    return { items: page.map((key) => copyKeyValue(state.get(key)!)), revision, more: remaining > 0, remaining };
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    this.assertOpen();
    if (this.current.has(key)) throw storageErrors.keyExists(key);
    const revision = this.revision + 1;
    const kv = { key, value: new Uint8Array(value), createRevision: revision, modRevision: revision };
    return this.commit({ type: "put", kv, revision });
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<number> {
    const prev = this.expect(key, expectedModRevision);
    const revision = this.revision + 1;
    const kv = { key, value: new Uint8Array(value), createRevision: prev.createRevision, modRevision: revision };
    return this.commit({ type: "put", kv, prev, revision });
  }

  async delete(key: string, expectedModRevision: number): Promise<number> {
    const prev = this.expect(key, expectedModRevision);
    const revision = this.revision + 1;
    return this.commit({ type: "delete", kv: { ...prev, modRevision: revision }, prev, revision });
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    const watcher = this.hub.open(prefix, afterRevision, handlers);
    if (this.closed) {
      watcher.fail(storageErrors.closed());
    } else if (afterRevision < this.compacted) {
      watcher.fail(storageErrors.compacted(afterRevision, this.compacted));
    } else {
      for (const event of this.log.slice(Math.max(0, afterRevision - this.compacted))) {
        if (event.kv.key.startsWith(prefix)) watcher.push(copyEvent(event));
      }
    }
    return watcher;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const target = Math.min(revision, this.revision);
    if (target <= this.compacted) return;
    this.log = this.log.slice(target - this.compacted);
    this.compacted = target;
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compacted;
  }

  /** Ends open watches with an Unavailable error; later calls fail with Unavailable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.failAll(storageErrors.closed());
  }

  private assertOpen(): void {
    if (this.closed) throw storageErrors.closed();
  }

  private readRevision(requested: number | undefined): number {
    if (!requested) return this.revision;
    if (requested < this.compacted) throw storageErrors.compacted(requested, this.compacted);
    return Math.min(requested, this.revision);
  }

  /** The keys under `prefix` as of `revision`: the current ones with newer events undone. */
  private stateAt(prefix: string, revision: number): Map<string, KeyValue> {
    const state = new Map<string, KeyValue>();
    for (const [key, kv] of this.current) if (key.startsWith(prefix)) state.set(key, kv);
    for (let r = this.revision; r > revision; r--) {
      const event = this.log[r - this.compacted - 1]!;
      if (!event.kv.key.startsWith(prefix)) continue;
      if (event.prev) state.set(event.kv.key, event.prev);
      else state.delete(event.kv.key);
    }
    return state;
  }

  private expect(key: string, expectedModRevision: number): KeyValue {
    this.assertOpen();
    const kv = this.current.get(key);
    if (!kv) throw storageErrors.keyNotFound(key);
    if (kv.modRevision !== expectedModRevision) throw storageErrors.conflict(key, expectedModRevision, kv.modRevision);
    return kv;
  }

  private commit(event: WatchEvent): number {
    this.revision = event.revision;
    this.log.push(event);
    if (event.type === "put") this.current.set(event.kv.key, event.kv);
    else this.current.delete(event.kv.key);
    this.hub.publish(copyEvent(event));
    return event.revision;
  }
}

const copyKeyValue = (kv: KeyValue): KeyValue => ({ ...kv, value: new Uint8Array(kv.value) });

const copyEvent = (event: WatchEvent): WatchEvent => ({
  ...event,
  kv: copyKeyValue(event.kv),
  ...(event.prev && { prev: copyKeyValue(event.prev) }),
});
