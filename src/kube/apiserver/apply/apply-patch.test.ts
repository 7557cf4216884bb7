import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { APPS_V1 } from "../../api/apps-v1.js";
import { BATCH_V1 } from "../../api/batch-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { CORE_V1 } from "../../api/core-v1.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import { withWorkloadLifecycle } from "../../api/workload-lifecycle.js";
import { ApiHandler, type ApiRequest } from "../api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../auth/authorizer.js";
import type { AdmissionAttributes } from "../admission/admission.js";
import type { ManagedFieldsEntry } from "./managed-fields.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const DEPLOYS = "/apis/apps/v1/namespaces/default/deployments";
const APPLY = "application/apply-patch+yaml";
const KUBECTL_UA = "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0";

/** A custom resource served like a ConfigMap, to see how the patch types treat kinds without a Go type. */
function widgets(base: ResourceDescriptor): ResourceDescriptor {
  return { ...base, group: "example.com", version: "v1", kind: "Widget", plural: "widgets", singular: "widget", shortNames: [], customResource: true, topLevelFields: ["spec"] };
}

interface Reply {
  status: number;
  body: Record<string, unknown> & { metadata?: StoredObject["metadata"] };
}

function newServer(options: { admitted?: AdmissionAttributes[] } = {}) {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const core = withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BATCH_V1]);
  const configMaps = core.find((d) => d.plural === "configmaps");
  assert.ok(configMaps);
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/test/registry",
    descriptors: [...withWorkloadLifecycle(core), widgets(configMaps)],
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "33", gitVersion: "v1.33.0-eks-0000000" },
    serverAddress: () => "127.0.0.1:6443",
    admission: () => [
      {
        name: "Recorder",
        admit(attrs) {
          options.admitted?.push(attrs);
          if (attrs.object && attrs.descriptor.kind === "Deployment") attrs.object.metadata.annotations = { ...attrs.object.metadata.annotations, admitted: attrs.operation };
        },
      },
    ],
  });
  const call = (method: string, path: string, body?: unknown, extra: Partial<ApiRequest> & { params?: Record<string, string> } = {}): Promise<Reply> =>
    new Promise((resolve) => {
      const request: ApiRequest = {
        method,
        path,
        query: new URLSearchParams(extra.params ?? {}),
        accept: "application/json",
        contentType: extra.contentType ?? "application/json",
        body: body === undefined ? new Uint8Array() : Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
        user: ADMIN,
        userAgent: extra.userAgent ?? KUBECTL_UA,
      };
      void handler.handle(request, {
        send: (status, _type, payload) => resolve({ status, body: JSON.parse(Buffer.from(payload).toString("utf8")) as Reply["body"] }),
        stream: () => {
          throw new Error("no streams here");
        },
      });
    });
  return { clock, call };
}

async function withNamespace(server: ReturnType<typeof newServer>) {
  const created = await server.call("POST", "/api/v1/namespaces", { metadata: { name: "default" } });
  assert.equal(created.status, 201);
  return server;
}

const deployment = (replicas: number, image = "nginx:1.27") => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image }] } },
  },
});

const managed = (r: Reply) => (r.body.metadata?.managedFields ?? []) as ManagedFieldsEntry[];

describe("managedFields through the API handler", () => {
  it("names the manager by fieldManager, else by User-Agent, and records status writes as such", async () => {
    const s = await withNamespace(newServer());
    const created = await s.call("POST", DEPLOYS, deployment(1), { params: { fieldManager: "kubectl-create" } });
    assert.equal(created.status, 201);
    assert.deepEqual(managed(created).map((e) => [e.manager, e.operation, e.apiVersion, e.time]), [["kubectl-create", "Update", "apps/v1", "2026-01-01T00:00:00Z"]]);
    // Defaults the registry filled in belong to the creator, as decoding defaults them upstream.
    assert.ok("f:revisionHistoryLimit" in ((managed(created)[0]?.fieldsV1?.["f:spec"] ?? {}) as object));

    s.clock.advance(60_000);
    const current = created.body;
    const put = await s.call("PUT", `${DEPLOYS}/web/status`, { ...current, status: { replicas: 1 } }, { userAgent: "kube-controller-manager/v1.34.0 (linux/amd64) kubernetes/x/deployment-controller" });
    assert.equal(put.status, 200);
    const status = managed(put).find((e) => e.manager === "kube-controller-manager");
    assert.deepEqual(status, {
      manager: "kube-controller-manager",
      operation: "Update",
      apiVersion: "apps/v1",
      time: "2026-01-01T00:01:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:replicas": {} } },
      subresource: "status",
    });
  });

  it("refuses managedFields that do not decode or do not validate, and stores nothing", async () => {
    const s = await withNamespace(newServer());
    const garbage = await s.call("POST", DEPLOYS, { ...deployment(1), metadata: { name: "web", managedFields: [{ manager: 7 }] } });
    assert.equal(garbage.status, 400);
    assert.match(String(garbage.body.message), /cannot unmarshal number into Go struct field ManagedFieldsEntry\.metadata\.managedFields\.manager of type string/);
    const invalid = await s.call("POST", DEPLOYS, {
      ...deployment(1),
      metadata: { name: "web", managedFields: [{ manager: "m", operation: "Sideways", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": {} } }] },
    });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.message, 'Deployment.apps "web" is invalid: metadata.managedFields[0].operation: Invalid value: "Sideways": must be `Apply` or `Update`');
    assert.equal((await s.call("GET", `${DEPLOYS}/web`)).status, 404);
  });

  it("validates fieldManager and force like upstream's PatchOptions", async () => {
    const s = await withNamespace(newServer());
    const long = await s.call("POST", DEPLOYS, deployment(1), { params: { fieldManager: "m".repeat(129) } });
    assert.equal(long.status, 422);
    assert.equal(long.body.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
    await s.call("POST", DEPLOYS, deployment(1));
    const forced = await s.call("PATCH", `${DEPLOYS}/web`, { spec: { replicas: 2 } }, { contentType: "application/merge-patch+json", params: { force: "true" } });
    assert.equal(forced.status, 422);
    assert.equal(forced.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });
});

describe("server-side apply through the API handler", () => {
  it("creates with 201, updates with 200, and runs admission both times", async () => {
    const admitted: AdmissionAttributes[] = [];
    const s = await withNamespace(newServer({ admitted }));
    const first = await s.call("PATCH", `${DEPLOYS}/web`, deployment(2), { contentType: APPLY, params: { fieldManager: "kubectl" } });
    assert.equal(first.status, 201);
    assert.equal(first.body.metadata?.annotations?.admitted, "CREATE");
    assert.equal((first.body.spec as { revisionHistoryLimit: number }).revisionHistoryLimit, 10, "defaults apply to an applied object");
    assert.deepEqual(managed(first).map((e) => [e.manager, e.operation]), [["kubectl", "Apply"]]);

    const second = await s.call("PATCH", `${DEPLOYS}/web`, deployment(3, "nginx:1.28"), { contentType: APPLY, params: { fieldManager: "kubectl" } });
    assert.equal(second.status, 200);
    assert.equal(second.body.metadata?.annotations?.admitted, "UPDATE");
    assert.equal((second.body.spec as { replicas: number }).replicas, 3);
    assert.equal(second.body.metadata?.generation, 2);
    assert.deepEqual(admitted.filter((a) => a.descriptor.kind === "Deployment").map((a) => a.operation), ["CREATE", "UPDATE"]);
  });

  it("answers conflicts with a 409 Status and takes ownership with force", async () => {
    const s = await withNamespace(newServer());
    await s.call("PATCH", `${DEPLOYS}/web`, deployment(2), { contentType: APPLY, params: { fieldManager: "kubectl" } });
    const scaled = await s.call("PATCH", `${DEPLOYS}/web/scale`, { spec: { replicas: 5 } }, { contentType: "application/merge-patch+json" });
    assert.equal(scaled.status, 200);
    const conflict = await s.call("PATCH", `${DEPLOYS}/web`, deployment(3), { contentType: APPLY, params: { fieldManager: "kubectl" } });
    assert.equal(conflict.status, 409);
    assert.deepEqual(conflict.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
      reason: "Conflict",
      details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl" with subresource "scale" using apps/v1', field: ".spec.replicas" }] },
      code: 409,
    });
    const forced = await s.call("PATCH", `${DEPLOYS}/web`, deployment(3), { contentType: APPLY, params: { fieldManager: "kubectl", force: "true" } });
    assert.equal(forced.status, 200);
    assert.equal((forced.body.spec as { replicas: number }).replicas, 3);
    assert.deepEqual(managed(forced).map((e) => e.subresource ?? ""), [""], "the scale entry lost its only field");
  });

  it("requires a field manager, keeps dry runs out of storage and refuses bad bodies", async () => {
    const s = await withNamespace(newServer());
    const missing = await s.call("PATCH", `${DEPLOYS}/web`, deployment(2), { contentType: APPLY });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const dry = await s.call("PATCH", `${DEPLOYS}/web`, deployment(2), { contentType: APPLY, params: { fieldManager: "kubectl", dryRun: "All" } });
    assert.equal(dry.status, 201);
    assert.equal((await s.call("GET", `${DEPLOYS}/web`)).status, 404);
    const list = await s.call("PATCH", `${DEPLOYS}/web`, "- a\n- b\n", { contentType: APPLY, params: { fieldManager: "kubectl" } });
    assert.equal(list.status, 400);
    assert.equal(list.body.message, "error decoding YAML: json: cannot unmarshal array into Go value of type map[string]interface {}");
    const yaml = await s.call("PATCH", `${DEPLOYS}/web`, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n", { contentType: APPLY, params: { fieldManager: "kubectl" } });
    assert.equal(yaml.status, 400);
    assert.equal(yaml.body.message, "the name of the object (other) does not match the name on the URL (web)");
    const unknown = await s.call("PATCH", `${DEPLOYS}/web`, { ...deployment(1), spek: {} }, { contentType: APPLY, params: { fieldManager: "kubectl" } });
    assert.equal(unknown.status, 500);
    assert.equal(unknown.body.message, "failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spek: field not declared in schema");
    assert.equal((await s.call("GET", `${DEPLOYS}/web`)).status, 404);
  });

  it("applies to the status and scale subresources", async () => {
    const s = await withNamespace(newServer());
    await s.call("PATCH", `${DEPLOYS}/web`, deployment(2), { contentType: APPLY, params: { fieldManager: "kubectl" } });
    const status = await s.call("PATCH", `${DEPLOYS}/web/status`, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 9 }, status: { replicas: 2 } }, {
      contentType: APPLY,
      params: { fieldManager: "controller" },
    });
    assert.equal(status.status, 200);
    assert.equal((status.body.spec as { replicas: number }).replicas, 2, "a status apply leaves spec alone");
    assert.deepEqual((status.body.status as { replicas: number }).replicas, 2);
    assert.deepEqual(managed(status).find((e) => e.manager === "controller"), {
      manager: "controller",
      operation: "Apply",
      apiVersion: "apps/v1",
      time: "2026-01-01T00:00:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:replicas": {} } },
      subresource: "status",
    });

    const scale = await s.call("PATCH", `${DEPLOYS}/web/scale`, { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web" }, spec: { replicas: 4 } }, {
      contentType: APPLY,
      params: { fieldManager: "hpa", force: "true" },
    });
    assert.equal(scale.status, 200);
    assert.equal(scale.body.kind, "Scale");
    assert.deepEqual(scale.body.spec, { replicas: 4 });
    const parent = await s.call("GET", `${DEPLOYS}/web`);
    const hpa = managed(parent).find((e) => e.manager === "hpa");
    assert.deepEqual([hpa?.operation, hpa?.subresource, hpa?.fieldsV1], ["Apply", "scale", { "f:spec": { "f:replicas": {} } }]);
    const wrongVersion = await s.call("PATCH", `${DEPLOYS}/web/scale`, { apiVersion: "apps/v1", kind: "Scale", spec: { replicas: 1 } }, { contentType: APPLY, params: { fieldManager: "hpa" } });
    assert.equal(wrongVersion.body.message, "Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: autoscaling/v1");
    const missing = await s.call("PATCH", "/api/v1/namespaces/default/pods/none/status", { apiVersion: "v1", kind: "Pod", metadata: { name: "none" } }, { contentType: APPLY, params: { fieldManager: "x" } });
    assert.equal(missing.status, 404, "subresources are not created by apply");
  });

  it("serves custom resources apply and merge patch but refuses strategic merge patch", async () => {
    const s = await withNamespace(newServer());
    const path = "/apis/example.com/v1/namespaces/default/widgets/w";
    const created = await s.call("PATCH", path, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 1, tags: ["a"] } }, { contentType: APPLY, params: { fieldManager: "me" } });
    assert.equal(created.status, 201);
    assert.deepEqual(managed(created)[0]?.fieldsV1, { "f:spec": { "f:size": {}, "f:tags": {} } });
    const smp = await s.call("PATCH", path, { spec: { size: 2 } }, { contentType: "application/strategic-merge-patch+json" });
    assert.equal(smp.status, 415);
    assert.equal(smp.body.reason, "UnsupportedMediaType");
    assert.equal(smp.body.message, "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    const merge = await s.call("PATCH", path, { spec: { size: 2 } }, { contentType: "application/merge-patch+json" });
    assert.equal(merge.status, 200);
    const builtIn = await s.call("PATCH", `${DEPLOYS}/none`, {}, { contentType: "text/plain" });
    assert.equal(builtIn.status, 415);
    assert.match(String(builtIn.body.message), /application\/strategic-merge-patch\+json, application\/apply-patch\+yaml$/);
  });
});
