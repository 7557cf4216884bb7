import type { StoredObject } from "../../api/types.js";
import type { ResourceStore } from "../registry/resource-store.js";

/**
 * The objects of one resource by namespace, for admission plugins (LimitRanger, ResourceQuota):
 * one list, then a storage watch keeps it current, so a pod create never scans storage. A compacted
 * or closed watch drops the cache; the next lookup lists again.
 */
export class NamespaceCache {
  private byNamespace?: Map<string, Map<string, StoredObject>>;
  private loading?: Promise<Map<string, Map<string, StoredObject>>>;
  private cancelWatch?: () => void;
  private closed = false;

  constructor(private readonly store: () => ResourceStore | undefined) {}

  async list(namespace: string): Promise<StoredObject[]> {
    const all = await this.all();
    const items = [...(all?.get(namespace)?.values() ?? [])];
    return items.sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  }

  close(): void {
    this.closed = true;
    this.cancelWatch?.();
    this.byNamespace = undefined;
  }

  private async all(): Promise<Map<string, Map<string, StoredObject>> | undefined> {
    const store = this.store();
    if (!store || this.closed) return undefined;
    if (this.byNamespace) return this.byNamespace;
    this.loading ??= this.load(store).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(store: ResourceStore): Promise<Map<string, Map<string, StoredObject>>> {
    const page = await store.list(undefined);
    const map = new Map<string, Map<string, StoredObject>>();
    const put = (obj: StoredObject) => {
      const ns = obj.metadata.namespace ?? "";
      let inner = map.get(ns);
      if (!inner) map.set(ns, (inner = new Map()));
      inner.set(obj.metadata.name ?? "", obj);
    };
    for (const obj of page.items) put(obj);
    this.cancelWatch?.();
    this.cancelWatch = store.watch(
      undefined,
      Number(page.resourceVersion),
      (type, obj) => {
        if (type !== "DELETED") return put(obj);
        const inner = map.get(obj.metadata.namespace ?? "");
        inner?.delete(obj.metadata.name ?? "");
        if (inner?.size === 0) map.delete(obj.metadata.namespace ?? "");
      },
      () => {
        if (this.byNamespace === map) this.byNamespace = undefined;
      },
    );
    if (!this.closed) this.byNamespace = map;
    return map;
  }
}
