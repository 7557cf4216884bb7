import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import { InProcessClient } from "../client/in-process-client.js";
import { ApiHandler } from "./api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "./auth/authorizer.js";
import { apiResourceList, aggregatedDiscovery } from "./discovery.js";
import { refusal as failure } from "./refusal.case.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
type Json = Record<string, unknown>;
const POD = "/api/v1/namespaces/default/pods/web";

async function setup(spec: Json = { containers: [{ name: "app", image: "nginx" }] }) {
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/t/registry",
    descriptors: withCoreLifecycle(CORE_V1),
    clock: new FakeClock(),
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:443",
  });
  const client = new InProcessClient(handler, ADMIN);
  await client.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  const pod = await client.create({ version: "v1", plural: "pods", namespace: "default" }, { metadata: { name: "web", labels: { app: "web" } }, spec });
  const ref = (subresource?: string) => ({ version: "v1", plural: "pods", namespace: "default", name: "web", subresource });
  return { handler, client, pod, ref };
}


const spec = (pod: StoredObject): Json => pod.spec as Json;
const debugger_ = (extra: Json = {}): Json => ({ name: "debugger", image: "busybox", ...extra });

describe("pods/ephemeralcontainers", () => {
  it("adds a container with a strategic merge patch (kubectl debug), defaulted, bumping the generation", async () => {
    const { client, pod, ref } = await setup();
    const patched = await client.patch(ref("ephemeralcontainers"), { spec: { ephemeralContainers: [debugger_({ stdin: true, tty: true })] } }, "strategic");
    const added = (spec(patched).ephemeralContainers as Json[])[0];
    assert.equal(added?.name, "debugger");
    assert.equal(added?.terminationMessagePolicy, "File");
    assert.equal(added?.imagePullPolicy, "Always");
    assert.deepEqual(added?.resources, {});
    assert.equal(patched.metadata.generation, (pod.metadata.generation ?? 1) + 1);
    assert.deepEqual(await client.get(ref("ephemeralcontainers")), await client.get(ref()), "GET answers the pod");
  });

  it("accepts JSON merge and JSON patches, and ignores every other field of the body", async () => {
    const { client, ref } = await setup();
    await client.patch(ref("ephemeralcontainers"), { metadata: { labels: { app: "hacked" } }, spec: { ephemeralContainers: [debugger_()], activeDeadlineSeconds: 5 } }, "merge");
    const second = await client.patch(ref("ephemeralcontainers"), [{ op: "add", path: "/spec/ephemeralContainers/-", value: debugger_({ name: "second" }) }], "json");
    assert.deepEqual((spec(second).ephemeralContainers as Json[]).map((c) => c.name), ["debugger", "second"]);
    assert.deepEqual(second.metadata.labels, { app: "web" });
    assert.equal(spec(second).activeDeadlineSeconds, undefined);
  });

  it("accepts an update (PUT) of the whole pod, of which only the ephemeral containers count", async () => {
    const { client, ref } = await setup();
    const current = await client.get(ref("ephemeralcontainers"));
    const body = { ...current, spec: { ...spec(current), ephemeralContainers: [debugger_()] } } as KubeObject;
    const updated = await client.update(ref("ephemeralcontainers"), body);
    assert.equal((spec(updated).ephemeralContainers as Json[]).length, 1);
  });

  it("refuses to remove or change an existing ephemeral container with upstream's messages", async () => {
    const { client, ref } = await setup();
    await client.patch(ref("ephemeralcontainers"), { spec: { ephemeralContainers: [debugger_()] } }, "strategic");
    const removed = await failure(client.patch(ref("ephemeralcontainers"), { spec: { ephemeralContainers: [] } }, "merge"));
    assert.equal(removed.code, 422);
    assert.equal(removed.message, 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n');
    const changed = await failure(client.patch(ref("ephemeralcontainers"), { spec: { ephemeralContainers: [debugger_({ image: "alpine" })] } }, "strategic"));
    assert.match(changed.message, /^Pod "web" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n/);
    assert.match(changed.message, /- \timage: "busybox",\n\+ \timage: "alpine",/);
  });

  it("refuses the fields an ephemeral container may not set, duplicate names and unknown targets", async () => {
    const { client, ref } = await setup();
    const bad = debugger_({
      name: "app",
      targetContainerName: "nope",
      ports: [{ containerPort: 80 }],
      resources: { requests: { cpu: "1" } },
      readinessProbe: { exec: { command: ["true"] } },
      lifecycle: { preStop: { exec: { command: ["true"] } } },
      volumeMounts: [{ name: "v", mountPath: "/v", subPath: "x" }],
    });
    const error = await failure(client.patch(ref("ephemeralcontainers"), { spec: { ephemeralContainers: [bad] } }, "strategic"));
    assert.equal(error.code, 422);
    assert.deepEqual(
      error.details?.causes?.map((c) => `${c.field}: ${c.message}`),
      [
        'spec.ephemeralContainers[0].name: Duplicate value: "app"',
        'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
        "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
        "spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container",
        "spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container",
        "spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container",
        "spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container",
      ],
    );
    assert.equal(spec(await client.get(ref())).ephemeralContainers, undefined, "nothing stored");
  });

  it("keeps regular pod updates and creates from touching ephemeral containers", async () => {
    const { client, ref } = await setup();
    const current = await client.get(ref());
    const error = await failure(client.update(ref(), { ...current, spec: { ...spec(current), ephemeralContainers: [debugger_()] } } as KubeObject));
    assert.equal(error.code, 422);
    assert.match(error.message, /^Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);
    const created = await failure(
      client.create({ version: "v1", plural: "pods", namespace: "default" }, { metadata: { name: "other" }, spec: { containers: [{ name: "a", image: "x" }], ephemeralContainers: [debugger_()] } }),
    );
    assert.equal(created.message, 'Pod "other" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create');
  });
});

describe("pods/resize", () => {
  const burstable = { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } } }] };
  const guaranteed = { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } } }] };

  it("changes cpu and memory of named containers, and nothing else", async () => {
    const { client, ref, pod } = await setup(burstable);
    const resized = await client.patch(
      ref("resize"),
      { metadata: { labels: { x: "y" } }, spec: { containers: [{ name: "app", image: "evil", resources: { requests: { cpu: "200m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } } }] } },
      "strategic",
    );
    const c = (spec(resized).containers as Json[])[0];
    assert.deepEqual(c?.resources, { requests: { cpu: "200m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } });
    assert.equal(c?.image, "nginx");
    assert.deepEqual(resized.metadata.labels, { app: "web" });
    assert.equal(resized.metadata.generation, (pod.metadata.generation ?? 1) + 1);
  });

  it("refuses a QoS class change, removed requests and a memory limit decrease with upstream's messages", async () => {
    const { client, ref } = await setup(guaranteed);
    const qos = await failure(client.patch(ref("resize"), { spec: { containers: [{ name: "app", resources: { limits: { cpu: "200m" } } }] } }, "strategic"));
    assert.equal(qos.message, 'Pod "web" is invalid: spec: Invalid value: "Guaranteed": Pod QOS Class may not change as a result of resizing');
    const removed = await failure(
      client.patch(ref("resize"), [{ op: "remove", path: "/spec/containers/0/resources/requests/memory" }, { op: "remove", path: "/spec/containers/0/resources/limits/memory" }], "json"),
    );
    assert.deepEqual(
      removed.details?.causes?.map((c) => `${c.field}: ${c.message}`).filter((m) => m.includes("removed")),
      ["spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed", "spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed"],
    );
    const smaller = await failure(
      client.patch(ref("resize"), { spec: { containers: [{ name: "app", resources: { requests: { memory: "32Mi" }, limits: { memory: "32Mi" } } }] } }, "strategic"),
    );
    assert.equal(smaller.message, 'Pod "web" is invalid: spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer');
  });

  it("allows a memory limit decrease when the container restarts for memory resizes", async () => {
    const { client, ref } = await setup({
      containers: [{ ...guaranteed.containers[0], resizePolicy: [{ resourceName: "memory", restartPolicy: "RestartContainer" }] }],
    });
    const resized = await client.patch(ref("resize"), { spec: { containers: [{ name: "app", resources: { requests: { memory: "32Mi" }, limits: { memory: "32Mi" } } }] } }, "strategic");
    assert.deepEqual(rec((spec(resized).containers as Json[])[0]?.resources).limits, { cpu: "100m", memory: "32Mi" });
  });

  it("keeps regular pod updates from changing container resources", async () => {
    const { client, ref } = await setup(burstable);
    const error = await failure(client.patch(ref(), { spec: { containers: [{ name: "app", resources: { requests: { cpu: "200m" } } }] } }, "strategic"));
    assert.equal(error.code, 422);
    assert.match(error.message, /spec: Forbidden: pod updates may not change fields other than/);
  });
});

const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

describe("pods/exec, attach, portforward and proxy", () => {
  it("answer an honest 400 after upstream's own checks", async () => {
    const { client } = await setup({ containers: [{ name: "app", image: "nginx" }, { name: "side", image: "envoy" }] });
    const post = (sub: string, query: Record<string, string> = {}) => failure(client.request("POST", `${POD}/${sub}`, { query }));
    assert.equal((await post("exec", { command: "sh" })).message, "a container name must be specified for pod web, choose one of: [app side]");
    assert.equal((await post("exec", { container: "nope" })).message, "container nope is not valid for pod web");
    assert.equal((await post("exec", { container: "app" })).message, "pod web does not have a host assigned");
    await client.request("POST", `${POD}/binding`, { body: { apiVersion: "v1", kind: "Binding", metadata: { name: "web" }, target: { kind: "Node", name: "n1" } } });
    const exec = await post("exec", { container: "app", command: "sh" });
    assert.equal(exec.code, 400);
    assert.equal(exec.reason, "BadRequest");
    assert.equal(exec.message, 'minieks simulates containers: no container runtime runs them, so container "app" of pod "web" has no process to exec into (pods/exec is not supported)');
    assert.match((await failure(client.request("GET", `${POD}/attach`, { query: { container: "side" } }))).message, /no process to attach to/);
    assert.match((await post("portforward", { ports: "80" })).message, /pod "web" has no ports to forward to/);
    assert.match((await failure(client.request("GET", `${POD}/proxy/healthz`))).message, /pod "web" has no server to proxy to/);
    assert.equal((await failure(client.request("PUT", `${POD}/exec`))).code, 405);
    assert.equal((await failure(client.request("POST", "/api/v1/namespaces/default/pods/missing/exec"))).code, 404);
  });

  it("never deletes the pod through a subresource", async () => {
    const { client, ref } = await setup();
    assert.equal((await failure(client.request("DELETE", `${POD}/status`))).code, 405);
    assert.equal((await client.get(ref())).metadata.name, "web");
  });
});

describe("pod subresources in discovery", () => {
  it("lists upstream's subresources with their kinds and verbs", () => {
    const list = apiResourceList(withCoreLifecycle(CORE_V1), "", "v1");
    const pods = list.resources.filter((r) => r.name.startsWith("pods/")).map((r) => ({ name: r.name, kind: r.kind, verbs: r.verbs, ...("group" in r ? { group: r.group } : {}) }));
    assert.deepEqual(pods, [
      { name: "pods/attach", kind: "PodAttachOptions", verbs: ["create", "get"] },
      { name: "pods/binding", kind: "Binding", verbs: ["create"] },
      { name: "pods/ephemeralcontainers", kind: "Pod", verbs: ["get", "patch", "update"] },
      { name: "pods/eviction", kind: "Eviction", verbs: ["create"], group: "policy" },
      { name: "pods/exec", kind: "PodExecOptions", verbs: ["create", "get"] },
      { name: "pods/log", kind: "Pod", verbs: ["get"] },
      { name: "pods/portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] },
      { name: "pods/proxy", kind: "PodProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] },
      { name: "pods/resize", kind: "Pod", verbs: ["get", "patch", "update"] },
      { name: "pods/status", kind: "Pod", verbs: ["get", "patch", "update"] },
    ]);
    const aggregated = aggregatedDiscovery(withCoreLifecycle(CORE_V1), true, "v2");
    const podsEntry = aggregated.items[0]?.versions[0]?.resources.find((r) => r.resource === "pods");
    assert.deepEqual(podsEntry?.subresources?.find((s) => s.subresource === "exec"), {
      subresource: "exec",
      responseKind: { group: "", version: "v1", kind: "PodExecOptions" },
      verbs: ["create", "get"],
    });
  });

  it("lists serviceaccounts/token as create-only", () => {
    const sa = CORE_V1.find((d) => d.plural === "serviceaccounts");
    assert.ok(sa);
    const withToken = { ...sa, subresources: ["token"], subresourceKinds: { token: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" } } };
    const entry = apiResourceList([withToken], "", "v1").resources.find((r) => r.name === "serviceaccounts/token");
    assert.deepEqual(entry, {
      name: "serviceaccounts/token",
      singularName: "",
      namespaced: true,
      group: "authentication.k8s.io",
      version: "v1",
      kind: "TokenRequest",
      verbs: ["create"],
    });
  });
});
