import type { Clock } from "../../../shared/clock.js";
import type { StoredObject } from "../../api/types.js";
import type { InProcessClient, ResourceRef } from "../../client/in-process-client.js";
import { Informer, objectKey, type InformerHandlers } from "../../client/informer.js";

type IndexFn = (obj: StoredObject) => string[];

/**
 * One Informer shared by every controller of a cluster that watches the same resource
 * (client-go's SharedIndexInformer): one list+watch and one cache, several subscribers, and
 * named indexes (e.g. pods by controlling owner uid) so controllers never scan all objects.
 * Objects from the cache are shared: callers must not change them.
 */
export class SharedInformer {
  private readonly informer: Informer;
  private readonly subscribers = new Set<InformerHandlers>();
  private readonly indexFns = new Map<string, IndexFn>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexedValues = new Map<string, Map<string, string[]>>();
  private started = false;

  constructor(
    client: InProcessClient,
    ref: ResourceRef,
    clock: Clock,
    private readonly onIdle: () => void,
  ) {
    this.informer = new Informer(client, ref, clock, {
      onChange: (obj, previous) => {
        this.reindex(objectKey(obj), obj);
        for (const s of this.subscribers) s.onChange?.(obj, previous);
      },
      onDelete: (obj) => {
        this.reindex(objectKey(obj), undefined);
        for (const s of this.subscribers) s.onDelete?.(obj);
      },
    });
  }

  /** Adds handlers; objects already cached are replayed to them as changes. Returns the unsubscribe function. */
  subscribe(handlers: InformerHandlers): () => void {
    this.subscribers.add(handlers);
    if (!this.started) {
      this.started = true;
      this.informer.start();
    } else {
      for (const obj of this.informer.list()) handlers.onChange?.(obj);
    }
    return () => {
      if (!this.subscribers.delete(handlers)) return;
      if (this.subscribers.size === 0) {
        this.informer.stop();
        this.onIdle();
      }
    };
  }

  /** Declares an index; later calls with the same name are ignored (the first definition wins). */
  addIndex(name: string, fn: IndexFn): void {
    if (this.indexFns.has(name)) return;
    this.indexFns.set(name, fn);
    const index = new Map<string, Set<string>>();
    const values = new Map<string, string[]>();
    this.indexes.set(name, index);
    this.indexedValues.set(name, values);
    for (const obj of this.informer.list()) this.indexOne(name, fn, objectKey(obj), obj);
  }

  /** Cached objects whose index `name` yields `value`. */
  byIndex(name: string, value: string): StoredObject[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: StoredObject[] = [];
    for (const key of keys) {
      const obj = this.informer.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** How many cached objects index `name` puts under `value`. */
  countByIndex(name: string, value: string): number {
    return this.indexes.get(name)?.get(value)?.size ?? 0;
  }

  get(key: string): StoredObject | undefined {
    return this.informer.get(key);
  }

  list(): StoredObject[] {
    return this.informer.list();
  }

  synced(): Promise<void> {
    return this.informer.synced();
  }

  private reindex(key: string, obj: StoredObject | undefined): void {
    for (const [name, fn] of this.indexFns) this.indexOne(name, fn, key, obj);
  }

  private indexOne(name: string, fn: IndexFn, key: string, obj: StoredObject | undefined): void {
    const index = this.indexes.get(name) as Map<string, Set<string>>;
    const values = this.indexedValues.get(name) as Map<string, string[]>;
    for (const old of values.get(key) ?? []) {
      const set = index.get(old);
      set?.delete(key);
      if (set?.size === 0) index.delete(old);
    }
    if (!obj) {
      values.delete(key);
      return;
    }
    const next = fn(obj);
    if (next.length === 0) values.delete(key);
    else values.set(key, next);
    for (const value of next) {
      let set = index.get(value);
      if (!set) index.set(value, (set = new Set()));
      set.add(key);
    }
  }
}

/** The shared informers of one cluster's controllers, keyed by resource. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer>();

  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
  ) {}

  informer(ref: ResourceRef): SharedInformer {
    const key = `${ref.group ?? ""}/${ref.version}/${ref.plural}`;
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new SharedInformer(this.client, { group: ref.group, version: ref.version, plural: ref.plural }, this.clock, () => {
        this.informers.delete(key);
      });
      this.informers.set(key, informer);
    }
    return informer;
  }
}

const factories = new WeakMap<object, SharedInformerFactory>();

/**
 * The factory of the cluster served by `handler` (one per cluster; informers stop when their
 * last subscriber leaves). `client` is used the first time only: kube-controller-manager's.
 */
export function sharedInformers(handler: object, client: () => InProcessClient, clock: Clock): SharedInformerFactory {
  let factory = factories.get(handler);
  if (!factory) {
    factory = new SharedInformerFactory(client(), clock);
    factories.set(handler, factory);
  }
  return factory;
}

/**
 * Resolves when every informer has delivered its first list: controllers act only then, so a
 * restarted controller never creates pods it merely has not seen yet (WaitForCacheSync).
 */
export function allSynced(informers: SharedInformer[]): Promise<void> {
  return Promise.all(informers.map((i) => i.synced())).then(() => undefined);
}
