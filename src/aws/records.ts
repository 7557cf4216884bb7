import { isStorageError, type Storage, type StorageError } from "../storage/interface.js";

/**
 * AWS-side resources kept as JSON under `/aws/<account>/<region>/<service>/<kind>/<id>` in the
 * same store as the clusters (DESIGN.md rule 1). Updates are compare-and-swap with retry.
 */
export interface Scope {
  accountId: string;
  region: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RecordWatchHandlers<T> {
  onPut(value: T): void;
  onDelete(lastValue: T): void;
  /** The watch ended (e.g. storage closed); no calls follow. */
  onError?(error: StorageError): void;
}

export class RecordStore<T> {
  /** Record key → the end of the queue of this process's updates to it. */
  private readonly updating = new Map<string, Promise<void>>();

  constructor(
    private readonly storage: Storage,
    private readonly service: string,
    private readonly kind: string,
  ) {}

  prefix(scope: Scope): string {
    return `/aws/${scope.accountId}/${scope.region}/${this.service}/${this.kind}/`;
  }

  async get(scope: Scope, id: string): Promise<T | undefined> {
    const kv = await this.storage.get(this.prefix(scope) + id);
    return kv ? (JSON.parse(decoder.decode(kv.value)) as T) : undefined;
  }

  /** Every record in the scope (whose id starts with `idPrefix`), in id order. */
  async list(scope: Scope, idPrefix = ""): Promise<T[]> {
    return (await this.listAt(scope, idPrefix)).items;
  }

  /** Every record in the scope and the revision the list was read at (to watch from). */
  private async listAt(scope: Scope, idPrefix = ""): Promise<{ items: T[]; revision: number }> {
    const items: T[] = [];
    let startAfter: string | undefined;
    let revision: number | undefined;
    for (;;) {
      const page = await this.storage.list(this.prefix(scope) + idPrefix, { limit: 500, startAfter, revision });
      for (const kv of page.items) items.push(JSON.parse(decoder.decode(kv.value)) as T);
      revision = page.revision;
      if (!page.more) return { items, revision };
      startAfter = page.items[page.items.length - 1]?.key;
    }
  }

  /**
   * List + watch (DESIGN.md rule 1): `onPut` for every record now, then for every write after it;
   * `onDelete` with the last value of a deleted record. If the history is compacted under the
   * watch, it lists again and replays every record as a put. Returns a cancel function.
   */
  watch(scope: Scope, handlers: RecordWatchHandlers<T>): () => void {
    let cancelled = false;
    let watch: { cancel(): void } | undefined;
    const start = async (): Promise<void> => {
      const { items, revision } = await this.listAt(scope);
      if (cancelled) return;
      for (const item of items) handlers.onPut(item);
      watch = this.storage.watch(this.prefix(scope), revision, {
        onEvent: (event) => {
          const value = JSON.parse(decoder.decode(event.kv.value)) as T;
          if (event.type === "put") handlers.onPut(value);
          else handlers.onDelete(value);
        },
        onError: (error) => {
          if (cancelled) return;
          if (isStorageError(error, "Compacted")) void start().catch((e: unknown) => handlers.onError?.(e as StorageError));
          else handlers.onError?.(error);
        },
      });
      if (cancelled) watch.cancel();
    };
    void start().catch((error: unknown) => handlers.onError?.(error as StorageError));
    return () => {
      cancelled = true;
      watch?.cancel();
    };
  }

  /** false when a record with that id exists already. */
  async create(scope: Scope, id: string, value: T): Promise<boolean> {
    try {
      await this.storage.create(this.prefix(scope) + id, encoder.encode(JSON.stringify(value)));
      return true;
    } catch (error) {
      if (isStorageError(error, "KeyExists")) return false;
      throw error;
    }
  }

  /**
   * Applies `mutate` to the current record until the write wins. `mutate` may throw to abort
   * (nothing is written) and returns undefined to delete the record. Returning `current` itself
   * writes nothing. Returns the final value.
   */
  update(scope: Scope, id: string, mutate: (current: T) => T | undefined): Promise<T | undefined> {
    const key = this.prefix(scope) + id;
    // Writers of one record in this process take turns: concurrent ones (a node group's nodes all
    // taking addresses from one subnet) would otherwise lose compare-and-swap races and re-read
    // the record again and again. Compare-and-swap still guards against other processes.
    const previous = this.updating.get(key) ?? Promise.resolve();
    const turn = previous.then(
      () => this.updateNow(key, mutate),
      () => this.updateNow(key, mutate),
    );
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.updating.set(key, settled);
    void settled.then(() => {
      if (this.updating.get(key) === settled) this.updating.delete(key);
    });
    return turn;
  }

  private async updateNow(key: string, mutate: (current: T) => T | undefined): Promise<T | undefined> {
    for (;;) {
      const kv = await this.storage.get(key);
      if (!kv) return undefined;
      const current = JSON.parse(decoder.decode(kv.value)) as T;
      const next = mutate(current);
      if (next === current) return current;
      try {
        if (next === undefined) await this.storage.delete(key, kv.modRevision);
        else await this.storage.update(key, encoder.encode(JSON.stringify(next)), kv.modRevision);
        return next;
      } catch (error) {
        if (isStorageError(error, "Conflict") || isStorageError(error, "KeyNotFound")) continue;
        throw error;
      }
    }
  }

  async delete(scope: Scope, id: string): Promise<void> {
    await this.update(scope, id, () => undefined);
  }
}
