import { parse as parseYaml } from "yaml";
import type { Clock } from "../../shared/clock.js";
import type { Storage } from "../../storage/interface.js";
import { qualifiedResource, type ResourceDescriptor } from "../api/descriptor.js";
import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import { forbiddenError, type AuthorizationAttributes, type Authorizer } from "./auth/authorizer.js";
import type { VirtualCreate } from "./auth/reviews.js";
import { DISCOVERY_CACHE_CONTROL, JWKS_CONTENT_TYPE, JWKS_PATH, OPENID_CONFIGURATION_PATH, type IssuerDiscovery } from "./auth/oidc-discovery.js";
import { AdmissionChain, type AdmissionAttributes, type AdmissionPlugin } from "./admission/admission.js";
import { namespaceLifecycle } from "./admission/namespace-lifecycle.js";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from "./discovery.js";
import { OPENAPI_V2_CONTENT_TYPE, openApiV2, openApiV3Index, openApiV3Json, wantsOpenApiV2Protobuf } from "./openapi.js";
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, CORE_PATCH_SCHEMA, PatchError, patchTypeOf, type PatchSchema } from "./patch.js";
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF } from "./protobuf/decode.js";
import { ResourceStore } from "./registry/resource-store.js";
import { evictPod } from "./eviction.js";
import { viewFor, type SubresourceView } from "./scale.js";
import { parseRequestPath, type ResourceRequestInfo } from "./request-info.js";
import { fieldSelectorFields, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { errors, StatusError } from "./status.js";
import { toTable, wantsTable } from "./table.js";
import { bindPod, checkBindingBody } from "./binding.js";
import { servePodLog, type PodLogProvider } from "./pod-log.js";
import { CONNECT_METHODS, connectVerb, isConnectSubresource, refuseConnect, type ConnectSubresource } from "./pod-connect.js";
import { checkFields, type FieldValidation } from "./field-validation.js";
import { base64DecodeError } from "../api/core-v1-validation.js";
import { goQuote } from "../../shared/go-format.js";
import { scaleConfigToParent, serverSideApply } from "./apply/apply-patch.js";
import { checkWriteOptions, parseApplyConfiguration, requestManager, trackingAdmission, type WriteOptionsKind } from "./apply/write-tracking.js";
import { managedFieldsDecodeError } from "./apply/managed-fields.js";
import { cloneJson } from "../../shared/json-clone.js";

/** A request after authentication, independent of HTTP (the in-process client builds these too). */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  contentType: string;
  body: Uint8Array;
  user: UserInfo;
  /** The User-Agent header: names the field manager of writes without a fieldManager parameter. */
  userAgent?: string;
}

/** A watch stream: one JSON event per `write` (a string is written as raw text: pods/log -f). */
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
  /**
   * In-process responders may take a JSON reply's object itself instead of its text (the in-process
   * client would only parse it back). The object is the request's own: nothing else holds it.
   */
  sendObject?(status: number, obj: unknown): void;
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
  /** Admission plugins after NamespaceLifecycle, in order; built with the handler so they can read the API. */
  admission?: (handler: ApiHandler) => AdmissionPlugin[];
  /** Serves pods/log (the simulated kubelets register one with setPodLogProvider). */
  podLogs?: PodLogProvider;
  /**
   * Creates answered without storing anything (reviews, serviceaccounts/token), keyed
   * `group/plural` or `group/plural/subresource`; built with the handler so they can read the API.
   */
  virtualCreates?: (handler: ApiHandler) => Record<string, VirtualCreate>;
  /** Service-account issuer discovery documents; the two paths are not served when absent. */
  issuerDiscovery?: () => IssuerDiscovery | undefined;
}

const JSON_TYPE = "application/json";

/**
 * One cluster's Kubernetes API: discovery, OpenAPI and the REST verbs for every descriptor,
 * over the generic registry. HTTP and the in-process client both call `handle`.
 */
export class ApiHandler {
  private readonly stores = new Map<string, ResourceStore>();
  private readonly admission: AdmissionChain;
  private readonly admissionWarnings = new WeakMap<ApiRequest, string[]>();
  private readonly virtualCreates: Record<string, VirtualCreate>;

  /** What this server serves now: the built-in descriptors plus those CRDs add at run time. */
  private served: ResourceDescriptor[];
  private readonly builtIn = new Set<string>();
  /** Generated documents (OpenAPI, discovery) for the current `served` list; cleared when it changes. */
  private memo = new Map<string, unknown>();

  constructor(private readonly options: ApiHandlerOptions) {
    this.served = [...options.descriptors];
    for (const d of options.descriptors) {
      const key = `${d.group}/${d.version}/${d.plural}`;
      this.builtIn.add(key);
      this.stores.set(key, new ResourceStore(options.storage, options.registryRoot, d, options.clock));
    }
    this.admission = new AdmissionChain([namespaceLifecycle(() => this.store("", "v1", "namespaces")), ...(options.admission?.(this) ?? [])]);
    this.virtualCreates = options.virtualCreates?.(this) ?? {};
  }

  /** Who answers pods/log: the component that runs the nodes' kubelets (undefined: nobody). */
  setPodLogProvider(provider: PodLogProvider | undefined): void {
    this.options.podLogs = provider;
  }

  store(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.stores.get(`${group}/${version}/${plural}`);
  }

  /** Every resource served right now (built-in and custom). */
  descriptors(): readonly ResourceDescriptor[] {
    return this.served;
  }

  /**
   * Serves a resource from now on (a CRD's version), or replaces the one served at its group/version/plural;
   * discovery, OpenAPI, routes and tables pick it up on the next request. Returns false (and serves nothing)
   * when a built-in resource has that name.
   */
  addDescriptor(d: ResourceDescriptor): boolean {
    const key = `${d.group}/${d.version}/${d.plural}`;
    if (this.builtIn.has(key)) return false;
    this.stores.set(key, new ResourceStore(this.options.storage, this.options.registryRoot, d, this.options.clock));
    this.served = [...this.served.filter((x) => `${x.group}/${x.version}/${x.plural}` !== key), d];
    this.memo = new Map();
    return true;
  }

  /** Stops serving a resource added with addDescriptor (its stored objects stay in storage). */
  removeDescriptor(group: string, version: string, plural: string): void {
    const key = `${group}/${version}/${plural}`;
    if (this.builtIn.has(key) || !this.stores.has(key)) return;
    this.stores.delete(key);
    this.served = this.served.filter((x) => `${x.group}/${x.version}/${x.plural}` !== key);
    this.memo = new Map();
  }

  /** A document generated from the served descriptors, built once per change of the list. */
  private memoized<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, build());
    return this.memo.get(key) as T;
  }

  async handle(req: ApiRequest, res: ApiResponder): Promise<void> {
    try {
      let info: ReturnType<typeof parseRequestPath>;
      try {
        info = parseRequestPath(req.path);
      } catch (error) {
        if (error instanceof URIError) throw errors.badRequest(`invalid escape in the request path: ${req.path}`);
        throw error;
      }
      if (!info.isResourceRequest) return await this.handleNonResource(req, res);
      await this.handleResource(req, info, res);
    } catch (error) {
      const status = error instanceof StatusError ? error : errors.internal(error instanceof Error ? error.message : String(error));
      res.send(status.code, JSON_TYPE, JSON.stringify(status.toStatus()));
    }
  }

  private async handleNonResource(req: ApiRequest, res: ApiResponder): Promise<void> {
    const descriptors = this.served;
    // Non-resource paths are authorized too (system:discovery, system:public-info-viewer), before routing.
    const attrs: AuthorizationAttributes = { user: req.user, verb: req.method.toLowerCase(), group: "", version: "", resource: "", nonResourcePath: req.path };
    const decision = await this.options.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
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
      case "/openapi/v2": {
        // Protobuf for client-go (it asks for it), JSON otherwise, as kube-openapi's handler.
        const v2 = this.memoized("openapi/v2", () => openApiV2(descriptors));
        if (wantsOpenApiV2Protobuf(req.accept)) return res.send(200, OPENAPI_V2_CONTENT_TYPE, v2.protobuf, { etag: `"${v2.protobufHash}"` });
        return res.send(200, JSON_TYPE, v2.json, { etag: `"${v2.jsonHash}"` });
      }
      case "/openapi/v3":
        return json(this.memoized("openapi/v3", () => openApiV3Index(descriptors)));
      case OPENID_CONFIGURATION_PATH:
      case JWKS_PATH: {
        const issuer = this.options.issuerDiscovery?.();
        if (!issuer) break;
        const jwks = path === JWKS_PATH;
        return res.send(200, jwks ? JWKS_CONTENT_TYPE : JSON_TYPE, jwks ? issuer.keys : issuer.configuration, { "cache-control": DISCOVERY_CACHE_CONTROL });
      }
    }
    if (path.startsWith("/openapi/v3/")) {
      // Served as the exact bytes the index hash was computed over (clients cache by that hash).
      const gv = path.slice("/openapi/v3/".length);
      // Only documents that exist are kept: unknown paths must not grow the memo.
      let doc = this.memo.get(`openapi/v3/${gv}`) as ReturnType<typeof openApiV3Json>;
      if (!doc) {
        doc = openApiV3Json(descriptors, gv);
        if (doc) this.memo.set(`openapi/v3/${gv}`, doc);
      }
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
    if (info.subresource === "log" && d.group === "" && d.plural === "pods" && info.name && info.namespace) {
      if (req.method !== "GET") throw errors.methodNotAllowed(req.method);
      await this.authorize(req.user, "get", info, d);
      return servePodLog(await store.get(info.namespace, info.name), req.query, this.options.podLogs, this.options.clock.now(), res);
    }
    if (info.subresource && !d.subresources.includes(info.subresource)) throw errors.pathNotFound();
    if (d.group === "" && d.plural === "pods" && isConnectSubresource(info.subresource) && info.name && info.namespace) {
      return this.connectPod(req, info, d, store);
    }
    if (isBindingRequest(d, info)) return this.bind(req, info, d, res);

    const watch = queryBool(req, "watch");
    // A POST to a named object's subresource creates (serviceaccounts/<name>/token, pods/<name>/eviction).
    const verb = req.method === "POST" && info.name && info.subresource ? "create" : verbFor(req.method, Boolean(info.name), watch);
    if (!verb) throw errors.methodNotAllowed(req.method);
    if (!d.verbs.includes(verb) && !info.subresource) throw errors.methodNotAllowed(req.method);
    // A subresource is never deleted: DELETE …/status must not delete its object.
    if (info.subresource && (verb === "delete" || verb === "deletecollection")) throw errors.methodNotAllowed(req.method);
    // Without a namespace, upstream serves a namespaced resource only as an all-namespaces list or watch.
    if (d.namespaced && !info.namespace) {
      if (info.name) throw errors.pathNotFound();
      if (verb !== "list" && verb !== "watch") throw errors.methodNotAllowed(req.method);
    }
    await this.authorize(req.user, verb, info, d, req.query);
    const virtual = this.virtualCreates[`${d.group}/${d.plural}${info.subresource ? `/${info.subresource}` : ""}`];
    if ((virtual || d.virtual) && verb !== "create") throw errors.methodNotAllowed(req.method);

    const ns = d.namespaced ? info.namespace : undefined;
    const dryRunValues = req.query.getAll("dryRun");
    const optionsKind = OPTIONS_KINDS[verb];
    if (optionsKind && dryRunValues.some((v) => v !== "All")) {
      // Anything but "All" is refused rather than ignored: ignoring it would make a dry run real.
      throw errors.invalid({ resource: "", group: "meta.k8s.io", kind: optionsKind }, "", [
        { field: "dryRun", reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(dryRunValues)}: supported values: "All"` },
      ]);
    }
    const dryRun = dryRunValues.includes("All");
    if (verb === "create" || verb === "update" || verb === "patch") {
      checkWriteOptions(OPTIONS_KINDS[verb] as WriteOptionsKind, req.query, verb === "patch" && patchTypeOf(req.contentType) === "apply");
    }
    const admit = this.admitting(req, info, d, ns, dryRun, verb);
    if (verb === "create" && info.subresource === "eviction" && d.group === "" && d.plural === "pods") return this.evict(req, res, store, info, dryRun);
    const view = info.subresource && d.subresourceKinds?.[info.subresource] ? viewFor(d, info.subresource) : undefined;
    if (view) return this.handleView(req, res, store, view, verb, ns, info, dryRun, admit);
    switch (verb) {
      case "get":
        return this.respondObject(req, res, d, 200, await store.get(ns, info.name ?? ""));
      case "list":
        return this.list(req, res, store, ns);
      case "watch":
        return this.watch(req, res, store, ns, info.name);
      case "create": {
        if (virtual || d.virtual) return this.createVirtual(req, res, d, info, dryRun, virtual);
        if (info.subresource) throw errors.methodNotAllowed(req.method);
        const { obj, warnings } = this.decodeBody(req, d);
        const tracked = this.tracking(req, d, undefined, admit);
        const admitted = await tracked.mutate(obj);
        const created = await store.create(ns, admitted, { dryRun, validateAdmission: tracked.validate });
        return this.respondObject(req, res, d, 201, created, warnings);
      }
      case "update": {
        const { obj, warnings } = this.decodeBody(req, d);
        const tracked = this.tracking(req, d, info.subresource, admit);
        const updated = await store.update(ns, info.name ?? "", (current) => tracked.mutate(cloneJson(obj), current), {
          dryRun,
          subresource: info.subresource,
          validateAdmission: tracked.validate,
        });
        return this.respondObject(req, res, d, 200, updated, warnings);
      }
      case "patch": {
        if (patchTypeOf(req.contentType) === "apply") return this.applyPatch(req, res, store, info, dryRun, admit);
        const applyPatch = this.patcher(req, d);
        const validation = fieldValidationOf(req);
        const tracked = this.tracking(req, d, info.subresource, admit);
        let warnings: string[] = [];
        const updated = await store.update(
          ns,
          info.name ?? "",
          (current) => {
            const patched = applyPatch(current, CORE_PATCH_SCHEMA);
            // The patched object is decoded as upstream decodes it: a type it cannot decode is a 422 on
            // "patch"; unknown fields are dropped, warned about or refused (a bare strict decoding error).
            const undecodable = decodeFailure(d.kind, patched);
            if (undecodable) throw invalidPatchResult(patched, undecodable);
            warnings = checkFields(patched, d, validation);
            return tracked.mutate(unlessPatched(patched, current), current);
          },
          { dryRun, subresource: info.subresource, validateAdmission: tracked.validate },
        );
        return this.respondObject(req, res, d, 200, updated, warnings);
      }
      case "delete": {
        const opts = this.deleteOptions(req);
        const { object, deleted } = await store.delete(ns, info.name ?? "", { ...opts, dryRun, validateAdmission: admit.validate });
        if (deleted && !returnsDeletedObject(d)) {
          return res.send(200, JSON_TYPE, JSON.stringify({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Success",
            details: { name: object.metadata.name, group: d.group || undefined, kind: d.plural, uid: object.metadata.uid },
          }));
        }
        // Upstream answers 202 for a pending deletion only when the client set orphanDependents=false.
        return this.respondObject(req, res, d, !deleted && opts.orphanDependents === false ? 202 : 200, object);
      }
      case "deletecollection": {
        const page = await store.list(ns, { filter: this.selectorFilter(req, d) });
        const opts = this.deleteOptions(req);
        const removed: StoredObject[] = [];
        for (const obj of page.items) {
          try {
            const admitOne = this.admitting(req, { ...info, name: obj.metadata.name }, d, ns, dryRun, "delete");
            const options = {
              gracePeriodSeconds: opts.gracePeriodSeconds,
              propagationPolicy: opts.propagationPolicy,
              orphanDependents: opts.orphanDependents,
              dryRun,
              validateAdmission: admitOne.validate,
            };
            removed.push((await store.delete(obj.metadata.namespace, obj.metadata.name ?? "", options)).object);
          } catch (error) {
            if (!(error instanceof StatusError && error.code === 404)) throw error;
          }
        }
        return res.send(200, JSON_TYPE, JSON.stringify(listOf(d, removed, String(await store.currentRevision()))));
      }
    }
  }

  /** POST pods/<name>/binding, or a Binding to the legacy `bindings` resource: assigns the pod to a node. */
  private async bind(req: ApiRequest, info: ResourceRequestInfo, d: ResourceDescriptor, res: ApiResponder): Promise<void> {
    if (req.method !== "POST") throw errors.methodNotAllowed(req.method);
    if (!info.namespace) throw errors.pathNotFound();
    await this.authorize(req.user, "create", info, d);
    const pods = this.store("", "v1", "pods");
    if (!pods) throw errors.pathNotFound();
    const dryRunValues = req.query.getAll("dryRun");
    if (dryRunValues.some((v) => v !== "All")) {
      throw errors.invalid({ resource: "", group: "meta.k8s.io", kind: "CreateOptions" }, "", [
        { field: "dryRun", reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(dryRunValues)}: supported values: "All"` },
      ]);
    }
    const dryRun = dryRunValues.includes("All");
    const body = this.parseObjectBody(req, true);
    checkBindingBody(body, info.namespace);
    const admit = this.admitting(req, info, d, info.namespace, dryRun, "create");
    const binding = await admit.mutate(body);
    await admit.validate(binding);
    // The legacy resource takes the pod's name from the Binding (LegacyBindingREST).
    const name = info.name ?? binding.metadata.name ?? "";
    await bindPod(pods, info.namespace, name, binding, { dryRun, now: this.options.clock.now() });
    res.send(201, JSON_TYPE, JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }));
  }

  /** A subresource of another kind (…/scale): read from the parent, written back into it, answered as the view. */
  private async handleView(
    req: ApiRequest,
    res: ApiResponder,
    store: ResourceStore,
    view: SubresourceView,
    verb: string,
    ns: string | undefined,
    info: ResourceRequestInfo,
    dryRun: boolean,
    admit: Admitting,
  ): Promise<void> {
    const name = info.name ?? "";
    const reply = (obj: StoredObject) => res.send(200, JSON_TYPE, JSON.stringify(view.read(obj)));
    const tracked = this.tracking(req, store.descriptor, info.subresource, admit);
    const options = { dryRun, subresource: info.subresource, validateAdmission: tracked.validate };
    switch (verb) {
      case "get":
        return reply(await store.get(ns, name));
      case "update": {
        const body = this.parseObjectBody(req, false);
        return reply(await store.update(ns, name, (current) => tracked.mutate(view.write(cloneJson(current), body), current), options));
      }
      case "patch": {
        if (patchTypeOf(req.contentType) === "apply") {
          const config = scaleConfigToParent(store.descriptor, parseApplyConfiguration(req.body), name, ns);
          return reply((await this.serverSideApply(req, store, info, dryRun, admit, config)).object);
        }
        const applyPatch = this.patcher(req, store.descriptor);
        const patch = (current: StoredObject) => view.write(cloneJson(current), applyPatch(view.read(current), { lists: {} }));
        const updated = await store.update(ns, name, (current) => tracked.mutate(unlessPatched(patch(current), current), current), options);
        return reply(updated);
      }
      default:
        throw errors.methodNotAllowed(req.method);
    }
  }

  /** The admission of a create, update or non-apply patch, with managedFields recorded before validation. */
  private tracking(req: ApiRequest, d: ResourceDescriptor, subresource: string | undefined, admit: Admitting): Admitting {
    return trackingAdmission(d, subresource, requestManager(req.query, req.userAgent), () => this.options.clock.now(), admit);
  }

  /** PATCH with application/apply-patch+yaml: 200 with the merged object, 201 when the apply created it. */
  private async applyPatch(req: ApiRequest, res: ApiResponder, store: ResourceStore, info: ResourceRequestInfo, dryRun: boolean, admit: Admitting): Promise<void> {
    const { object, created, warnings } = await this.serverSideApply(req, store, info, dryRun, admit, parseApplyConfiguration(req.body));
    return this.respondObject(req, res, store.descriptor, created ? 201 : 200, object, warnings);
  }

  private async serverSideApply(req: ApiRequest, store: ResourceStore, info: ResourceRequestInfo, dryRun: boolean, admit: Admitting, config: KubeObject) {
    const d = store.descriptor;
    const ns = d.namespaced ? info.namespace : undefined;
    const validation = fieldValidationOf(req);
    let warnings: string[] = [];
    const result = await serverSideApply({
      store,
      namespace: ns,
      name: info.name ?? "",
      subresource: info.subresource,
      config,
      manager: req.query.get("fieldManager") ?? "",
      force: checkWriteOptions("PatchOptions", req.query, true).force,
      dryRun,
      now: () => this.options.clock.now(),
      admitUpdate: admit,
      admitCreate: () => this.admitting(req, info, d, ns, dryRun, "create"),
      checkPatched: (obj) => {
        const undecodable = decodeFailure(d.kind, obj);
        if (undecodable) throw invalidPatchResult(obj, undecodable);
        warnings = checkFields(obj, d, validation);
      },
    });
    return { ...result, warnings };
  }

  /**
   * The patch a request carries (JSON, merge or strategic merge), as a function of the current object;
   * patch failures become upstream's Status errors. Custom resources have no strategic-merge facts.
   */
  private patcher(req: ApiRequest, d: ResourceDescriptor): (current: KubeObject, schema: PatchSchema) => KubeObject {
    const type = patchTypeOf(req.contentType);
    const accepted = d.customResource ? CUSTOM_RESOURCE_PATCH_TYPES : BUILT_IN_PATCH_TYPES;
    if (!type || type === "apply" || (type === "strategic" && d.customResource)) {
      throw new StatusError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`);
    }
    const patch = this.parseJson(req.body);
    return (current, schema) => {
      try {
        if (type === "json") return applyJsonPatch(current, patch);
        if (type === "merge") return applyMergePatch(current, patch);
        return applyStrategicMergePatch(current, patch, schema);
      } catch (error) {
        if (error instanceof PatchError) throw new StatusError(error.code, error.reason, error.message, error.details);
        throw error;
      }
    };
  }

  /**
   * The request body as one object: JSON or YAML, and Kubernetes protobuf where the caller
   * accepts it (typed objects; views such as Scale arrive as JSON).
   */
  private parseObjectBody(req: ApiRequest, allowProtobuf: boolean): KubeObject {
    const type = (req.contentType.split(";")[0] ?? "").trim();
    let obj: unknown;
    if (allowProtobuf && type === KUBERNETES_PROTOBUF) {
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
    return obj as KubeObject;
  }

  /**
   * Authorizes a resource request. A list or watch whose field selector names one object
   * (`metadata.name=x`) is authorized for that name, as upstream's RequestInfo does.
   */
  private async authorize(user: UserInfo, verb: string, info: ResourceRequestInfo, _d: ResourceDescriptor, query?: URLSearchParams): Promise<void> {
    const fieldSelector = verb === "list" || verb === "watch" ? (query?.get("fieldSelector") ?? "") : "";
    const selectedName = /^metadata\.name==?([^,]*)$/.exec(fieldSelector)?.[1];
    const attrs: AuthorizationAttributes = {
      user,
      verb,
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name ?? (selectedName || undefined),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
    const decision = await this.options.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }

  /**
   * pods/<name>/{exec,attach,portforward,proxy}: upstream's method, authorization and pod checks, then an
   * honest refusal, since no process backs a simulated container (pod-connect.ts).
   */
  private async connectPod(req: ApiRequest, info: ResourceRequestInfo, d: ResourceDescriptor, pods: ResourceStore): Promise<void> {
    const sub = info.subresource as ConnectSubresource;
    if (!CONNECT_METHODS[sub].includes(req.method)) throw errors.methodNotAllowed(req.method);
    await this.authorize(req.user, connectVerb(req.method), info, d);
    // AuthorizePodWebsocketUpgradeCreatePermission (on since 1.31): a GET that opens a stream needs create too.
    if (req.method === "GET" && sub !== "proxy") await this.authorize(req.user, "create", info, d);
    refuseConnect(sub, await pods.get(info.namespace, info.name ?? ""), req.query);
  }

  /** POST pods/<name>/eviction: a deletion that asks the pod's disruption budget first. */
  private async evict(req: ApiRequest, res: ApiResponder, pods: ResourceStore, info: ResourceRequestInfo, dryRun: boolean): Promise<void> {
    const eviction = this.parseObjectBody(req, true);
    const deletion = this.admitting(req, { ...info, subresource: undefined }, pods.descriptor, info.namespace, dryRun, "delete");
    const context = { pods, pdbs: this.store("policy", "v1", "poddisruptionbudgets"), clock: this.options.clock, validateDelete: deletion.validate };
    const answer = await evictPod(context, info.namespace ?? "", info.name ?? "", eviction, dryRun);
    res.send(201, JSON_TYPE, JSON.stringify(answer));
  }

  /** A create answered by a hook instead of the registry: nothing is stored, the answer is 201. */
  private async createVirtual(
    req: ApiRequest,
    res: ApiResponder,
    d: ResourceDescriptor,
    info: ResourceRequestInfo,
    dryRun: boolean,
    virtual: VirtualCreate | undefined,
  ): Promise<void> {
    if (!virtual) throw new StatusError(405, "MethodNotAllowed", `${qualifiedResource(d)} are not served by this API server`);
    // A subresource body is another kind (TokenRequest); the parent's field rules do not apply to it.
    const object = info.subresource ? this.parseObjectBody(req, true) : this.decodeBody(req, d).obj;
    const answer = await virtual({ object, user: req.user, namespace: info.namespace, name: info.subresource ? info.name : undefined, dryRun });
    res.send(201, JSON_TYPE, JSON.stringify(answer));
  }


  /** The admission phases of one write, bound to its request (kube-apiserver's admission.Attributes). */
  private admitting(req: ApiRequest, info: ResourceRequestInfo, d: ResourceDescriptor, ns: string | undefined, dryRun: boolean, verb: string): Admitting {
    const operation: AdmissionAttributes["operation"] = verb === "create" ? "CREATE" : verb === "delete" || verb === "deletecollection" ? "DELETE" : "UPDATE";
    // Admission warnings of this request; respondObject adds them to the response's Warning headers.
    let warnings = this.admissionWarnings.get(req);
    if (!warnings) this.admissionWarnings.set(req, (warnings = []));
    const attributes = (object: StoredObject | undefined, oldObject: StoredObject | undefined): AdmissionAttributes => ({
      operation,
      descriptor: d,
      namespace: ns,
      name: info.name ?? object?.metadata.name ?? "",
      subresource: info.subresource,
      object: operation === "DELETE" ? undefined : object,
      oldObject,
      user: req.user,
      dryRun,
      warnings,
    });
    return {
      mutate: async (obj, old) => {
        const object = obj as StoredObject;
        if (typeof object.metadata !== "object" || object.metadata === null) object.metadata = {};
        if (d.namespaced && ns && object.metadata.namespace === undefined) object.metadata.namespace = ns;
        await this.admission.admit(attributes(object, old));
        return object;
      },
      validate: (obj, old) => this.admission.validate(attributes(obj, old)),
    };
  }

  private decodeBody(req: ApiRequest, d: ResourceDescriptor): { obj: KubeObject; warnings: string[] } {
    const obj = this.parseObjectBody(req, true);
    const validation = fieldValidationOf(req);
    const undecodable = decodeFailure(d.kind, obj as Record<string, unknown>);
    if (undecodable) throw cannotHandle(d, undecodable);
    try {
      return { obj, warnings: checkFields(obj, d, validation) };
    } catch (error) {
      // Upstream words a strict decoding failure of a body like any other failure to decode it.
      if (error instanceof StatusError && error.code === 400) throw cannotHandle(d, error.message);
      throw error;
    }
  }

  private parseJson(body: Uint8Array): unknown {
    const text = Buffer.from(body).toString("utf8");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw errors.badRequest(`error decoding request body: ${(error as Error).message}`);
    }
  }

  private deleteOptions(req: ApiRequest): {
    gracePeriodSeconds?: number;
    uid?: string;
    resourceVersion?: string;
    orphanDependents?: boolean;
    propagationPolicy?: string;
  } {
    const parsed = req.body.length > 0 ? this.parseJson(req.body) : null;
    // JSON null decodes into empty options, as in Go; anything but an object cannot be DeleteOptions.
    if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
      throw errors.badRequest(`json: cannot unmarshal ${jsonKind(parsed)} into Go value of type v1.DeleteOptions`);
    }
    const body = (parsed ?? {}) as Record<string, unknown>;
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
    const orphan = req.query.get("orphanDependents") ?? body.orphanDependents;
    const orphanDependents = orphan === undefined || orphan === null ? undefined : orphan === true || GO_TRUE.has(String(orphan));
    const propagationPolicy = policy === undefined || policy === null ? undefined : String(policy);
    return { gracePeriodSeconds, uid: preconditions.uid, resourceVersion: preconditions.resourceVersion, orphanDependents, propagationPolicy };
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
    const selectorOrName = Boolean(name || selector);
    const rv = req.query.get("resourceVersion") ?? "";
    const sendInitial = queryBool(req, "sendInitialEvents");
    const table = wantsTable(req.accept);
    const bookmarks = queryBool(req, "allowWatchBookmarks");
    // Upstream treats an absent or zero timeoutSeconds as "the server's default".
    const timeoutText = req.query.get("timeoutSeconds") ?? "";
    if (timeoutText && !/^\d+$/.test(timeoutText)) throw errors.badRequest(`invalid timeoutSeconds: ${timeoutText}`);
    const timeoutSeconds = Number(timeoutText) || (this.options.defaultWatchTimeoutSeconds ?? 1800);
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
          if (!selectorOrName) return stream.write({ type, object: encode(obj) });
          const now = matches(obj);
          const old = type === "MODIFIED" ? previous() : undefined;
          const before = old !== undefined && matches(old);
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
    cleanups.push(clock.setTimer(timeoutSeconds * 1000, close));
    if (bookmarks) {
      const interval = (this.options.bookmarkIntervalSeconds ?? 60) * 1000;
      // One pending timer at a time; the cleanup always cancels the current one.
      let cancelBookmark = (): void => {};
      const schedule = (): void => {
        cancelBookmark = clock.setTimer(interval, () => {
          if (closed) return;
          bookmark();
          schedule();
        });
      };
      schedule();
      cleanups.push(() => cancelBookmark());
    }
  }

  private respondObject(
    req: ApiRequest,
    res: ApiResponder,
    d: ResourceDescriptor,
    status: number,
    obj: StoredObject,
    warnings: string[] = [],
  ): void {
    const all = [...warnings, ...new Set(this.admissionWarnings.get(req) ?? [])];
    const headers = all.length ? { warning: all.map((w) => `299 - ${JSON.stringify(w)}`).join(", ") } : undefined;
    const table = wantsTable(req.accept);
    if (table && req.method === "GET") {
      const body = toTable(d, [obj], {
        tableVersion: table,
        now: this.options.clock.now(),
        includeObject: includeObjectOf(req),
        resourceVersion: obj.metadata.resourceVersion ?? "",
      });
      return res.send(status, JSON_TYPE, JSON.stringify(body), headers);
    }
    if (res.sendObject) return res.sendObject(status, obj);
    res.send(status, JSON_TYPE, JSON.stringify(obj), headers);
  }
}

/**
 * A patch is a precondition only when it sets resourceVersion itself: the version carried over from
 * the current object is dropped, so a patch racing another writer is re-applied (as upstream's
 * GuaranteedUpdate does) instead of failing with 409.
 */
function unlessPatched<T extends KubeObject>(patched: T, current: StoredObject): T {
  const meta = patched.metadata;
  if (meta && meta.resourceVersion === current.metadata.resourceVersion) delete meta.resourceVersion;
  return patched;
}

/** PATCH content types in upstream's order (installer.go; apiextensions' crdHandler has no strategic merge). */
const BUILT_IN_PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
const CUSTOM_RESOURCE_PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

/** A write's admission phases: `mutate` before the registry's validation, `validate` just before storage. */
interface Admitting {
  mutate(obj: KubeObject, old?: StoredObject): Promise<StoredObject>;
  validate(obj: StoredObject, old?: StoredObject): Promise<void>;
}

/** The options type whose dryRun a write verb carries, as named in upstream's validation errors. */
const OPTIONS_KINDS: Record<string, string | undefined> = {
  create: "CreateOptions",
  update: "UpdateOptions",
  patch: "PatchOptions",
  delete: "DeleteOptions",
  deletecollection: "DeleteOptions",
};

/** pods/binding, and creates on the legacy core/v1 `bindings` collection. */
const isBindingRequest = (d: ResourceDescriptor, info: ResourceRequestInfo): boolean =>
  d.group === "" && ((d.plural === "pods" && info.subresource === "binding") || (d.plural === "bindings" && !info.name && !info.subresource));

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

const jsonKind = (v: unknown): string =>
  Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "boolean" ? "bool" : typeof v === "number" ? "number" : typeof v === "string" ? "string" : "object";

/** Why decoding `obj` into its kind's Go type would fail (a JSON type mismatch or bad base64), or undefined. */
function decodeFailure(kind: string, obj: Record<string, unknown>): string | undefined {
  const base64 = base64DecodeError(kind, obj);
  // base64DecodeError words the whole 400; only its cause is wanted here.
  return jsonTypeError(kind, obj) ?? base64?.slice(base64.indexOf(": ") + 2);
}

/** transformDecodeError: how create and update report a body they cannot decode. */
const cannotHandle = (d: ResourceDescriptor, detail: string): StatusError =>
  errors.badRequest(`${d.kind} in version "${d.version}" cannot be handled as a ${d.kind}: ${detail}`);

/** How upstream's patch handler reports a patched object it cannot decode. */
function invalidPatchResult(patched: KubeObject, detail: string): StatusError {
  const message = `Invalid value: ${goQuote(JSON.stringify(patched))}: ${detail}`;
  return new StatusError(422, "Invalid", ` "" is invalid: patch: ${message}`, {
    name: "",
    group: "",
    kind: "",
    causes: [{ field: "patch", reason: "FieldValueInvalid", message }],
  });
}

/**
 * The JSON type mismatches that make decoding into the typed object fail, for the
 * fields minieks knows the Go types of (ObjectMeta; ConfigMap and Secret data). Stored as is, such values
 * would break every typed client that lists the resource. null is Go's zero value and passes.
 */
function jsonTypeError(kind: string, obj: Record<string, unknown>): string | undefined {
  const mismatch = (value: unknown, field: string, goType: string) =>
    `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${field} of type ${goType}`;
  const check = (value: unknown, field: string, want: "string" | "int" | "bool" | "stringMap" | "stringList" | "objectList", goType: string): string | undefined => {
    if (value === null || value === undefined) return undefined;
    const isMap = typeof value === "object" && !Array.isArray(value);
    switch (want) {
      case "string":
        return typeof value === "string" ? undefined : mismatch(value, field, goType);
      case "int":
        return Number.isInteger(value) ? undefined : mismatch(value, field, goType);
      case "bool":
        return typeof value === "boolean" ? undefined : mismatch(value, field, goType);
      case "stringMap": {
        if (!isMap) return mismatch(value, field, goType);
        const bad = Object.values(value as object).find((v) => v !== null && typeof v !== "string");
        return bad === undefined ? undefined : mismatch(bad, field, goType === "map[string][]uint8" ? "[]uint8" : "string");
      }
      case "stringList": {
        if (!Array.isArray(value)) return mismatch(value, field, goType);
        const bad = value.find((v) => v !== null && typeof v !== "string");
        return bad === undefined ? undefined : mismatch(bad, field, "string");
      }
      case "objectList": {
        if (!Array.isArray(value)) return mismatch(value, field, `[]${goType}`);
        const bad = value.find((v) => v !== null && (typeof v !== "object" || Array.isArray(v)));
        return bad === undefined ? undefined : mismatch(bad, field, goType);
      }
    }
  };
  const meta = obj.metadata;
  if (meta !== undefined && meta !== null && (typeof meta !== "object" || Array.isArray(meta))) return mismatch(meta, `${kind}.metadata`, "v1.ObjectMeta");
  const m = (meta ?? {}) as Record<string, unknown>;
  const at = (f: string) => `ObjectMeta.metadata.${f}`;
  const checks = [
    ...["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion"].map((f) => check(m[f], at(f), "string", "string")),
    check(m.generation, at("generation"), "int", "int64"),
    check(m.deletionGracePeriodSeconds, at("deletionGracePeriodSeconds"), "int", "int64"),
    check(m.labels, at("labels"), "stringMap", "map[string]string"),
    check(m.annotations, at("annotations"), "stringMap", "map[string]string"),
    check(m.finalizers, at("finalizers"), "stringList", "[]string"),
    check(m.ownerReferences, at("ownerReferences"), "objectList", "v1.OwnerReference"),
    check(m.managedFields, at("managedFields"), "objectList", "v1.ManagedFieldsEntry"),
    managedFieldsDecodeError(m.managedFields),
  ];
  if (kind === "ConfigMap") {
    checks.push(check(obj.data, "ConfigMap.data", "stringMap", "map[string]string"));
    checks.push(check(obj.binaryData, "ConfigMap.binaryData", "stringMap", "map[string][]uint8"));
    checks.push(check(obj.immutable, "ConfigMap.immutable", "bool", "bool"));
  } else if (kind === "Secret") {
    checks.push(check(obj.data, "Secret.data", "stringMap", "map[string][]uint8"));
    checks.push(check(obj.stringData, "Secret.stringData", "stringMap", "map[string]string"));
    checks.push(check(obj.type, "Secret.type", "string", "v1.SecretType"));
    checks.push(check(obj.immutable, "Secret.immutable", "bool", "bool"));
  }
  return checks.find((c) => c !== undefined);
}

/** Go's strconv.ParseBool spellings of true (the Python client sends `watch=True`). */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const queryBool = (req: ApiRequest, name: string): boolean => GO_TRUE.has(req.query.get(name) ?? "");

function fieldValidationOf(req: ApiRequest): FieldValidation {
  const validation = (req.query.get("fieldValidation") ?? "Warn") as FieldValidation;
  if (!["Strict", "Warn", "Ignore"].includes(validation)) {
    throw errors.badRequest(`fieldValidation must be one of Ignore, Warn or Strict, not "${validation}"`);
  }
  return validation;
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

