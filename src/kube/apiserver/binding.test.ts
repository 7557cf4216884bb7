import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import { CORE_V1_MORE } from "../api/core-v1-more.js";
import type { StoredObject, UserInfo } from "../api/types.js";
import { InProcessClient } from "../client/in-process-client.js";
import { ApiHandler } from "./api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "./auth/authorizer.js";
import { refusal as statusOf } from "./refusal.case.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };

async function setup() {
  const clock = new FakeClock();
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/t/registry",
    descriptors: withCoreLifecycle([...CORE_V1, ...CORE_V1_MORE.filter((d) => d.plural === "bindings")]),
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:443",
  });
  const client = new InProcessClient(handler, ADMIN);
  await client.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  const pod = await client.create({ version: "v1", plural: "pods", namespace: "default" }, { metadata: { name: "web" }, spec: { containers: [{ name: "c", image: "nginx" }] } });
  const bind = (name: string, body: unknown, query: Record<string, string> = {}) =>
    client.request<Record<string, unknown>>("POST", `/api/v1/namespaces/default/pods/${name}/binding`, { body, query });
  const get = () => client.get({ version: "v1", plural: "pods", namespace: "default", name: "web" });
  return { clock, client, pod, bind, get };
}

const binding = (name: string, node: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Binding",
  metadata: { name, ...extra },
  target: { apiVersion: "v1", kind: "Node", name: node },
});


const scheduled = (pod: StoredObject) => ((pod.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find((c) => c.type === "PodScheduled");

describe("pods/binding", () => {
  it("assigns the pod, records PodScheduled=True and answers a Success Status", async () => {
    const { bind, get, pod } = await setup();
    const reply = await bind("web", binding("web", "node-1", { uid: pod.metadata.uid, annotations: { "example.com/why": "test" } }));
    assert.deepEqual(reply, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    const bound = await get();
    assert.equal((bound.spec as { nodeName?: string }).nodeName, "node-1");
    assert.equal(bound.metadata.annotations?.["example.com/why"], "test");
    assert.deepEqual(scheduled(bound), { type: "PodScheduled", status: "True", observedGeneration: 1, lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" });
    assert.equal(bound.metadata.generation, 1, "binding does not bump the generation");
  });

  it("refuses a second binding with upstream's Conflict", async () => {
    const { bind } = await setup();
    await bind("web", binding("web", "node-1"));
    const error = await statusOf(bind("web", binding("web", "node-2")));
    assert.equal(error.code, 409);
    assert.equal(error.reason, "Conflict");
    assert.equal(error.message, 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1"');
  });

  it("checks names, targets, preconditions and the pod's existence", async () => {
    const { bind, get } = await setup();
    const mismatch = await statusOf(bind("web", binding("other", "node-1")));
    assert.equal(mismatch.code, 400);
    assert.equal(mismatch.message, "name in URL does not match name in Binding object");
    const noTarget = await statusOf(bind("web", { metadata: { name: "web" }, target: {} }));
    assert.equal(noTarget.code, 500);
    assert.equal(noTarget.message, "target.name: Required value");
    const wrongKind = await statusOf(bind("web", { metadata: { name: "web" }, target: { kind: "Pod", name: "x" } }));
    assert.equal(wrongKind.message, 'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"');
    const uid = await statusOf(bind("web", binding("web", "node-1", { uid: "not-the-uid" })));
    assert.equal(uid.code, 409);
    assert.match(uid.message, /^Operation cannot be fulfilled on pods "web": Precondition failed: UID in precondition: not-the-uid, UID in object meta: /);
    const missing = await statusOf(bind("ghost", binding("ghost", "node-1")));
    assert.equal(missing.code, 404);
    assert.equal(missing.message, 'pods "ghost" not found');
    const notBinding = await statusOf(bind("web", { kind: "Pod", metadata: { name: "web" }, target: { name: "n" } }));
    assert.equal(notBinding.code, 400);
    assert.equal((await get()).spec && ((await get()).spec as { nodeName?: string }).nodeName, undefined, "nothing was stored");
  });

  it("dry run changes nothing; other verbs are not allowed", async () => {
    const { bind, get, client } = await setup();
    await bind("web", binding("web", "node-1"), { dryRun: "All" });
    assert.equal(((await get()).spec as { nodeName?: string }).nodeName, undefined);
    const put = await statusOf(client.request("PUT", "/api/v1/namespaces/default/pods/web/binding", { body: binding("web", "n") }));
    assert.equal(put.code, 405);
  });

  it("refuses pods that are being deleted", async () => {
    const { client, bind } = await setup();
    await client.create(
      { version: "v1", plural: "pods", namespace: "default" },
      { metadata: { name: "going", finalizers: ["example.com/x"] }, spec: { containers: [{ name: "c", image: "nginx" }] } },
    );
    await client.delete({ version: "v1", plural: "pods", namespace: "default", name: "going" });
    const error = await statusOf(bind("going", binding("going", "node-1")));
    assert.equal(error.code, 409);
    assert.equal(error.message, 'Operation cannot be fulfilled on pods/binding "going": pod going is being deleted, cannot be assigned to a host');
  });

  it("discovery lists pods/binding as a create-only Binding subresource", async () => {
    const { client } = await setup();
    const list = await client.request<{ resources: { name: string; kind: string; verbs: string[] }[] }>("GET", "/api/v1");
    const sub = list.resources.find((r) => r.name === "pods/binding");
    assert.deepEqual(sub && { kind: sub.kind, verbs: sub.verbs }, { kind: "Binding", verbs: ["create"] });
  });

  it("the legacy bindings resource binds the pod its Binding names", async () => {
    const { client, get } = await setup();
    const reply = await client.request("POST", "/api/v1/namespaces/default/bindings", { body: binding("web", "node-9") });
    assert.deepEqual(reply, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    assert.equal(((await get()).spec as { nodeName?: string }).nodeName, "node-9");
    const unnamed = await statusOf(client.request("POST", "/api/v1/namespaces/default/bindings", { body: { target: { name: "n" } } }));
    assert.equal(unnamed.code, 400);
  });
});
