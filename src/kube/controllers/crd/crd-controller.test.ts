import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { CORE_V1 } from "../../api/core-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { APIEXTENSIONS_V1 } from "../../api/apiextensions-v1.js";
import type { StoredObject } from "../../api/types.js";
import { ApiHandler, type ApiRequest } from "../../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../../apiserver/auth/authorizer.js";
import { StatusError } from "../../apiserver/status.js";
import { InProcessClient } from "../../client/in-process-client.js";
import { CrdController } from "./crd-controller.js";

const ADMIN = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const CRDS = { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions" };
const WIDGETS = { group: "example.com", version: "v1", plural: "widgets", namespace: "default" };

const widgetCrd = () => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", kind: "Widget", shortNames: ["wd"] },
    versions: [
      {
        name: "v1beta1",
        served: true,
        storage: false,
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } },
      },
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.size" } },
        additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }, { name: "Color", type: "string", jsonPath: ".spec.color", priority: 1 }],
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { size: { type: "integer", default: 3 }, color: { type: "string", enum: ["red", "blue"] } } },
              status: { type: "object", properties: { size: { type: "integer" } } },
            },
          },
        },
      },
    ],
  },
});

async function cluster() {
  const clock = new FakeClock();
  const storage = new MemoryStorage();
  const make = () =>
    new ApiHandler({
      storage,
      registryRoot: "/k8s/test/registry",
      descriptors: withCoreLifecycle([...CORE_V1, ...APIEXTENSIONS_V1]),
      clock,
      authorizer: mastersOnlyAuthorizer,
      version: { major: "1", minor: "34", gitVersion: "v1.34.0" },
      serverAddress: () => "127.0.0.1:6443",
    });
  const handler = make();
  const admin = new InProcessClient(handler, ADMIN);
  await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  const controller = new CrdController(new InProcessClient(handler, ADMIN), handler, clock, silentLogger).start();
  return { clock, storage, handler, admin, controller, make };
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const established = async (admin: InProcessClient) => {
  const crd = await admin.get({ ...CRDS, name: "widgets.example.com" });
  return ((crd.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
};

function raw(handler: ApiHandler, method: string, path: string, options: { body?: unknown; contentType?: string; accept?: string } = {}) {
  const req: ApiRequest = {
    method,
    path,
    query: new URLSearchParams(method === "PATCH" && options.contentType === "application/apply-patch+yaml" ? { fieldManager: "test" } : {}),
    accept: options.accept ?? "application/json",
    contentType: options.contentType ?? "application/json",
    body: Buffer.from(options.body === undefined ? "" : JSON.stringify(options.body)),
    user: ADMIN,
  };
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve) => {
    void handler.handle(req, {
      send: (status, _type, body) => resolve({ status, body: JSON.parse(typeof body === "string" ? body : Buffer.from(body).toString("utf8")) as Record<string, unknown> }),
      stream: () => ({ write() {}, end() {}, onClose() {} }),
    });
  });
}

test("a CRD is defaulted, established and served with discovery, OpenAPI, columns, defaults and validation", async () => {
  const { handler, admin, controller } = await cluster();
  const created = await admin.create(CRDS, widgetCrd());
  assert.equal((created.spec as { names: { singular: string; listKind: string } }).names.singular, "widget");
  assert.deepEqual((created.status as { storedVersions: string[] }).storedVersions, ["v1"]);
  await until("the CRD is established", () => established(admin));
  const crd = await admin.get({ ...CRDS, name: "widgets.example.com" });
  assert.deepEqual((crd.status as { acceptedNames: unknown }).acceptedNames, { plural: "widgets", kind: "Widget", shortNames: ["wd"], singular: "widget", listKind: "WidgetList" });

  const discovery = await raw(handler, "GET", "/apis/example.com/v1");
  const resources = discovery.body.resources as { name: string; shortNames?: string[] }[];
  assert.deepEqual(resources.map((r) => r.name), ["widgets", "widgets/status", "widgets/scale"]);
  const groups = await raw(handler, "GET", "/apis");
  const group = (groups.body.groups as { name: string; preferredVersion: { version: string }; versions: unknown[] }[]).find((g) => g.name === "example.com");
  assert.equal(group?.preferredVersion.version, "v1");
  assert.equal(group?.versions.length, 2);
  const openapi = await raw(handler, "GET", "/openapi/v3/apis/example.com/v1");
  const schemas = (openapi.body.components as { schemas: Record<string, { properties: Record<string, unknown>; "x-kubernetes-group-version-kind": unknown }> }).schemas;
  assert.deepEqual(schemas["com.example.v1.Widget"]?.["x-kubernetes-group-version-kind"], [{ group: "example.com", kind: "Widget", version: "v1" }]);
  assert.ok(schemas["com.example.v1.Widget"]?.properties.spec);

  const w = await admin.create(WIDGETS, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "a" }, spec: { color: "red", junk: 1 }, status: { size: 9 } });
  assert.deepEqual(w.spec, { color: "red", size: 3 }, "defaulted and pruned");
  assert.equal(w.status, undefined, "status is a subresource");
  // The same object through the other served version.
  const beta = await admin.get({ ...WIDGETS, version: "v1beta1", name: "a" });
  assert.equal(beta.apiVersion, "example.com/v1beta1");

  await assert.rejects(
    admin.create(WIDGETS, { metadata: { name: "b" }, spec: { size: "big" } }),
    (e: unknown) => e instanceof StatusError && e.code === 422 && e.message === 'Widget.example.com "b" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
  );

  const table = await raw(handler, "GET", "/apis/example.com/v1/namespaces/default/widgets", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
  assert.deepEqual((table.body.columnDefinitions as { name: string }[]).map((c) => c.name), ["Name", "Size", "Color"]);
  assert.deepEqual((table.body.rows as { cells: unknown[] }[])[0]?.cells, ["a", 3, "red"]);

  const patched = await admin.patch({ ...WIDGETS, name: "a" }, { spec: { size: 5 } });
  assert.equal((patched.spec as { size: number }).size, 5);
  assert.equal(patched.metadata.generation, 2);
  const smp = await raw(handler, "PATCH", "/apis/example.com/v1/namespaces/default/widgets/a", { body: { spec: { size: 6 } }, contentType: "application/strategic-merge-patch+json" });
  assert.equal(smp.status, 415);
  assert.equal(smp.body.message, "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");

  const applied = await raw(handler, "PATCH", "/apis/example.com/v1/namespaces/default/widgets/c", {
    body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "c" }, spec: { color: "blue" } },
    contentType: "application/apply-patch+yaml",
  });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  assert.deepEqual(applied.body.spec, { color: "blue", size: 3 });

  const scale = await admin.get({ ...WIDGETS, name: "a", subresource: "scale" });
  assert.deepEqual(scale.spec, { replicas: 5 });
  await admin.update({ ...WIDGETS, name: "a", subresource: "scale" }, { ...scale, spec: { replicas: 7 } });
  assert.equal(((await admin.get({ ...WIDGETS, name: "a" })).spec as { size: number }).size, 7);
  controller.stop();
});

test("deleting a CRD deletes its custom resources first, then stops serving them", async () => {
  const { handler, admin, controller } = await cluster();
  await admin.create(CRDS, widgetCrd());
  await until("the CRD is established", () => established(admin));
  await admin.create(WIDGETS, { metadata: { name: "a" }, spec: {} });
  await admin.delete({ ...CRDS, name: "widgets.example.com" });
  await until("the CRD is gone", async () => {
    try {
      await admin.get({ ...CRDS, name: "widgets.example.com" });
      return false;
    } catch (error) {
      return error instanceof StatusError && error.code === 404;
    }
  });
  await until("widgets are no longer served", () => !handler.store("example.com", "v1", "widgets"));
  // Created again, the CRD starts empty.
  await admin.create(CRDS, widgetCrd());
  await until("the CRD is established again", () => established(admin));
  assert.deepEqual((await admin.list(WIDGETS)).items, []);
  controller.stop();
});

test("after a restart the stored CRDs are served again", async () => {
  const { admin, controller, make, clock } = await cluster();
  await admin.create(CRDS, widgetCrd());
  await until("the CRD is established", () => established(admin));
  await admin.create(WIDGETS, { metadata: { name: "kept" }, spec: {} });
  controller.stop();
  const handler = make();
  const again = new CrdController(new InProcessClient(handler, ADMIN), handler, clock, silentLogger).start();
  await until("widgets are served again", () => handler.store("example.com", "v1", "widgets") !== undefined);
  const items: StoredObject[] = (await new InProcessClient(handler, ADMIN).list(WIDGETS)).items;
  assert.deepEqual(items.map((i) => i.metadata.name), ["kept"]);
  again.stop();
});
