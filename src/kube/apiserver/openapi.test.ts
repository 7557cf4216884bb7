import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import {
  OPENAPI_V2_CONTENT_TYPE,
  groupVersionPath,
  openApiHash,
  openApiV2,
  wantsOpenApiV2Protobuf,
  openApiV3Document,
  openApiV3Index,
  openApiV3Json,
  schemaName,
  type OpenApiV3Document,
} from "./openapi.js";
import { OPENAPI_V2_PROTO } from "./openapi-v2.js";
import { toTable, wantsTable } from "./table.js";
import { CORE_V1 } from "../api/core-v1.js";
import { APPS_V1 } from "../api/apps-v1.js";
import { BATCH_V1 } from "../api/batch-v1.js";
import type { ResourceDescriptor } from "../api/descriptor.js";
import type { StoredObject } from "../api/types.js";

type Op = Record<string, unknown> & {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  "x-kubernetes-action": string;
  "x-kubernetes-group-version-kind": { group: string; version: string; kind: string };
};
const METHODS = ["get", "put", "post", "delete", "patch"];
const operations = (doc: OpenApiV3Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] as Op })));

const crontab: ResourceDescriptor = {
  ...CORE_V1.find((d) => d.kind === "ConfigMap")!,
  group: "stable.example.com",
  version: "v1",
  kind: "CronTab",
  plural: "crontabs",
  singular: "crontab",
  shortNames: ["ct"],
  topLevelFields: ["spec", "status"],
  strategy: {},
};

describe("OpenAPI v3 documents", () => {
  const doc = openApiV3Document(CORE_V1, "api/v1")!;

  it("names groups, versions and schemas like kube-apiserver", () => {
    assert.equal(groupVersionPath({ group: "", version: "v1" }), "api/v1");
    assert.equal(groupVersionPath({ group: "apps", version: "v1" }), "apis/apps/v1");
    assert.equal(schemaName("", "v1", "ConfigMap"), "io.k8s.api.core.v1.ConfigMap");
    assert.equal(schemaName("apps", "v1", "Deployment"), "io.k8s.api.apps.v1.Deployment");
    assert.equal(schemaName("rbac.authorization.k8s.io", "v1", "Role"), "io.k8s.api.rbac.v1.Role");
    assert.equal(schemaName("networking.k8s.io", "v1", "Ingress"), "io.k8s.api.networking.v1.Ingress");
    assert.equal(schemaName("apiextensions.k8s.io", "v1", "CustomResourceDefinition"), "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition");
    assert.equal(schemaName("stable.example.com", "v1", "CronTab"), "com.example.stable.v1.CronTab");
  });

  it("accepts the index key or the apiVersion and knows unknown group-versions", () => {
    assert.deepEqual(openApiV3Document(CORE_V1, "v1"), doc);
    assert.equal(openApiV3Document(CORE_V1, "apis/apps/v1"), undefined);
    assert.equal(doc.openapi, "3.0.0");
    assert.deepEqual(doc.info, { title: "Kubernetes", version: "unversioned" });
    assert.equal(openApiV3Document(CORE_V1, "api/v1", { serverVersion: "v1.33.1-eks-1" })!.info.version, "v1.33.1-eks-1");
  });

  it("has the collection, item and status paths with upstream operation ids", () => {
    const ids = Object.fromEntries(operations(doc).map(({ path, method, op }) => [`${method.toUpperCase()} ${path}`, `${op.operationId} ${op["x-kubernetes-action"]}`]));
    assert.equal(ids["GET /api/v1/namespaces/{namespace}/configmaps"], "listCoreV1NamespacedConfigMap list");
    assert.equal(ids["POST /api/v1/namespaces/{namespace}/configmaps"], "createCoreV1NamespacedConfigMap post");
    assert.equal(ids["DELETE /api/v1/namespaces/{namespace}/configmaps"], "deleteCoreV1CollectionNamespacedConfigMap deletecollection");
    assert.equal(ids["GET /api/v1/namespaces/{namespace}/configmaps/{name}"], "readCoreV1NamespacedConfigMap get");
    assert.equal(ids["PUT /api/v1/namespaces/{namespace}/configmaps/{name}"], "replaceCoreV1NamespacedConfigMap put");
    assert.equal(ids["PATCH /api/v1/namespaces/{namespace}/configmaps/{name}"], "patchCoreV1NamespacedConfigMap patch");
    assert.equal(ids["DELETE /api/v1/namespaces/{namespace}/configmaps/{name}"], "deleteCoreV1NamespacedConfigMap delete");
    assert.equal(ids["GET /api/v1/configmaps"], "listCoreV1ConfigMapForAllNamespaces list");
    assert.equal(ids["GET /api/v1/watch/namespaces/{namespace}/configmaps"], "watchCoreV1NamespacedConfigMapList watchlist");
    assert.equal(ids["GET /api/v1/watch/namespaces/{namespace}/configmaps/{name}"], "watchCoreV1NamespacedConfigMap watch");
    assert.equal(ids["GET /api/v1/watch/configmaps"], "watchCoreV1ConfigMapListForAllNamespaces watchlist");
    assert.equal(ids["PATCH /api/v1/namespaces/{namespace}/pods/{name}/status"], "patchCoreV1NamespacedPodStatus patch");
    assert.equal(ids["GET /api/v1/nodes"], "listCoreV1Node list");
    assert.equal(ids["GET /api/v1/nodes/{name}/status"], "readCoreV1NodeStatus get");
    assert.equal(ids["PUT /api/v1/namespaces/{name}/finalize"], "replaceCoreV1NamespaceFinalize put");
    assert.equal(ids["DELETE /api/v1/namespaces"], undefined, "namespaces have no deletecollection");
    assert.equal(ids["GET /api/v1/"], "getCoreV1APIResources undefined");
    assert.equal(doc.paths["/api/v1/namespaces/{namespace}/events"]!.post && (doc.paths["/api/v1/namespaces/{namespace}/events"]!.post as Op).description, "create an Event");
    assert.equal(new Set(operations(doc).map((o) => o.op.operationId)).size, operations(doc).length, "operation ids are unique");
  });

  it("gives every write its GVK and the parameters kubectl checks for server-side validation", () => {
    const writes = operations(doc).filter(({ method }) => method === "patch" || method === "post" || method === "put");
    assert.ok(writes.length >= 30);
    for (const { path, method, op } of writes) {
      const gvk = op["x-kubernetes-group-version-kind"];
      assert.equal(gvk.group, "", path);
      assert.equal(gvk.version, "v1", path);
      assert.ok(CORE_V1.some((d) => d.kind === gvk.kind), path);
      const params = [...(op.parameters ?? []), ...((doc.paths[path]!.parameters as { name: string; in: string }[]) ?? [])];
      for (const name of ["fieldValidation", "dryRun", "fieldManager"]) {
        assert.ok(params.some((p) => p.name === name && p.in === "query"), `${method} ${path} lacks ${name}`);
      }
    }
    for (const d of CORE_V1) assert.ok(writes.some(({ method, op }) => method === "patch" && op["x-kubernetes-group-version-kind"].kind === d.kind), d.kind);
  });

  it("accepts every patch type, advertising strategic merge only where the schema is complete", () => {
    const patchTypes = (path: string) => Object.keys(((doc.paths[path]!.patch as Op).requestBody as { content: Record<string, unknown> }).content);
    assert.deepEqual(patchTypes("/api/v1/namespaces/{namespace}/configmaps/{name}"), [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]);
    assert.deepEqual(patchTypes("/api/v1/namespaces/{namespace}/pods/{name}"), ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]);
  });

  it("describes each kind with its GVK, metadata and top-level fields", () => {
    const s = doc.components.schemas;
    const cm = s["io.k8s.api.core.v1.ConfigMap"] as { description: string; properties: Record<string, Record<string, unknown>>; "x-kubernetes-group-version-kind": unknown };
    assert.equal(cm.description, "ConfigMap holds configuration data for pods to consume.");
    assert.deepEqual(cm["x-kubernetes-group-version-kind"], [{ group: "", kind: "ConfigMap", version: "v1" }]);
    assert.deepEqual(Object.keys(cm.properties), ["apiVersion", "binaryData", "data", "immutable", "kind", "metadata"]);
    assert.deepEqual(cm.properties.data!.additionalProperties, { type: "string", default: "" });
    assert.deepEqual(cm.properties.metadata!.allOf, [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }]);
    // Nested types are written out: containers merge by name for strategic merge patch and server-side apply.
    const podSpec = s["io.k8s.api.core.v1.PodSpec"] as { required: string[]; properties: Record<string, Record<string, unknown>> };
    assert.deepEqual(podSpec.required, ["containers"]);
    assert.deepEqual(podSpec.properties.containers, {
      description: podSpec.properties.containers!.description,
      type: "array",
      items: { default: {}, allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.Container" }] },
      "x-kubernetes-list-map-keys": ["name"],
      "x-kubernetes-list-type": "map",
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
    });
    assert.equal(podSpec.properties.volumes!["x-kubernetes-patch-strategy"], "merge,retainKeys");
    assert.deepEqual((s["io.k8s.api.core.v1.EventList"] as { required: string[] }).required, ["items"]);
    const meta = s["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] as { properties: Record<string, unknown> };
    for (const f of ["name", "namespace", "labels", "annotations", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "finalizers", "ownerReferences", "managedFields"]) {
      assert.ok(meta.properties[f], f);
    }
    for (const d of CORE_V1) {
      const props = (s[schemaName("", "v1", d.kind)] as { properties: Record<string, { description?: string }> }).properties;
      for (const f of d.topLevelFields) assert.ok(props[f]?.description, `${d.kind}.${f}`);
    }
  });

  it("describes the apps/v1 and batch/v1 kinds at the top level, with their own schema packages", () => {
    for (const [group, ds] of [["apps", APPS_V1], ["batch", BATCH_V1]] as const) {
      const gv = openApiV3Document([...CORE_V1, ...ds], `${group}/v1`);
      assert.ok(gv);
      const schemas = gv.components.schemas;
      for (const d of ds) {
        const kind = schemas[schemaName(group, "v1", d.kind)] as { description: string; properties: Record<string, { description?: string }> };
        assert.ok(kind.description && !kind.description.endsWith("resource."), d.kind);
        for (const f of d.topLevelFields) assert.ok(kind.properties[f]?.description, `${d.kind}.${f}`);
      }
      const refs = JSON.stringify(gv).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
      for (const r of new Set(refs)) assert.ok(schemas[r.slice(29, -1)], r);
    }
    const apps = openApiV3Document([...CORE_V1, ...APPS_V1], "apps/v1");
    assert.equal((apps?.components.schemas["io.k8s.api.apps.v1.DeploymentSpec"] as { description: string }).description, "DeploymentSpec is the specification of the desired behavior of the Deployment.");
  });

  it("resolves every $ref", () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const r of new Set(refs)) assert.ok(doc.components.schemas[r.slice(29, -1)], r);
  });

  it("publishes custom resources under their reversed group, without strategic merge patch", () => {
    const crd = openApiV3Document([...CORE_V1, crontab], "apis/stable.example.com/v1")!;
    const op = crd.paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]!.patch as Op;
    assert.equal(op.operationId, "patchStableExampleComV1NamespacedCronTab");
    assert.deepEqual(op.tags, ["stableExampleCom_v1"]);
    assert.equal(Object.keys(op.requestBody!.content).includes("application/strategic-merge-patch+json"), false);
    assert.ok(crd.components.schemas["com.example.stable.v1.CronTab"]);
    const del = crd.components.schemas["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"] as { "x-kubernetes-group-version-kind": unknown[] };
    assert.deepEqual(del["x-kubernetes-group-version-kind"], [
      { group: "", kind: "DeleteOptions", version: "v1" },
      { group: "stable.example.com", kind: "DeleteOptions", version: "v1" },
    ]);
  });
});

describe("OpenAPI v3 index", () => {
  it("points at each group-version with the SHA-512 of the served JSON", () => {
    const index = openApiV3Index([...CORE_V1, crontab]);
    assert.deepEqual(Object.keys(index.paths), ["api/v1", "apis/stable.example.com/v1"]);
    const served = openApiV3Json(CORE_V1, "api/v1")!;
    assert.match(served.hash, /^[0-9A-F]{128}$/);
    assert.equal(served.hash, openApiHash(served.json));
    assert.equal(index.paths["api/v1"]!.serverRelativeURL, `/openapi/v3/api/v1?hash=${served.hash}`);
  });

  it("changes the hash when a descriptor changes, and only then", () => {
    const before = openApiV3Index(CORE_V1).paths["api/v1"]!.serverRelativeURL;
    assert.equal(openApiV3Index(CORE_V1).paths["api/v1"]!.serverRelativeURL, before);
    const changed = CORE_V1.map((d) => (d.kind === "ConfigMap" ? { ...d, verbs: d.verbs.filter((v) => v !== "deletecollection") } : d));
    assert.notEqual(openApiV3Index(changed).paths["api/v1"]!.serverRelativeURL, before);
  });
});

describe("OpenAPI v2", () => {
  const all = [...CORE_V1, ...APPS_V1, ...BATCH_V1];
  type Named<T> = { name: string; value: T };
  type PbSchema = { _ref?: string; type?: { value: string[] }; required?: string[]; properties?: { additional_properties: Named<PbSchema>[] }; vendor_extension?: Named<{ yaml: string }>[] };
  type PbOperation = { operation_id: string; consumes: string[]; parameters: { parameter: Record<string, Record<string, Record<string, unknown>>> }[]; vendor_extension: Named<{ yaml: string }>[] };
  const decode = () => {
    const Document = OPENAPI_V2_PROTO.lookupType("openapi.v2.Document");
    return Document.toObject(Document.decode(openApiV2(all).protobuf)) as {
      swagger: string;
      info: { title: string };
      paths: { path: Named<Record<string, PbOperation>>[] };
      definitions: { additional_properties: Named<PbSchema>[] };
    };
  };
  const ext = (e: Named<{ yaml: string }>[] | undefined, name: string) => {
    const found = e?.find((x) => x.name === name);
    return found ? (JSON.parse(found.value.yaml) as unknown) : undefined;
  };

  it("has a parseable protobuf content type, chosen by client-go's Accept", () => {
    assert.equal(OPENAPI_V2_CONTENT_TYPE, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    assert.equal(wantsOpenApiV2Protobuf("application/com.github.proto-openapi.spec.v2@v1.0+protobuf"), true);
    assert.equal(wantsOpenApiV2Protobuf("application/json"), false);
  });

  it("decodes as a gnostic Document with definitions carrying their GVK and list/patch extensions", () => {
    const doc = decode();
    assert.equal(doc.swagger, "2.0");
    assert.equal(doc.info.title, "Kubernetes");
    const defs = new Map(doc.definitions.additional_properties.map((d) => [d.name, d.value]));
    const dep = defs.get("io.k8s.api.apps.v1.Deployment")!;
    assert.deepEqual(ext(dep.vendor_extension, "x-kubernetes-group-version-kind"), [{ group: "apps", kind: "Deployment", version: "v1" }]);
    const spec = dep.properties!.additional_properties.find((p) => p.name === "spec")!.value;
    assert.equal(spec._ref, "#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
    const podSpec = defs.get("io.k8s.api.core.v1.PodSpec")!;
    assert.deepEqual(podSpec.required, ["containers"]);
    const containers = podSpec.properties!.additional_properties.find((p) => p.name === "containers")!.value;
    assert.deepEqual(containers.type?.value, ["array"]);
    assert.equal(ext(containers.vendor_extension, "x-kubernetes-patch-merge-key"), "name");
    assert.equal(ext(containers.vendor_extension, "x-kubernetes-patch-strategy"), "merge");
    assert.deepEqual(ext(containers.vendor_extension, "x-kubernetes-list-map-keys"), ["name"]);
    // Every reference resolves within the document.
    const refs = JSON.stringify(doc).match(/"_ref":"#\/definitions\/[^"]+"/g) ?? [];
    assert.ok(refs.length > 100);
    for (const r of refs) assert.ok(defs.has(r.slice('"_ref":"#/definitions/'.length, -1)), r);
  });

  it("carries each operation with its action, GVK, body and query parameters", () => {
    const doc = decode();
    const item = doc.paths.path.find((p) => p.name === "/apis/apps/v1/namespaces/{namespace}/deployments/{name}")!.value;
    const patch = item.patch!;
    assert.equal(patch.operation_id, "patchAppsV1NamespacedDeployment");
    assert.ok(patch.consumes.includes("application/merge-patch+json"));
    assert.equal(ext(patch.vendor_extension, "x-kubernetes-action"), "patch");
    assert.deepEqual(ext(patch.vendor_extension, "x-kubernetes-group-version-kind"), { group: "apps", version: "v1", kind: "Deployment" });
    assert.equal(patch.parameters[0]!.parameter.body_parameter!.name, "body");
    const query = patch.parameters.map((p) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name).filter(Boolean);
    assert.ok(query.includes("fieldValidation"), String(query));
  });

  it("is generated once per descriptor list", () => {
    assert.equal(openApiV2(all), openApiV2(all));
    assert.equal(openApiV3Json(all, "apis/apps/v1"), openApiV3Json(all, "apis/apps/v1"));
    const grown = [...all];
    const before = openApiV2(grown);
    grown.push({ ...CORE_V1.find((d) => d.kind === "ConfigMap")!, group: "stable.example.com", kind: "CronTab", plural: "crontabs", singular: "crontab", shortNames: [] });
    assert.notEqual(openApiV2(grown), before);
    assert.ok(openApiV2(grown).json.includes("com.example.stable.v1.CronTab"));
  });
});

/** kubectl versions installed beside the one on PATH (kubectl.1.27 …), when there are any. */
function findKubectl(version?: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const onPath = join(dir, "kubectl");
    if (!existsSync(onPath)) continue;
    const bin = version ? join(dirname(realpathSync(onPath)), `kubectl.${version}`) : onPath;
    return existsSync(bin) ? bin : undefined;
  }
  return undefined;
}

/**
 * A stand-in API server: legacy discovery, the generated OpenAPI, and just enough of configmaps
 * for `kubectl get` and a server-side dry-run create.
 */
function fakeApiServer(): { server: Server; requests: string[] } {
  const requests: string[] = [];
  const created: StoredObject[] = [];
  const cm = CORE_V1.find((d) => d.kind === "ConfigMap")!;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (code: number, body: unknown, type = "application/json") => {
      res.writeHead(code, { "content-type": type });
      res.end(JSON.stringify(body));
    };
    const notFound = (message = "the server could not find the requested resource") =>
      json(404, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "NotFound", code: 404 });
    const p = url.pathname;
    if (req.method === "GET" && p === "/api") return json(200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:443" }] });
    if (req.method === "GET" && p === "/apis") return json(200, { kind: "APIGroupList", apiVersion: "v1", groups: [] });
    if (req.method === "GET" && p === "/api/v1") {
      const resources = CORE_V1.flatMap((d) => [
        { name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs, shortNames: d.shortNames, categories: d.categories },
        ...d.subresources.map((s) => ({ name: `${d.plural}/${s}`, singularName: "", namespaced: d.namespaced, kind: d.kind, verbs: ["get", "patch", "update"] })),
      ]);
      return json(200, { kind: "APIResourceList", groupVersion: "v1", resources });
    }
    if (req.method === "GET" && p === "/openapi/v2") {
      res.writeHead(200, { "content-type": OPENAPI_V2_CONTENT_TYPE });
      return res.end(Buffer.from(openApiV2(CORE_V1).protobuf));
    }
    if (req.method === "GET" && p === "/openapi/v3") return json(200, openApiV3Index(CORE_V1));
    if (req.method === "GET" && p.startsWith("/openapi/v3/")) {
      const served = openApiV3Json(CORE_V1, p.slice("/openapi/v3/".length));
      if (!served) return notFound();
      res.writeHead(200, { "content-type": "application/json", etag: `"${served.hash}"` });
      return res.end(served.json);
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(p);
    if (m && req.method === "GET" && m[2]) return notFound(`configmaps "${m[2]}" not found`);
    if (m && req.method === "GET") {
      const objects: StoredObject[] = [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: m[1], creationTimestamp: new Date(Date.now() - 3 * 86_400_000).toISOString() }, data: { "ca.crt": "x" } },
      ];
      const version = wantsTable(req.headers.accept ?? "");
      if (version) return json(200, toTable(cm, objects, { now: new Date(), includeObject: "Metadata", resourceVersion: "7", tableVersion: version }));
      return json(200, { kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "7" }, items: objects });
    }
    if (m && req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        const obj = JSON.parse(body) as StoredObject;
        created.push(obj);
        json(201, { ...obj, metadata: { ...obj.metadata, namespace: m[1], uid: "u1", resourceVersion: "8", creationTimestamp: new Date().toISOString() } });
      });
      return;
    }
    notFound();
  });
  return { server, requests };
}

// 1.27 also fetches /openapi/v2 for create/apply; 1.33 is the newest supported.
const KUBECTLS = [
  { label: "1.27", bin: findKubectl("1.27") },
  { label: "PATH", bin: findKubectl() },
  { label: "1.33", bin: findKubectl("1.33") },
];

for (const { label, bin } of KUBECTLS) {
  describe(`real kubectl (${label}) against the generated documents`, { skip: bin ? false : "kubectl not installed" }, () => {
    let dir: string;
    let fake: ReturnType<typeof fakeApiServer>;
    const kubectl = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(bin!, ["--kubeconfig", join(dir, "kubeconfig"), "--cache-dir", join(dir, "cache"), ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "minieks-openapi-"));
      fake = fakeApiServer();
      await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
      const { port } = fake.server.address() as { port: number };
      writeFileSync(
        join(dir, "kubeconfig"),
        `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]
current-context: x
`,
      );
      writeFileSync(join(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: b\n");
    });
    after(async () => {
      await new Promise((resolve) => fake.server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it("explains configmaps from the v3 document", async () => {
      const r = await kubectl("explain", "configmap");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /KIND:\s+ConfigMap/);
      assert.match(r.stdout, /VERSION:\s+v1/);
      assert.match(r.stdout, /ConfigMap holds configuration data for pods to consume\./);
      for (const field of ["apiVersion", "binaryData", "data", "immutable", "kind", "metadata"]) assert.match(r.stdout, new RegExp(`^\\s+${field}\\s+<`, "m"));
      const meta = await kubectl("explain", "cm.metadata.labels");
      assert.equal(meta.code, 0, meta.stderr);
      assert.match(meta.stdout, /Map of string keys and values/);
    });

    it("validates on the server: create sends fieldValidation=Strict", async () => {
      const r = await kubectl("create", "-f", join(dir, "cm.yaml"), "--dry-run=server");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /configmap\/c1 created \(server dry run\)/);
      const post = fake.requests.find((q) => q.startsWith("POST /api/v1/namespaces/default/configmaps"));
      assert.ok(post, fake.requests.join("\n"));
      assert.match(post, /fieldValidation=Strict/);
      assert.match(post, /dryRun=All/);
    });

    it("prints the server-side table", async () => {
      const r = await kubectl("get", "cm");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^NAME\s+DATA\s+AGE\nkube-root-ca\.crt\s+1\s+3d\n$/);
      const wide = await kubectl("get", "cm", "--show-labels", "-o", "wide");
      assert.match(wide.stdout, /^NAME\s+DATA\s+AGE\s+LABELS\n/);
    });
  });
}
