import { parse as parseYaml } from "yaml";
import type { Clock } from "../../shared/clock.js";
import type { Storage } from "../../storage/interface.js";
import { qualifiedResource, type ResourceDescriptor } from "../api/descriptor.js";
import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import type { Authorizer } from "./auth/authorizer.js";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from "./discovery.js";
import { OPENAPI_V2_CONTENT_TYPE, openApiV2Protobuf, openApiV3Index, openApiV3Json } from "./openapi.js";
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, CORE_PATCH_SCHEMA, patchTypeOf } from "./patch.js";
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF } from "./protobuf/decode.js";
import { ResourceStore } from "./registry/resource-store.js";
import { parseRequestPath, type ResourceRequestInfo } from "./request-info.js";
import { fieldSelectorFields, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { errors, StatusError } from "./status.js";
import { toTable, wantsTable } from "./table.js";
import { checkFields, type FieldValidation } from "./field-validation.js";
import { base64DecodeError } from "../api/core-v1-validation.js";

/** A request after authentication, independent of HTTP (the in-process client builds these too). */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  contentType: string;
  body: Uint8Array;
  user: UserInfo;
}

/** A watch stream: one JSON event per `write`. */
export interface EventStream {
  write(event: unknown): void;
  end(): void;
  /** Called once when the client goes away (or the stream ends). */
  onClose(listener: () => void): void;
}

/** Where a handler writes its answer: a whole body, or a stream for watches. */
export interface ApiResponder {
  send(status: number, contentType: string, body: string | Uint8Array, headers?: Record<string, string>): void;
  stream(status: number, contentType: string): EventStream;
}

export interface ApiHandlerOptions {
  storage: Storage;
  /** Storage prefix of this cluster's objects, e.g. `/k8s/<id>/registry`. */
  registryRoot: string;
  descriptors: ResourceDescriptor[];
  clock: Clock;
  authorizer: Authorizer;
  version: { major: string; minor: string; gitVersion: string };
  /** host:port clients reach this server at (for APIVersions). */
  serverAddress: () => string;
  /** Upstream picks a random watch timeout in [MinRequestTimeout, 2×MinRequestTimeout). */
  defaultWatchTimeoutSeconds?: number;
  bookmarkIntervalSeconds?: number;
}

const JSON_TYPE = "application/json";

/**
 * One cluster's Kubernetes API: discovery, OpenAPI and the REST verbs for every descriptor,
 * over the generic registry. HTTP and the in-process client both call `handle`.
 */
export class ApiHandler {
  private readonly stores = new Map<string, ResourceStore>();

  constructor(private readonly options: ApiHandlerOptions) {
    for (const d of options.descriptors) {
      this.stores.set(`${d.group}/${d.version}/${d.plural}`, new ResourceStore(options.storage, options.registryRoot, d, options.clock));
    }
  }

  store(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.stores.get(`${group}/${version}/${plural}`);
  }

  async handle(req: ApiRequest, res: ApiResponder): Promise<void> {
    try {
      const info = parseRequestPath(req.path);
      if (!info.isResourceRequest) return this.handleNonResource(req, res);
      await this.handleResource(req, info, res);
    } catch (error) {
      const status = error instanceof StatusError ? error : errors.internal(error instanceof Error ? error.message : String(error));
      res.send(status.code, JSON_TYPE, JSON.stringify(status.toStatus()));
    }
  }

  private handleNonResource(req: ApiRequest, res: ApiResponder): void {
    const { descriptors } = this.options;
    const path = req.path.replace(/\/+$/, "") || "/";
    const json = (body: unknown, contentType = JSON_TYPE) => res.send(200, contentType, JSON.stringify(body));
    if (req.method !== "GET" && req.method !== "HEAD") throw errors.methodNotAllowed(req.method);
    switch (path) {
      case "/version": {
        const { major, minor, gitVersion } = this.options.version;
        return json({
          major,
          minor,
          gitVersion,
          gitCommit: "0000000000000000000000000000000000000000",
          gitTreeState: "clean",
          buildDate: "2026-01-01T00:00:00Z",
          goVersion: "go1.24.0",
          compiler: "gc",
          platform: "linux/amd64",
        });
      }
      case "/healthz":
      case "/livez":
      case "/readyz":
        return res.send(200, "text/plain; charset=utf-8", "ok");
      case "/api":
      case "/apis": {
        const aggregated = wantsAggregated(req.accept);
        if (aggregated) return json(aggregatedDiscovery(descriptors, path === "/api", aggregated), aggregatedContentType(aggregated));
        return json(path === "/api" ? apiVersions(this.options.serverAddress()) : apiGroupList(descriptors));
      }
      case "/openapi/v2":
        return res.send(200, OPENAPI_V2_CONTENT_TYPE, openApiV2Protobuf());
      case "/openapi/v3":
        return json(openApiV3Index(descriptors));
    }
    if (path.startsWith("/openapi/v3/")) {
      // Served as the exact bytes the index hash was computed over (clients cache by that hash).
      const doc = openApiV3Json(descriptors, path.slice("/openapi/v3/".length));
      if (doc) return res.send(200, JSON_TYPE, doc.json, { etag: `"${doc.hash}"` });
    }
    const discovery = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (discovery) {
      const group = discovery[2] ?? "";
      const version = discovery[1] ?? discovery[3] ?? "";
      if (descriptors.some((d) => d.group === group && d.version === version)) return json(apiResourceList(descriptors, group, version));
    }
    const groupPath = /^\/apis\/([^/]+)$/.exec(path);
    const group = groupPath && apiGroupList(descriptors).groups.find((g) => g.name === groupPath[1]);
    if (group) return json({ kind: "APIGroup", apiVersion: "v1", ...group });
    throw errors.pathNotFound();
  }

  private async handleResource(req: ApiRequest, info: ResourceRequestInfo, res: ApiResponder): Promise<void> {
    const store = this.store(info.group, info.version, info.resource);
    if (!store) throw errors.pathNotFound();
    const d = store.descriptor;
    if (!d.namespaced && info.namespace) throw errors.pathNotFound();
    if (info.subresource && !d.subresources.includes(info.subresource)) throw errors.pathNotFound();

    const watch = req.query.get("watch") === "true" || req.query.get("watch") === "1";
    const verb = verbFor(req.method, Boolean(info.name), watch);
    if (!verb) throw errors.methodNotAllowed(req.method);
    if (!d.verbs.includes(verb) && !info.subresource) throw errors.methodNotAllowed(req.method);
    await this.authorize(req.user, verb, info, d);

    const ns = d.namespaced ? info.namespace : undefined;
    const dryRun = req.query.getAll("dryRun").includes("All");
    switch (verb) {
      case "get":
        return this.respondObject(req, res, 200, await store.get(ns, info.name ?? ""));
      case "list":
        return this.list(req, res, store, ns);
      case "watch":
        return this.watch(req, res, store, ns, info.name);
      case "create": {
        if (info.subresource) throw errors.methodNotAllowed(req.method);
        const { obj, warnings } = this.decodeBody(req, d);
        await this.admitNamespace(d, ns, obj);
        return this.respondObject(req, res, 201, await store.create(ns, obj, { dryRun }), warnings);
      }
      case "update": {
        const { obj, warnings } = this.decodeBody(req, d);
        const updated = await store.update(ns, info.name ?? "", () => obj, { dryRun, subresource: info.subresource });
        return this.respondObject(req, res, 200, updated, warnings);
      }
      case "patch": {
        const type = patchTypeOf(req.contentType);
        if (!type) throw errors.unsupportedMediaType(req.contentType);
        if (type === "apply") {
          throw new StatusError(415, "UnsupportedMediaType", "server-side apply (application/apply-patch+yaml) is not implemented by minieks yet; use client-side apply");
        }
        const patch = this.parseJson(req.body);
        const updated = await store.update(
          ns,
          info.name ?? "",
          (current) => {
            if (type === "json") return applyJsonPatch(current, patch) as KubeObject;
            if (type === "merge") return applyMergePatch(current, patch) as KubeObject;
            return applyStrategicMergePatch(current, patch, CORE_PATCH_SCHEMA) as KubeObject;
          },
          { dryRun, subresource: info.subresource },
        );
        return this.respondObject(req, res, 200, updated);
      }
      case "delete": {
        const opts = this.deleteOptions(req);
        const { object, deleted } = await store.delete(ns, info.name ?? "", { ...opts, dryRun });
        if (deleted && !returnsDeletedObject(d)) {
          return res.send(200, JSON_TYPE, JSON.stringify({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Success",
            details: { name: object.metadata.name, group: d.group || undefined, kind: d.plural, uid: object.metadata.uid },
          }));
        }
        return this.respondObject(req, res, deleted ? 200 : 202, object);
      }
      case "deletecollection": {
        const page = await store.list(ns, { filter: this.selectorFilter(req, d) });
        const opts = this.deleteOptions(req);
        const removed: StoredObject[] = [];
        for (const obj of page.items) {
          try {
            removed.push((await store.delete(obj.metadata.namespace, obj.metadata.name ?? "", { gracePeriodSeconds: opts.gracePeriodSeconds, dryRun })).object);
          } catch (error) {
            if (!(error instanceof StatusError && error.code === 404)) throw error;
          }
        }
        return res.send(200, JSON_TYPE, JSON.stringify(listOf(d, removed, String(await store.currentRevision()))));
      }
    }
  }

  private async authorize(user: UserInfo, verb: string, info: ResourceRequestInfo, d: ResourceDescriptor): Promise<void> {
    const decision = await this.options.authorizer.authorize({
      user,
      verb,
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
    });
    if (decision.allowed) return;
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    const where = info.namespace ? `in the namespace "${info.namespace}"` : "at the cluster scope";
    const subject = info.name ? `${qualifiedResource(d)} "${info.name}"` : qualifiedResource(d);
    throw errors.forbidden(
      `${subject} is forbidden: User "${user.username}" cannot ${verb} resource "${resource}" in API group "${info.group}" ${where}${decision.reason ? `: ${decision.reason}` : ""}`,
      { resource: info.resource, group: info.group, kind: d.kind },
      info.name,
    );
  }

  /** Namespace lifecycle admission: no new objects in a namespace that is missing or terminating. */
  private async admitNamespace(d: ResourceDescriptor, ns: string | undefined, obj: KubeObject): Promise<void> {
    if (!d.namespaced || !ns) return;
    const namespaces = this.store("", "v1", "namespaces");
    if (!namespaces) return;
    const namespace = await namespaces.get(undefined, ns);
    if (namespace.metadata.deletionTimestamp) {
      throw errors.forbidden(
        `${qualifiedResource(d)} "${obj.metadata?.name ?? obj.metadata?.generateName ?? ""}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { resource: d.plural, group: d.group, kind: d.kind },
        obj.metadata?.name,
      );
    }
  }

  private decodeBody(req: ApiRequest, d: ResourceDescriptor): { obj: KubeObject; warnings: string[] } {
    const type = (req.contentType.split(";")[0] ?? "").trim();
    let obj: unknown;
    if (type === KUBERNETES_PROTOBUF) {
      try {
        obj = decodeKubernetesProtobuf(req.body);
      } catch (error) {
        throw errors.badRequest(`unable to decode protobuf body: ${(error as Error).message}`);
      }
    } else if (type === "application/yaml") {
      try {
        obj = parseYaml(Buffer.from(req.body).toString("utf8"));
      } catch (error) {
        throw errors.badRequest(`unable to parse YAML body: ${(error as Error).message}`);
      }
    } else if (type === "" || type === JSON_TYPE || type === "*/*") {
      obj = this.parseJson(req.body);
    } else {
      throw errors.unsupportedMediaType(req.contentType);
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
      throw errors.badRequest("the body of the request must be a single object");
    }
    const validation = (req.query.get("fieldValidation") ?? "Warn") as FieldValidation;
    if (!["Strict", "Warn", "Ignore"].includes(validation)) {
      throw errors.badRequest(`fieldValidation must be one of Ignore, Warn or Strict, not "${validation}"`);
    }
    const undecodable = base64DecodeError(d.kind, obj as Record<string, unknown>);
    if (undecodable) throw errors.badRequest(undecodable);
    const warnings = checkFields(obj as KubeObject, d, validation);
    return { obj: obj as KubeObject, warnings };
  }

  private parseJson(body: Uint8Array): unknown {
    const text = Buffer.from(body).toString("utf8");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw errors.badRequest(`error decoding request body: ${(error as Error).message}`);
    }
  }

  private deleteOptions(req: ApiRequest): { gracePeriodSeconds?: number; uid?: string; resourceVersion?: string } {
    const body = req.body.length > 0 ? (this.parseJson(req.body) as Record<string, unknown>) : {};
    const preconditions = (body.preconditions ?? {}) as { uid?: string; resourceVersion?: string };
    const grace = req.query.get("gracePeriodSeconds") ?? body.gracePeriodSeconds;
    const gracePeriodSeconds = grace === undefined || grace === null ? undefined : Number(grace);
    if (gracePeriodSeconds !== undefined && (!Number.isInteger(gracePeriodSeconds) || gracePeriodSeconds < 0)) {
      throw errors.badRequest(`gracePeriodSeconds must be a non-negative integer`);
    }
    const policy = req.query.get("propagationPolicy") ?? body.propagationPolicy;
    if (policy !== undefined && !["Orphan", "Background", "Foreground"].includes(String(policy))) {
      throw errors.badRequest(`propagationPolicy must be one of Orphan, Background or Foreground, not "${String(policy)}"`);
    }
    return { gracePeriodSeconds, uid: preconditions.uid, resourceVersion: preconditions.resourceVersion };
  }

  private selectorFilter(req: ApiRequest, d: ResourceDescriptor): ((obj: StoredObject) => boolean) | undefined {
    const labelText = req.query.get("labelSelector") ?? "";
    const fieldText = req.query.get("fieldSelector") ?? "";
    if (!labelText && !fieldText) return undefined;
    let labels: ReturnType<typeof parseLabelSelector> | undefined;
    let fields: ReturnType<typeof parseFieldSelector> | undefined;
    try {
      labels = labelText ? parseLabelSelector(labelText) : undefined;
      fields = fieldText ? parseFieldSelector(fieldText) : undefined;
    } catch (error) {
      throw errors.badRequest((error as Error).message);
    }
    const getField = (obj: StoredObject, field: string): string | undefined => {
      if (field === "metadata.name") return obj.metadata.name;
      if (field === "metadata.namespace") return obj.metadata.namespace ?? "";
      return d.fieldSelectors[field]?.(obj) ?? "";
    };
    for (const field of fields ? fieldSelectorFields(fields) : []) {
      if (field !== "metadata.name" && field !== "metadata.namespace" && !d.fieldSelectors[field]) {
        throw errors.badRequest(`field label not supported: ${field}`);
      }
    }
    return (obj) =>
      (!labels || matchesLabels(labels, obj.metadata.labels)) &&
      (!fields || matchesFields(fields, (field) => getField(obj, field)));
  }

  private async list(req: ApiRequest, res: ApiResponder, store: ResourceStore, ns: string | undefined): Promise<void> {
    const d = store.descriptor;
    const limit = req.query.get("limit") ? Number(req.query.get("limit")) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw errors.badRequest("limit must be a non-negative integer");
    const rv = req.query.get("resourceVersion") ?? "";
    const match = req.query.get("resourceVersionMatch") ?? "";
    let exactRevision: number | undefined;
    if (match === "Exact") {
      if (!rv || rv === "0") throw errors.badRequest("resourceVersionMatch=Exact needs a resourceVersion other than 0");
      exactRevision = parseRevision(rv);
    } else if (match && match !== "NotOlderThan") {
      throw errors.badRequest(`resourceVersionMatch must be Exact or NotOlderThan, not "${match}"`);
    } else if (rv && rv !== "0") {
      parseRevision(rv);
    }
    const page = await store.list(ns, {
      filter: this.selectorFilter(req, d),
      limit,
      continueToken: req.query.get("continue") || undefined,
      exactRevision,
    });
    const table = wantsTable(req.accept);
    if (table) {
      const body = toTable(d, page.items, {
        tableVersion: table,
        now: this.options.clock.now(),
        includeObject: includeObjectOf(req),
        resourceVersion: page.resourceVersion,
        continueToken: page.continueToken,
        remainingItemCount: page.remainingItemCount,
      });
      return res.send(200, JSON_TYPE, JSON.stringify(body));
    }
    const list = listOf(d, page.items, page.resourceVersion, page.continueToken, page.remainingItemCount);
    return res.send(200, JSON_TYPE, JSON.stringify(list));
  }

  private async watch(req: ApiRequest, res: ApiResponder, store: ResourceStore, ns: string | undefined, name?: string): Promise<void> {
    const d = store.descriptor;
    const { clock } = this.options;
    const selector = this.selectorFilter(req, d);
    const matches = (obj: StoredObject) => (!name || obj.metadata.name === name) && (!selector || selector(obj));
    const rv = req.query.get("resourceVersion") ?? "";
    const sendInitial = req.query.get("sendInitialEvents") === "true";
    const table = wantsTable(req.accept);
    const bookmarks = req.query.get("allowWatchBookmarks") === "true";
    let first = true;
    const encode = (obj: StoredObject) => {
      if (!table) return obj;
      const t = toTable(d, [obj], { tableVersion: table, now: clock.now(), includeObject: includeObjectOf(req), resourceVersion: obj.metadata.resourceVersion ?? "", omitHeaders: !first });
      first = false;
      return t;
    };

    let startRevision: number;
    const initial: StoredObject[] = [];
    if (!rv || rv === "0" || sendInitial) {
      const page = await store.list(ns, { filter: matches, ...(rv && rv !== "0" ? { exactRevision: parseRevision(rv) } : {}) });
      initial.push(...page.items);
      startRevision = Number(page.resourceVersion);
    } else {
      startRevision = parseRevision(rv);
    }

    const stream = res.stream(200, JSON_TYPE);
    const cleanups: (() => void)[] = [];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      cleanups.forEach((c) => c());
      stream.end();
    };
    stream.onClose(close);

    for (const obj of initial) stream.write({ type: "ADDED", object: encode(obj) });
    let lastRevision = startRevision;
    const bookmark = (annotations?: Record<string, string>) =>
      stream.write({
        type: "BOOKMARK",
        object: { kind: d.kind, apiVersion: d.group ? `${d.group}/${d.version}` : d.version, metadata: { resourceVersion: String(lastRevision), ...(annotations ? { annotations } : {}) } },
      });
    if (sendInitial && bookmarks) bookmark({ "k8s.io/initial-events-end": "true" });

    cleanups.push(
      store.watch(
        ns,
        startRevision,
        (type, obj, previous) => {
          lastRevision = Number(obj.metadata.resourceVersion);
          const now = matches(obj);
          const before = previous !== undefined && matches(previous);
          if (type === "MODIFIED" && now && !before) stream.write({ type: "ADDED", object: encode(obj) });
          else if (type === "MODIFIED" && !now && before) stream.write({ type: "DELETED", object: encode(obj) });
          else if (now) stream.write({ type, object: encode(obj) });
        },
        (error) => {
          const status = error instanceof StatusError ? error : errors.internal(error.message);
          stream.write({ type: "ERROR", object: status.toStatus() });
          close();
        },
      ),
    );
    const timeoutSeconds = Number(req.query.get("timeoutSeconds") ?? this.options.defaultWatchTimeoutSeconds ?? 1800);
    cleanups.push(clock.setTimer(timeoutSeconds * 1000, close));
    if (bookmarks) {
      const interval = (this.options.bookmarkIntervalSeconds ?? 60) * 1000;
      const schedule = (): void => {
        cleanups.push(clock.setTimer(interval, () => {
          if (closed) return;
          bookmark();
          schedule();
        }));
      };
      schedule();
    }
  }

  private respondObject(req: ApiRequest, res: ApiResponder, status: number, obj: StoredObject, warnings: string[] = []): void {
    const headers = warnings.length ? { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ") } : undefined;
    const store = this.store(...(splitApiVersion(obj.apiVersion ?? "")), pluralOf(this.options.descriptors, obj));
    const table = wantsTable(req.accept);
    if (store && table && req.method === "GET") {
      const body = toTable(store.descriptor, [obj], {
        tableVersion: table,
        now: this.options.clock.now(),
        includeObject: includeObjectOf(req),
        resourceVersion: obj.metadata.resourceVersion ?? "",
      });
      return res.send(status, JSON_TYPE, JSON.stringify(body), headers);
    }
    res.send(status, JSON_TYPE, JSON.stringify(obj), headers);
  }
}

function verbFor(method: string, hasName: boolean, watch: boolean): string | undefined {
  switch (method) {
    case "GET":
      return watch ? "watch" : hasName ? "get" : "list";
    case "POST":
      return hasName ? undefined : "create";
    case "PUT":
      return hasName ? "update" : undefined;
    case "PATCH":
      return hasName ? "patch" : undefined;
    case "DELETE":
      return hasName ? "delete" : "deletecollection";
    default:
      return undefined;
  }
}

function parseRevision(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw errors.badRequest(`invalid resource version: ${rv}`);
  return n;
}

const includeObjectOf = (req: ApiRequest): "None" | "Metadata" | "Object" => {
  const v = req.query.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
};

/** Pods and namespaces answer a DELETE with the object; most kinds with a Success Status. */
const returnsDeletedObject = (d: ResourceDescriptor): boolean => d.group === "" && (d.plural === "pods" || d.plural === "namespaces");

function listOf(d: ResourceDescriptor, items: StoredObject[], resourceVersion: string, continueToken?: string, remainingItemCount?: number) {
  return {
    kind: `${d.kind}List`,
    apiVersion: d.group ? `${d.group}/${d.version}` : d.version,
    metadata: {
      resourceVersion,
      ...(continueToken ? { continue: continueToken } : {}),
      ...(remainingItemCount !== undefined ? { remainingItemCount } : {}),
    },
    items,
  };
}

const splitApiVersion = (apiVersion: string): [string, string] => {
  const i = apiVersion.indexOf("/");
  return i < 0 ? ["", apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
};

const pluralOf = (descriptors: ResourceDescriptor[], obj: KubeObject): string => {
  const [group, version] = splitApiVersion(obj.apiVersion ?? "");
  return descriptors.find((d) => d.group === group && d.version === version && d.kind === obj.kind)?.plural ?? "";
};
