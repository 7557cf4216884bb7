import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import type { ApiHandler, ApiResponder } from "../apiserver/api-handler.js";
import { StatusError } from "../apiserver/status.js";

export interface ResourceRef {
  group?: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function resourcePath(ref: ResourceRef): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : "";
  const name = ref.name ? `/${encodeURIComponent(ref.name)}` : "";
  const sub = ref.subresource ? `/${ref.subresource}` : "";
  return `${base}${ns}/${ref.plural}${name}${sub}`;
}

export interface WatchEventOf<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface ObjectList {
  metadata: { resourceVersion: string; continue?: string };
  items: StoredObject[];
}

/** The User-Agent of an in-process component, named like the real binary: it names the field manager of its writes. */
export function inProcessUserAgent(user: UserInfo): string {
  const name = user.username;
  const product = name.startsWith("system:node:")
    ? "kubelet"
    : name === "system:apiserver"
      ? "kube-apiserver"
      : name === "system:kube-controller-manager" || name === "system:kube-scheduler"
        ? name.slice("system:".length)
        : "minieks";
  return `${product}/v1.34.0 (linux/amd64) minieks`;
}

/**
 * How in-process components (controllers, scheduler, kubelets, EKS reconcilers) talk to a
 * cluster: the same handler HTTP requests reach, as their own user, with the same
 * authorization, admission, validation and optimistic concurrency (DESIGN.md rule 2).
 */
export class InProcessClient {
  constructor(
    private readonly handler: ApiHandler,
    readonly user: UserInfo,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: { query?: Record<string, string>; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const body = options.body === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(options.body));
    return new Promise<T>((resolve, reject) => {
      const responder: ApiResponder = {
        send: (status, _contentType, payload) => {
          const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain-text replies (e.g. /healthz) stay strings
          }
          if (status >= 400) reject(statusErrorOf(status, parsed, text));
          else resolve(parsed as T);
        },
        sendObject: (status, obj) => {
          if (status >= 400) reject(statusErrorOf(status, obj, JSON.stringify(obj)));
          else resolve(obj as T);
        },
        stream: () => {
          reject(new Error("use watch() for streaming requests"));
          return { write() {}, end() {}, onClose() {} };
        },
      };
      void this.handler.handle(
        {
          method,
          path,
          query: new URLSearchParams(options.query ?? {}),
          accept: "application/json",
          contentType: options.contentType ?? "application/json",
          body,
          user: this.user,
          userAgent: inProcessUserAgent(this.user),
        },
        responder,
      );
    });
  }

  get(ref: ResourceRef): Promise<StoredObject> {
    return this.request("GET", resourcePath(ref));
  }

  list(ref: ResourceRef, query: Record<string, string> = {}): Promise<ObjectList> {
    return this.request("GET", resourcePath(ref), { query });
  }

  create(ref: ResourceRef, obj: KubeObject): Promise<StoredObject> {
    return this.request("POST", resourcePath(ref), { body: obj });
  }

  update(ref: ResourceRef, obj: KubeObject): Promise<StoredObject> {
    return this.request("PUT", resourcePath(ref), { body: obj });
  }

  patch(ref: ResourceRef, patch: unknown, type: "merge" | "json" | "strategic" = "merge"): Promise<StoredObject> {
    const contentType = { merge: "application/merge-patch+json", json: "application/json-patch+json", strategic: "application/strategic-merge-patch+json" }[type];
    return this.request("PATCH", resourcePath(ref), { body: patch, contentType });
  }

  delete(ref: ResourceRef, options: { gracePeriodSeconds?: number; propagationPolicy?: string } = {}): Promise<unknown> {
    return this.request("DELETE", resourcePath(ref), { body: options });
  }

  /** Streams watch events until `cancel()` or the server ends the watch (then `onClose`). */
  watch(
    ref: ResourceRef,
    query: Record<string, string>,
    onEvent: (event: WatchEventOf<StoredObject>) => void,
    onClose: (error?: Error) => void,
  ): { cancel(): void } {
    const closers: (() => void)[] = [];
    let closed = false;
    const finish = (error?: Error) => {
      if (closed) return;
      closed = true;
      closers.splice(0).forEach((c) => c());
      onClose(error);
    };
    const responder: ApiResponder = {
      send: (status, _type, payload) => {
        const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not a Status; reported with the raw text
        }
        finish(statusErrorOf(status, parsed, text));
      },
      stream: () => ({
        write: (event) => {
          if (closed) return;
          if (FREEZE_WATCH_OBJECTS) deepFreeze(event);
          onEvent(event as WatchEventOf<StoredObject>);
        },
        end: () => finish(),
        onClose: (listener) => {
          if (closed) listener();
          else closers.push(listener);
        },
      }),
    };
    void this.handler.handle(
      {
        method: "GET",
        path: resourcePath(ref),
        query: new URLSearchParams({ ...query, watch: "true" }),
        accept: "application/json",
        contentType: "",
        body: new Uint8Array(),
        user: this.user,
      },
      responder,
    );
    return { cancel: () => finish() };
  }
}

/** The StatusError a non-2xx reply stands for, from its Status body when it has one. */
function statusErrorOf(status: number, parsed: unknown, text: string): StatusError {
  const s = (parsed !== null && typeof parsed === "object" ? parsed : {}) as { code?: number; reason?: string; message?: string; details?: never };
  return new StatusError(s.code ?? status, s.reason ?? "Unknown", s.message ?? text, s.details);
}

/**
 * Watch events are shared by every watcher (decoded once), so they must not be changed. The unit
 * tests set MINIEKS_FREEZE_WATCH_OBJECTS=1, which freezes them: a component that mutates one fails
 * loudly there instead of corrupting its neighbours' caches.
 */
const FREEZE_WATCH_OBJECTS = process.env.MINIEKS_FREEZE_WATCH_OBJECTS === "1";

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
