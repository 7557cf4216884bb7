import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "./core-lifecycle.js";
import { CORE_V1 } from "./core-v1.js";
import { APPS_V1 } from "./apps-v1.js";
import { withWorkloadLifecycle } from "./workload-lifecycle.js";
import type { StoredObject, UserInfo } from "./types.js";
import { BUILTIN_EXTRA, csrRequesterAdmission, ensureEksStorageClass, ensureSystemPriorityClasses } from "./builtin-resources.js";
import { InProcessClient, type ResourceRef, type WatchEventOf } from "../client/in-process-client.js";
import { ApiHandler, type ApiResponder } from "../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../apiserver/auth/authorizer.js";
import { StatusError } from "../apiserver/status.js";
import { METRICS_ANNOTATION } from "./hpa-conversion.js";
import { openApiV3Document, openApiV3Index } from "../apiserver/openapi.js";

const ADMIN: UserInfo = { username: "admin", uid: "u-1", groups: [SYSTEM_MASTERS, "system:authenticated"] };
type J = Record<string, unknown>;

async function cluster() {
  const clock = new FakeClock(new Date("2026-01-01T00:00:00Z"));
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/test/registry",
    descriptors: withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BUILTIN_EXTRA])),
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.0-eks-0000000" },
    serverAddress: () => "127.0.0.1:6443",
    admission: () => [csrRequesterAdmission],
  });
  const admin = new InProcessClient(handler, ADMIN);
  await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  return { handler, admin, clock };
}

const hpa = (version: string, name?: string): ResourceRef => ({ group: "autoscaling", version, plural: "horizontalpodautoscalers", namespace: "default", name });
const rejection = async (p: Promise<unknown>): Promise<StatusError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  assert.fail("expected a Status error");
};

/** GET through the handler with a given Accept, for tables and discovery. */
async function raw(handler: ApiHandler, path: string, accept = "application/json"): Promise<{ status: number; body: J }> {
  return new Promise((resolve) => {
    const responder: ApiResponder = {
      send: (status, _t, body) => resolve({ status, body: JSON.parse(typeof body === "string" ? body : Buffer.from(body).toString("utf8")) as J }),
      stream: () => ({ write() {}, end() {}, onClose() {} }),
    };
    void handler.handle({ method: "GET", path, query: new URLSearchParams(), accept, contentType: "", body: new Uint8Array(), user: ADMIN }, responder);
  });
}

describe("one object served in several versions", () => {
  it("stores an autoscaling/v1 HPA as v2 and converts both ways", async () => {
    const { admin } = await cluster();
    const created = (await admin.create(hpa("v1"), {
      metadata: { name: "web" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
    })) as J;
    assert.equal(created.apiVersion, "autoscaling/v1");
    assert.deepEqual(created.spec, { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 });

    const v2 = (await admin.get(hpa("v2", "web"))) as J;
    assert.equal(v2.apiVersion, "autoscaling/v2");
    assert.deepEqual((v2.spec as J).metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }]);
    assert.equal((v2.metadata as J).uid, (created.metadata as J).uid);

    // A v2 write with a metric v1 cannot hold: v1 carries it in the annotation, and a v1 update keeps it.
    const metrics = [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } },
    ];
    await admin.patch(hpa("v2", "web"), { spec: { metrics } });
    const v1 = (await admin.get(hpa("v1", "web"))) as StoredObject;
    assert.equal((v1.spec as J).targetCPUUtilizationPercentage, 70);
    assert.deepEqual(JSON.parse(v1.metadata.annotations?.[METRICS_ANNOTATION] ?? "null"), [{ type: "Pods", pods: { metricName: "qps", targetAverageValue: "10" } }]);

    await admin.update(hpa("v1", "web"), { ...v1, spec: { ...(v1.spec as J), maxReplicas: 9 } });
    const after = (await admin.get(hpa("v2", "web"))) as StoredObject;
    assert.deepEqual((after.spec as J).metrics, metrics);
    assert.equal((after.spec as J).maxReplicas, 9);
    assert.equal(after.metadata.annotations, undefined, "the conversion annotation is not stored");

    const list = await admin.list(hpa("v1"));
    assert.deepEqual(list.items.map((i) => i.apiVersion), ["autoscaling/v1"]);
  });

  it("validates v1 writes in their stored form and prints one table for both versions", async () => {
    const { admin, handler } = await cluster();
    const bad = await rejection(admin.create(hpa("v1"), { metadata: { name: "bad" }, spec: { scaleTargetRef: { kind: "Deployment" }, maxReplicas: 0 } }));
    assert.equal(bad.code, 422);
    assert.match(bad.message, /spec\.maxReplicas: Invalid value: 0: must be greater than 0/);
    assert.match(bad.message, /spec\.scaleTargetRef\.name: Required value/);

    // Without a target, v2's default (CPU at 80%) applies, as kubectl autoscale's objects show.
    await admin.create(hpa("v1"), { metadata: { name: "web" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 3 } });
    for (const version of ["v1", "v2"]) {
      const table = await raw(handler, `/apis/autoscaling/${version}/namespaces/default/horizontalpodautoscalers`, "application/json;as=Table;v=v1;g=meta.k8s.io");
      const rows = table.body.rows as { cells: unknown[] }[];
      assert.deepEqual(rows[0]?.cells.slice(0, 6), ["web", "Deployment/web", "cpu: <unknown>/80%", "1", 3, 0]);
    }
  });

  it("serves core events through events.k8s.io/v1", async () => {
    const { admin } = await cluster();
    await admin.create({ version: "v1", plural: "events", namespace: "default" }, {
      metadata: { name: "web.1" },
      involvedObject: { kind: "Pod", name: "web", namespace: "default" },
      reason: "Started",
      message: "Started container web",
      source: { component: "kubelet", host: "node-1" },
      count: 2,
      type: "Normal",
    });
    const ref: ResourceRef = { group: "events.k8s.io", version: "v1", plural: "events", namespace: "default" };
    const ev = (await admin.get({ ...ref, name: "web.1" })) as J;
    assert.equal(ev.apiVersion, "events.k8s.io/v1");
    assert.equal(ev.note, "Started container web");
    assert.deepEqual(ev.regarding, { kind: "Pod", name: "web", namespace: "default" });
    assert.deepEqual(ev.deprecatedSource, { component: "kubelet", host: "node-1" });
    assert.equal(ev.deprecatedCount, 2);
    assert.equal(ev.message, undefined);
    const selected = await admin.list(ref, { fieldSelector: "regarding.name=web,reason=Started" });
    assert.equal(selected.items.length, 1);

    // A new-style event created through events.k8s.io reads back as core/v1.
    await admin.create(ref, {
      metadata: { name: "web.2" },
      eventTime: "2026-01-01T00:00:00.000000Z",
      reportingController: "example.com/ctl",
      reportingInstance: "ctl-1",
      action: "Scale",
      reason: "Scaled",
      note: "scaled up",
      type: "Normal",
      regarding: { kind: "Deployment", name: "web", namespace: "default" },
    });
    const core = (await admin.get({ version: "v1", plural: "events", namespace: "default", name: "web.2" })) as J;
    assert.equal(core.apiVersion, "v1");
    assert.equal(core.message, "scaled up");
    assert.equal(core.reportingComponent, "example.com/ctl");
    assert.deepEqual((core.involvedObject as J).kind, "Deployment");

    const invalid = await rejection(admin.create(ref, { metadata: { name: "bad" }, type: "Odd", reason: "x" }));
    assert.match(invalid.message, /eventTime: Required value/);
    assert.match(invalid.message, /type: Invalid value: "": has invalid value: Odd/);
  });

  it("delivers watch events converted to the watched version", async () => {
    const { admin } = await cluster();
    const events: WatchEventOf<StoredObject>[] = [];
    const ref: ResourceRef = { group: "events.k8s.io", version: "v1", plural: "events", namespace: "default" };
    const start = await admin.list(ref);
    const w = admin.watch(ref, { resourceVersion: start.metadata.resourceVersion }, (e) => events.push(e), () => {});
    await admin.create({ version: "v1", plural: "events", namespace: "default" }, { metadata: { name: "e" }, involvedObject: { kind: "Pod", name: "p", namespace: "default" }, message: "hi" });
    await new Promise((r) => setImmediate(r));
    w.cancel();
    assert.equal(events[0]?.type, "ADDED");
    assert.equal(events[0]?.object.apiVersion, "events.k8s.io/v1");
    assert.equal((events[0]?.object as J).note, "hi");
  });
});

describe("replicationcontrollers/scale", () => {
  it("answers an autoscaling/v1 Scale whose selector is the controller's label map", async () => {
    const { admin } = await cluster();
    const rc: ResourceRef = { version: "v1", plural: "replicationcontrollers", namespace: "default" };
    await admin.create(rc, { metadata: { name: "web" }, spec: { replicas: 2, template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } });
    const scale = (await admin.get({ ...rc, name: "web", subresource: "scale" })) as J;
    assert.deepEqual([scale.kind, scale.spec, scale.status], ["Scale", { replicas: 2 }, { replicas: 0, selector: "app=web,tier=fe" }]);
    await admin.patch({ ...rc, name: "web", subresource: "scale" }, { spec: { replicas: 4 } });
    assert.equal(((await admin.get({ ...rc, name: "web" })).spec as J).replicas, 4);
  });
});

describe("computed and refused resources", () => {
  it("lists componentstatuses and refuses bindings with a clear 405", async () => {
    const { admin, handler } = await cluster();
    const cs = await admin.list({ version: "v1", plural: "componentstatuses" });
    assert.deepEqual(cs.items.map((i) => i.metadata.name), ["controller-manager", "etcd-0", "scheduler"]);
    const table = await raw(handler, "/api/v1/componentstatuses/etcd-0", "application/json;as=Table;v=v1;g=meta.k8s.io");
    assert.deepEqual((table.body.rows as { cells: unknown[] }[])[0]?.cells, ["etcd-0", "Healthy", "ok", ""]);
    assert.equal((await raw(handler, "/api/v1/componentstatuses/nope")).status, 404);

    // The handler binds pods for POSTs to bindings; the store itself never keeps a Binding.
    const store = handler.store("", "v1", "bindings");
    assert.ok(store);
    const refused = await rejection(store.create("default", { metadata: { name: "p" }, target: { kind: "Node", name: "n" } }));
    assert.equal(refused.code, 405);
    assert.match(refused.message, /bindings are not stored/);
  });
});

describe("cluster start objects and discovery", () => {
  it("creates the system priority classes and gp2 once, and refuses other system- names", async () => {
    const { admin } = await cluster();
    await ensureSystemPriorityClasses(admin);
    await ensureSystemPriorityClasses(admin);
    await ensureEksStorageClass(admin);
    const pcs = await admin.list({ group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" });
    assert.deepEqual(pcs.items.map((p) => [p.metadata.name, p.value, p.preemptionPolicy]), [
      ["system-cluster-critical", 2000000000, "PreemptLowerPriority"],
      ["system-node-critical", 2000001000, "PreemptLowerPriority"],
    ]);
    const gp2 = (await admin.get({ group: "storage.k8s.io", version: "v1", plural: "storageclasses", name: "gp2" })) as J;
    assert.deepEqual([gp2.provisioner, gp2.reclaimPolicy, gp2.volumeBindingMode, gp2.parameters], ["kubernetes.io/aws-ebs", "Delete", "WaitForFirstConsumer", { fsType: "ext4", type: "gp2" }]);

    const reserved = await rejection(admin.create({ group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" }, { metadata: { name: "system-mine" }, value: 10 }));
    assert.equal(
      reserved.message,
      `PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class`,
    );
  });

  it("fills a CSR's requester from the user and lets approval change only conditions", async () => {
    const { admin } = await cluster();
    const ref: ResourceRef = { group: "certificates.k8s.io", version: "v1", plural: "certificatesigningrequests" };
    const pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBAA==\n-----END CERTIFICATE REQUEST-----\n";
    const csr = (await admin.create(ref, {
      metadata: { name: "me" },
      spec: { request: Buffer.from(pem).toString("base64"), signerName: "kubernetes.io/kube-apiserver-client", usages: ["client auth"], username: "mallory" },
    })) as J;
    assert.equal((csr.spec as J).username, "admin");
    assert.deepEqual((csr.spec as J).groups, [SYSTEM_MASTERS, "system:authenticated"]);

    const approved = { ...csr, spec: { ...(csr.spec as J), signerName: "other.example/x" }, status: { conditions: [{ type: "Approved", status: "True", reason: "KubectlApprove" }] } };
    const after = (await admin.update({ ...ref, name: "me", subresource: "approval" }, approved)) as J;
    assert.deepEqual(((after.status as J).conditions as J[]).map((c) => c.type), ["Approved"]);
    assert.equal((after.spec as J).signerName, "kubernetes.io/kube-apiserver-client");
  });

  it("publishes every group in discovery, autoscaling preferring v2", async () => {
    const { handler } = await cluster();
    const groups = (await raw(handler, "/apis")).body.groups as { name: string; preferredVersion: { version: string }; versions: { version: string }[] }[];
    const names = groups.map((g) => g.name);
    for (const g of [
      "autoscaling", "policy", "networking.k8s.io", "storage.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
      "scheduling.k8s.io", "node.k8s.io", "admissionregistration.k8s.io", "certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "apiregistration.k8s.io",
    ]) {
      assert.ok(names.includes(g), g);
    }
    const autoscaling = groups.find((g) => g.name === "autoscaling");
    assert.deepEqual(autoscaling?.versions.map((v) => v.version), ["v2", "v1"]);
    assert.equal(autoscaling?.preferredVersion.version, "v2");
    const core = (await raw(handler, "/api/v1")).body.resources as { name: string; verbs: string[]; shortNames?: string[] }[];
    assert.deepEqual(core.find((r) => r.name === "componentstatuses")?.verbs, ["get", "list"]);
    assert.deepEqual(core.find((r) => r.name === "replicationcontrollers/scale") !== undefined, true);
    assert.deepEqual(core.find((r) => r.name === "resourcequotas")?.shortNames, ["quota"]);
  });

  it("publishes an OpenAPI v3 schema with upstream's description for every extra kind", () => {
    const descriptors = BUILTIN_EXTRA;
    const all = withCoreLifecycle([...CORE_V1, ...descriptors]);
    assert.ok(openApiV3Index(all).paths["apis/autoscaling/v1"]);
    for (const d of descriptors) {
      const doc = openApiV3Document(all, d.group ? `${d.group}/${d.version}` : d.version);
      assert.ok(doc, `${d.group}/${d.version}`);
      const schema = Object.values(doc.components.schemas).find((s) =>
        ((s["x-kubernetes-group-version-kind"] ?? []) as { group: string; version: string; kind: string }[]).some((g) => g.group === d.group && g.version === d.version && g.kind === d.kind),
      );
      assert.ok(schema, d.kind);
      assert.doesNotMatch(String(schema.description), / is a .* resource\.$/, `${d.kind} has its own description`);
    }
    const pdb = openApiV3Document(all, "policy/v1");
    assert.match(String(pdb?.components.schemas["io.k8s.api.policy.v1.PodDisruptionBudget"]?.description), /max disruption/);
  });
});
