/**
 * OpenAPI documents generated from resource descriptors: the /openapi/v3 index and one
 * OpenAPI 3.0 document per group-version (kube-openapi handler3), plus the /openapi/v2 reply.
 *
 * What clients use them for (reference kubernetes-api.md §0.2, §4):
 * - kubectl create/apply/replace validate with `--validate=strict` by default; they find, per
 *   GVK, a `patch` operation carrying `x-kubernetes-group-version-kind` and a `fieldValidation`
 *   query parameter, then let the server validate (`?fieldValidation=Strict`).
 * - `kubectl explain` reads the kind's schema, found by its `x-kubernetes-group-version-kind`.
 * - kubectl ≥1.29 builds client-side apply patches from the schema when the patch operation
 *   accepts strategic-merge-patch (see KindSchema.complete).
 */
import { createHash } from "node:crypto";
import type { ResourceDescriptor } from "../api/descriptor.js";
import {
  API_VERSION_DOC,
  KIND_DOC,
  KIND_SCHEMAS,
  LIST_METADATA_DOC,
  META,
  META_SCHEMAS,
  OBJECT_METADATA_DOC,
  ref,
  refProp,
  type KindSchema,
  type Schema,
} from "./openapi-schemas.js";
import { swaggerDocument, swaggerProtobuf } from "./openapi-v2.js";
import { WORKLOAD_SCHEMAS } from "./openapi-workload-schemas.js";

/** The /openapi/v3 index. */
export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

/** An OpenAPI 3.0 document for one group-version. */
export interface OpenApiV3Document {
  openapi: "3.0.0";
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
}

/** Optional document facts. */
export interface OpenApiOptions {
  /** info.version; kube-apiserver puts its gitVersion there. */
  serverVersion?: string;
}

/** The index key and URL path segment of a group-version: "api/v1" or "apis/apps/v1". */
export function groupVersionPath(d: { group: string; version: string }): string {
  return d.group ? `apis/${d.group}/${d.version}` : `api/${d.version}`;
}

const BUILTIN_SCHEMA_PACKAGES: Record<string, string> = {
  "": "io.k8s.api.core",
  "apiextensions.k8s.io": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
  "apiregistration.k8s.io": "io.k8s.kube-aggregator.pkg.apis.apiregistration",
  "internal.apiserver.k8s.io": "io.k8s.api.apiserverinternal",
  "metrics.k8s.io": "io.k8s.metrics.pkg.apis.metrics",
  "rbac.authorization.k8s.io": "io.k8s.api.rbac",
  "flowcontrol.apiserver.k8s.io": "io.k8s.api.flowcontrol",
};

/**
 * The components.schemas name of a kind, as kube-apiserver names it: the Go package of
 * built-in types (`io.k8s.api.core.v1.ConfigMap`, `io.k8s.api.apps.v1.Deployment`), or the
 * reversed group for custom resources (`com.example.stable.v1.CronTab`).
 */
export function schemaName(group: string, version: string, kind: string): string {
  let pkg = BUILTIN_SCHEMA_PACKAGES[group];
  if (pkg === undefined) {
    if (!group.includes(".") || group.endsWith(".k8s.io")) pkg = `io.k8s.api.${group.split(".")[0]}`;
    else pkg = group.split(".").reverse().join(".");
  }
  return `${pkg}.${version}.${kind}`;
}

/** apiserver ToValidOperationID: letters kept, other characters start a capitalized word. */
function operationWord(s: string, capitalizeFirst: boolean): string {
  let out = "";
  let capitalize = capitalizeFirst;
  [...s].forEach((ch, i) => {
    if (/\p{L}/u.test(ch) || ch === "_" || (i !== 0 && /\p{Nd}/u.test(ch))) {
      out += capitalize ? ch.toUpperCase() : ch;
      capitalize = false;
    } else {
      capitalize = true;
    }
  });
  return out;
}

/** apiserver GetArticleForNoun: "a Pod", "an Event", and no article for plural-looking kinds. */
const article = (noun: string) => (!noun.endsWith("ss") && noun.endsWith("s") ? "" : /^[aeiouAEIOU]/.test(noun) ? "an " : "a ");

const query = (name: string, type: "string" | "integer" | "boolean", description: string): Schema => ({
  name,
  in: "query",
  description,
  schema: { type, uniqueItems: true },
});
const pathParam = (name: string, description: string): Schema => ({ name, in: "path", description, required: true, schema: { type: "string", uniqueItems: true } });

const P = {
  allowWatchBookmarks: query(
    "allowWatchBookmarks",
    "boolean",
    'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored.',
  ),
  continue: query(
    "continue",
    "string",
    'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token. If the client needs a consistent list, it must restart their list without the continue field. Otherwise, the client may send another list request with the token received with the 410 error, the server will respond with a list starting from the next key, but from the latest snapshot, which is inconsistent from the previous list results - objects that are created, modified, or deleted after the first list request will be included in the response, as long as their keys are after the "next key".\n\nThis field is not supported when watch is true. Clients may start a watch from the last resourceVersion value returned by the server and not miss any modifications.',
  ),
  dryRun: query(
    "dryRun",
    "string",
    "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
  ),
  fieldManager: query(
    "fieldManager",
    "string",
    "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.",
  ),
  fieldManagerPatch: query(
    "fieldManager",
    "string",
    "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint. This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).",
  ),
  fieldSelector: query("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
  fieldValidation: query(
    "fieldValidation",
    "string",
    "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.",
  ),
  force: query(
    "force",
    "boolean",
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  ),
  gracePeriodSeconds: query(
    "gracePeriodSeconds",
    "integer",
    "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.",
  ),
  labelSelector: query("labelSelector", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
  limit: query(
    "limit",
    "integer",
    "limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results. Setting a limit may return fewer than the requested amount of items (up to zero items) in the event all requested objects are filtered out and clients should only use the presence of the continue field to determine whether more results are available. Servers may choose not to support the limit argument and will return all of the available results. If limit is specified and the continue field is empty, clients may assume that no more results are available. This field is not supported if watch is true.\n\nThe server guarantees that the objects returned when using continue will be identical to issuing a single list call without a limit - that is, no objects created, modified, or deleted after the first request is issued will be included in any subsequent continued requests. This is sometimes referred to as a consistent snapshot, and ensures that a client that is using limit to receive smaller chunks of a very large result can ensure they see all possible objects. If objects are updated during a chunked list the version of the object that was present at the time the first list result was calculated is returned.",
  ),
  namespace: pathParam("namespace", "object name and auth scope, such as for teams and projects"),
  orphanDependents: query(
    "orphanDependents",
    "boolean",
    'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.',
  ),
  pretty: query("pretty", "string", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  propagationPolicy: query(
    "propagationPolicy",
    "string",
    "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
  ),
  resourceVersion: query(
    "resourceVersion",
    "string",
    "resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset",
  ),
  resourceVersionMatch: query(
    "resourceVersionMatch",
    "string",
    "resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset",
  ),
  sendInitialEvents: query(
    "sendInitialEvents",
    "boolean",
    '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event  will be sent. The bookmark will report the ResourceVersion (RV) corresponding to the set of objects, and be marked with `"k8s.io/initial-events-end": "true"` annotation. Afterwards, the watch stream will proceed as usual, sending watch events corresponding to changes (subsequent to the RV) to objects watched.\n\nWhen `sendInitialEvents` option is set, we require `resourceVersionMatch` option to also be set. The semantic of the watch request is as following: - `resourceVersionMatch` = NotOlderThan\n  is interpreted as "data at least as new as the provided `resourceVersion`"\n  and the bookmark event is send when the state is synced\n  to a `resourceVersion` at least as fresh as the one provided by the ListOptions.\n  If `resourceVersion` is unset, this is interpreted as "consistent read" and the\n  bookmark event is send when the state is synced at least to the moment\n  when request started being processed.\n- `resourceVersionMatch` set to any other value or unset\n  Invalid error is returned.\n\nDefaults to true if `resourceVersion=""` or `resourceVersion="0"` (for backward compatibility reasons) and to false otherwise.',
  ),
  timeoutSeconds: query("timeoutSeconds", "integer", "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity."),
  watch: query(
    "watch",
    "boolean",
    "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.",
  ),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [P.dryRun, P.fieldManagerPatch, P.fieldValidation, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];

const content = (schemaRef: string, types: string[]) => Object.fromEntries(types.map((t) => [t, { schema: ref(schemaRef) }]));
const OBJECT_TYPES = ["application/json", "application/vnd.kubernetes.protobuf", "application/yaml"];
const STREAM_TYPES = ["application/json", "application/json;stream=watch", "application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf;stream=watch", "application/yaml"];
const STATUS_TEXT: Record<string, string> = { "200": "OK", "201": "Created", "202": "Accepted" };
const responses = (schemaRef: string, codes: string[], types = OBJECT_TYPES) => ({
  ...Object.fromEntries(codes.map((c) => [c, { description: STATUS_TEXT[c], content: content(schemaRef, types) }])),
  "401": { description: "Unauthorized" },
});

interface KindInfo {
  d: ResourceDescriptor;
  schema: string;
  listSchema: string;
  kindSchema: KindSchema | undefined;
}

function kindInfo(d: ResourceDescriptor): KindInfo {
  return {
    d,
    schema: schemaName(d.group, d.version, d.kind),
    listSchema: schemaName(d.group, d.version, `${d.kind}List`),
    kindSchema: KIND_SCHEMAS[`${d.group}/${d.version}/${d.kind}`],
  };
}

/** The operations of one resource, keyed by path (apiserver endpoints/installer.go). */
function resourcePaths(info: KindInfo, tag: string, gvWord: string): Record<string, Record<string, unknown>> {
  const { d, schema, listSchema } = info;
  const gvk = { group: d.group, version: d.version, kind: d.kind };
  const root = `/${groupVersionPath(d)}`;
  const scope = d.namespaced ? `Namespaced${d.kind}` : d.kind;
  const collection = d.namespaced ? `${root}/namespaces/{namespace}/${d.plural}` : `${root}/${d.plural}`;
  const item = `${collection}/{name}`;
  const scopeParams = d.namespaced ? [P.namespace] : [];
  const nameParam = (what: string) => pathParam("name", `name of the ${what}`);
  const can = (verb: string) => d.verbs.includes(verb);
  const op = (verb: string, suffix: string, description: string, action: string, rest: Record<string, unknown>) => ({
    tags: [tag],
    description,
    operationId: `${verb}${gvWord}${suffix}`,
    ...rest,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
  });
  const body = (schemaRef: string) => ({ content: { "*/*": { schema: ref(schemaRef) } } });
  const patchTypes = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];
  if (info.kindSchema?.complete) patchTypes.push("application/strategic-merge-patch+json");
  const patchBody = { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: ref(`${META}.Patch`) }])) };
  const paths: Record<string, Record<string, unknown>> = {};

  const coll: Record<string, unknown> = {};
  if (can("list")) coll.get = op("list", scope, `list or watch objects of kind ${d.kind}`, "list", { parameters: LIST_PARAMS, responses: responses(listSchema, ["200"], STREAM_TYPES) });
  if (can("create")) coll.post = op("create", scope, `create ${article(d.kind)}${d.kind}`, "post", { parameters: WRITE_PARAMS, requestBody: body(schema), responses: responses(schema, ["200", "201", "202"]) });
  if (can("deletecollection")) {
    coll.delete = op("delete", `Collection${scope}`, `delete collection of ${d.kind}`, "deletecollection", {
      parameters: DELETE_COLLECTION_PARAMS,
      requestBody: body(`${META}.DeleteOptions`),
      responses: responses(`${META}.Status`, ["200"]),
    });
  }
  if (Object.keys(coll).length > 0) paths[collection] = { ...coll, parameters: [...scopeParams, P.pretty] };

  const one: Record<string, unknown> = {};
  if (can("get")) one.get = op("read", scope, `read the specified ${d.kind}`, "get", { responses: responses(schema, ["200"]) });
  if (can("update")) one.put = op("replace", scope, `replace the specified ${d.kind}`, "put", { parameters: WRITE_PARAMS, requestBody: body(schema), responses: responses(schema, ["200", "201"]) });
  if (can("delete")) {
    one.delete = op("delete", scope, `delete ${article(d.kind)}${d.kind}`, "delete", {
      parameters: DELETE_PARAMS,
      requestBody: body(`${META}.DeleteOptions`),
      responses: responses(`${META}.Status`, ["200", "202"]),
    });
  }
  if (can("patch")) one.patch = op("patch", scope, `partially update the specified ${d.kind}`, "patch", { parameters: PATCH_PARAMS, requestBody: patchBody, responses: responses(schema, ["200", "201"]) });
  if (Object.keys(one).length > 0) paths[item] = { ...one, parameters: [nameParam(d.kind), ...scopeParams, P.pretty] };

  for (const sub of d.subresources) {
    const word = sub.charAt(0).toUpperCase() + sub.slice(1);
    const subOps: Record<string, unknown> = {};
    let pathParams = [nameParam(d.kind), ...scopeParams, P.pretty];
    if (sub === "status") {
      subOps.get = op("read", `${scope}Status`, `read status of the specified ${d.kind}`, "get", { responses: responses(schema, ["200"]) });
      subOps.put = op("replace", `${scope}Status`, `replace status of the specified ${d.kind}`, "put", { parameters: WRITE_PARAMS, requestBody: body(schema), responses: responses(schema, ["200", "201"]) });
      subOps.patch = op("patch", `${scope}Status`, `partially update status of the specified ${d.kind}`, "patch", { parameters: PATCH_PARAMS, requestBody: patchBody, responses: responses(schema, ["200", "201"]) });
    } else if (sub === "finalize") {
      subOps.put = op("replace", `${scope}${word}`, `replace ${sub} of the specified ${d.kind}`, "put", { requestBody: body(schema), responses: responses(schema, ["200", "201"]) });
      pathParams = [...WRITE_PARAMS, ...pathParams];
    } else {
      // Subresources with their own kinds (scale, log, exec, binding, eviction, token, proxy) come with their handlers.
      continue;
    }
    paths[`${item}/${sub}`] = { ...subOps, parameters: pathParams };
  }

  if (d.namespaced && can("list")) {
    paths[`${root}/${d.plural}`] = {
      get: op("list", `${d.kind}ForAllNamespaces`, `list or watch objects of kind ${d.kind}`, "list", { responses: responses(listSchema, ["200"], STREAM_TYPES) }),
      parameters: [...LIST_PARAMS, P.pretty].sort(byName),
    };
  }
  if (can("watch")) {
    const watchEvent = `${META}.WatchEvent`;
    const listDoc = `watch individual changes to a list of ${d.kind}. deprecated: use the 'watch' parameter with a list operation instead.`;
    const watchParams = [...LIST_PARAMS, P.pretty];
    const watchRoot = d.namespaced ? `${root}/watch/namespaces/{namespace}/${d.plural}` : `${root}/watch/${d.plural}`;
    paths[watchRoot] = {
      get: op("watch", `${scope}List`, listDoc, "watchlist", { responses: responses(watchEvent, ["200"], STREAM_TYPES) }),
      parameters: [...watchParams, ...scopeParams].sort(byName),
    };
    paths[`${watchRoot}/{name}`] = {
      get: op(
        "watch",
        scope,
        `watch changes to an object of kind ${d.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
        "watch",
        { responses: responses(watchEvent, ["200"], STREAM_TYPES) },
      ),
      parameters: [...watchParams, nameParam(d.kind), ...scopeParams].sort(byName),
    };
    if (d.namespaced) {
      paths[`${root}/watch/${d.plural}`] = {
        get: op("watch", `${d.kind}ListForAllNamespaces`, listDoc, "watchlist", { responses: responses(watchEvent, ["200"], STREAM_TYPES) }),
        parameters: watchParams.sort(byName),
      };
    }
  }
  return paths;
}

const byName = (a: Schema, b: Schema) => String(a.name).localeCompare(String(b.name));

/** The kind's schema and its List schema, from KIND_SCHEMAS or, for kinds without one, open objects per top-level field. */
function kindSchemas(info: KindInfo): Record<string, Schema> {
  const { d, schema, listSchema, kindSchema } = info;
  const gvk = (kind: string) => [{ group: d.group, kind, version: d.version }];
  // A custom resource's schema is the CRD's openAPIV3Schema (apiextensions' openapi builder).
  const custom = d.openApiSchema;
  const fields: Record<string, Schema> = (custom?.properties as Record<string, Schema> | undefined) ?? kindSchema?.properties ?? {};
  const properties: Record<string, Schema> = {
    apiVersion: { description: API_VERSION_DOC, type: "string" },
    kind: { description: KIND_DOC, type: "string" },
    metadata: refProp(`${META}.ObjectMeta`, OBJECT_METADATA_DOC),
  };
  for (const f of d.topLevelFields) {
    properties[f] = fields[f] ?? { description: "", type: "object", "x-kubernetes-preserve-unknown-fields": true };
  }
  const description = (custom ? (custom.description as string | undefined) : kindSchema?.description) ?? `${d.kind} is a ${d.group || "core"}/${d.version} resource.`;
  const required = custom ? (custom.required as string[] | undefined) : kindSchema?.required;
  return {
    ...kindSchema?.refs,
    [schema]: {
      description,
      type: "object",
      ...(required ? { required } : {}),
      properties: sortKeys(properties),
      ...(custom?.["x-kubernetes-preserve-unknown-fields"] === true ? { "x-kubernetes-preserve-unknown-fields": true } : {}),
      "x-kubernetes-group-version-kind": gvk(d.kind),
    },
    [listSchema]: {
      description: kindSchema?.listDescription ?? `${d.kind}List is a list of ${d.kind}.`,
      type: "object",
      required: ["items"],
      properties: {
        apiVersion: { description: API_VERSION_DOC, type: "string" },
        items: { description: kindSchema?.itemsDescription ?? `List of ${d.plural}.`, type: "array", items: { default: {}, allOf: [ref(schema)] } },
        kind: { description: KIND_DOC, type: "string" },
        metadata: refProp(`${META}.ListMeta`, LIST_METADATA_DOC),
      },
      "x-kubernetes-group-version-kind": gvk(`${d.kind}List`),
    },
  };
}

const isOpen = (s: Schema | undefined) => s?.["x-kubernetes-preserve-unknown-fields"] === true && s.properties === undefined;

/** Every named type a document may reference: the kinds' own types, then the nested ones. */
const NAMED_SCHEMAS: Record<string, Schema> = (() => {
  const named: Record<string, Schema> = {};
  for (const k of Object.values(KIND_SCHEMAS)) for (const [name, s] of Object.entries(k.refs)) if (!isOpen(s)) named[name] ??= s;
  return { ...named, ...WORKLOAD_SCHEMAS };
})();

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v.slice("#/components/schemas/".length));
      else refsIn(v, out);
    }
  }
  return out;
}

/**
 * Fills in the document's named types: a type a kind leaves open (PodSpec, DeploymentStatus)
 * takes its full schema when one is written, and every type referenced from there on is added,
 * so each document resolves all of its $refs by itself (kubectl reads one document per group-version).
 */
function resolveNamedSchemas(schemas: Record<string, Schema>): void {
  for (const [name, s] of Object.entries(schemas)) if (isOpen(s) && WORKLOAD_SCHEMAS[name]) schemas[name] = WORKLOAD_SCHEMAS[name];
  const queue = Object.values(schemas);
  for (let s = queue.pop(); s; s = queue.pop()) {
    for (const name of refsIn(s)) {
      const named = NAMED_SCHEMAS[name];
      if (schemas[name] || !named) continue;
      schemas[name] = named;
      queue.push(named);
    }
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function matchesGroupVersion(d: ResourceDescriptor, groupVersion: string): boolean {
  const gv = groupVersion.replace(/^\/+|\/+$/g, "");
  return gv === groupVersionPath(d) || gv === (d.group ? `${d.group}/${d.version}` : d.version);
}

/**
 * The OpenAPI 3.0 document of one group-version, accepted as an index key ("api/v1",
 * "apis/apps/v1") or an apiVersion ("v1", "apps/v1"); undefined when no descriptor serves it.
 * Keys are sorted, as Go marshals maps, so equal descriptors give byte-equal JSON.
 */
export function openApiV3Document(descriptors: ResourceDescriptor[], groupVersion: string, opts: OpenApiOptions = {}): OpenApiV3Document | undefined {
  const ds = descriptors.filter((d) => matchesGroupVersion(d, groupVersion));
  const first = ds[0];
  if (!first) return undefined;
  const groupWord = first.group.replace(/\.k8s\.io$/, "") || "core";
  const tag = `${operationWord(groupWord, false)}_${operationWord(first.version, false)}`;
  const gvWord = `${operationWord(groupWord, true)}${operationWord(first.version, true)}`;

  const paths: Record<string, Record<string, unknown>> = {
    [`/${groupVersionPath(first)}/`]: {
      get: {
        tags: [tag],
        description: "get available resources",
        operationId: `get${gvWord}APIResources`,
        responses: responses(`${META}.APIResourceList`, ["200"]),
      },
    },
  };
  const schemas: Record<string, Schema> = { ...META_SCHEMAS };
  // Like upstream, the shared meta kinds list every built-in group-version (custom resources
  // are left out so that installing one does not change, and re-hash, the built-in documents).
  const builtin = (g: string) => !g.includes(".") || g.endsWith(".k8s.io");
  const listed = descriptors.filter((d) => builtin(d.group) || (d.group === first.group && d.version === first.version));
  const servedGVs = [...new Map(listed.map((d) => [`${d.group}/${d.version}`, { group: d.group, version: d.version }])).values()].sort((a, b) =>
    a.group === b.group ? a.version.localeCompare(b.version) : a.group.localeCompare(b.group),
  );
  for (const name of ["DeleteOptions", "WatchEvent"]) {
    schemas[`${META}.${name}`] = { ...schemas[`${META}.${name}`], "x-kubernetes-group-version-kind": servedGVs.map((gv) => ({ group: gv.group, kind: name, version: gv.version })) };
  }
  for (const d of ds) {
    const info = kindInfo(d);
    Object.assign(paths, resourcePaths(info, tag, gvWord));
    Object.assign(schemas, kindSchemas(info));
  }
  resolveNamedSchemas(schemas);
  // A copy, so callers cannot reach the shared schema constants.
  return structuredClone({
    openapi: "3.0.0" as const,
    info: { title: "Kubernetes", version: opts.serverVersion ?? "unversioned" },
    paths: sortKeys(paths),
    components: {
      schemas: sortKeys(schemas),
      securitySchemes: { BearerToken: { type: "apiKey", description: "Bearer Token authentication", name: "authorization", in: "header" } },
    },
  });
}

/** kube-openapi's ETag and `?hash=`: uppercase hex SHA-512 of the served bytes. */
export function openApiHash(body: string | Uint8Array): string {
  return createHash("sha512").update(body).digest("hex").toUpperCase();
}

/**
 * Generated documents, per descriptor list. The list is keyed by identity and length: the
 * built-in list never changes, and a list that grows (custom resources) invalidates its entry.
 * Documents are large (every kind's schema), so they are built once, not per request.
 */
const generated = new WeakMap<ResourceDescriptor[], { length: number; entries: Map<string, unknown> }>();

function memoized<T>(descriptors: ResourceDescriptor[], key: string, build: () => T): T {
  let cache = generated.get(descriptors);
  if (!cache || cache.length !== descriptors.length) {
    cache = { length: descriptors.length, entries: new Map() };
    generated.set(descriptors, cache);
  }
  if (cache.entries.has(key)) return cache.entries.get(key) as T;
  const built = build();
  // Unknown group-versions are not kept: arbitrary request paths must not grow the cache.
  if (built !== undefined) cache.entries.set(key, built);
  return built;
}

/** The exact JSON to serve for a group-version document and its hash (for ETag and the index); undefined when unknown. */
export function openApiV3Json(descriptors: ResourceDescriptor[], groupVersion: string, opts: OpenApiOptions = {}): { json: string; hash: string } | undefined {
  return memoized(descriptors, `v3 ${opts.serverVersion ?? ""} ${groupVersion}`, () => {
    const doc = openApiV3Document(descriptors, groupVersion, opts);
    if (!doc) return undefined;
    const json = JSON.stringify(doc);
    return { json, hash: openApiHash(json) };
  });
}

/**
 * Content type of /openapi/v2 protobuf replies, as kube-openapi sends it (`subTypeProtobuf`). The
 * `@v1.0` spelling kubectl puts in Accept is not a valid MIME type and breaks its parser.
 */
export const OPENAPI_V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/** Whether an Accept header asks /openapi/v2 for protobuf (client-go does; anything else gets JSON, as upstream). */
export function wantsOpenApiV2Protobuf(accept: string | undefined): boolean {
  return /com\.github\.proto-openapi\.spec\.v2/i.test(accept ?? "");
}

/** The /openapi/v2 document in both encodings, with the ETag hash of each. */
export function openApiV2(descriptors: ResourceDescriptor[], opts: OpenApiOptions = {}): { json: string; jsonHash: string; protobuf: Uint8Array; protobufHash: string } {
  return memoized(descriptors, `v2 ${opts.serverVersion ?? ""}`, () => {
    const gvs = [...new Set(descriptors.map((d) => groupVersionPath(d)))].sort();
    const docs = gvs.map((gv) => openApiV3Document(descriptors, gv, opts)).filter((d): d is OpenApiV3Document => d !== undefined);
    const doc = swaggerDocument(docs, opts.serverVersion ?? "unversioned");
    const json = JSON.stringify(doc);
    const protobuf = swaggerProtobuf(doc);
    return { json, jsonHash: openApiHash(json), protobuf, protobufHash: openApiHash(protobuf) };
  });
}

/**
 * The /openapi/v3 index: one entry per group-version, whose URL carries the document hash so
 * clients (kubectl caches by URL) refetch exactly when a document changes.
 */
export function openApiV3Index(descriptors: ResourceDescriptor[], opts: OpenApiOptions = {}): OpenApiV3Index {
  return memoized(descriptors, `index ${opts.serverVersion ?? ""}`, () => buildIndex(descriptors, opts));
}

function buildIndex(descriptors: ResourceDescriptor[], opts: OpenApiOptions): OpenApiV3Index {
  const gvs = [...new Set(descriptors.map((d) => groupVersionPath(d)))].sort();
  const paths: OpenApiV3Index["paths"] = {};
  for (const gv of gvs) {
    const served = openApiV3Json(descriptors, gv, opts);
    if (served) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${served.hash}` };
  }
  return { paths };
}
