import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { KubeObject, StoredObject, UserInfo } from "../api/types.js";
import { InProcessClient, type ObjectList, type ResourceRef, type WatchEventOf } from "../client/in-process-client.js";
import { NamespaceController } from "../controllers/namespace/namespace-controller.js";
import { ApiHandler, type ApiResponder, type EventStream } from "./api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "./auth/authorizer.js";
import { StatusError } from "./status.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const JANE: UserInfo = { username: "jane", groups: ["system:authenticated"] };
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const START = "2026-01-01T00:00:00Z";
const BOUNDED = { timeout: 10_000 };

const nsRef = (name?: string, subresource?: string): ResourceRef => ({ version: "v1", plural: "namespaces", name, subresource });
const cmRef = (name?: string, namespace = "default"): ResourceRef => ({ version: "v1", plural: "configmaps", namespace, name });
const secretRef = (name?: string, namespace = "default"): ResourceRef => ({ version: "v1", plural: "secrets", namespace, name });
const podRef = (name?: string, namespace = "default", subresource?: string): ResourceRef => ({ version: "v1", plural: "pods", namespace, name, subresource });

interface Status {
  kind: string;
  status: string;
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; kind?: string; uid?: string; causes?: { field: string; reason: string; message: string }[] };
}

interface TableBody {
  kind: string;
  columnDefinitions: { name: string }[];
  rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
}

type Event = WatchEventOf<StoredObject & Partial<Status>>;

interface Reply {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  text: string;
}

/** A responder that keeps what the handler sent, for checks the in-process client cannot see (status, headers, streams). */
class Recorder implements ApiResponder {
  reply?: Reply;
  streamStatus?: number;
  readonly events: Event[] = [];
  ended = false;
  private readonly closeListeners: (() => void)[] = [];
  private waiters: (() => void)[] = [];

  send(status: number, contentType: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
    this.reply = { status, contentType, headers, text: typeof body === "string" ? body : Buffer.from(body).toString("utf8") };
    this.notify();
  }

  stream(status: number): EventStream {
    this.streamStatus = status;
    return {
      write: (event) => {
        if (this.ended) throw new Error("write after end");
        this.events.push(structuredClone(event) as Event);
        this.notify();
      },
      end: () => this.close(),
      onClose: (listener) => (this.ended ? listener() : this.closeListeners.push(listener)),
    };
  }

  /** The client going away. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.closeListeners.splice(0).forEach((l) => l());
    this.notify();
  }

  until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (done() ? resolve() : this.waiters.push(check));
      check();
    });
  }

  eventCount(n: number): Promise<void> {
    return this.until(() => this.events.length >= n || this.ended);
  }

  private notify(): void {
    this.waiters.splice(0).forEach((w) => w());
  }
}

interface CallOptions {
  method?: string;
  path: string;
  query?: Record<string, string>;
  body?: string | Uint8Array | object;
  contentType?: string;
  accept?: string;
  user?: UserInfo;
}

/** Records when timers of a given length are set, so a test can wait for a controller's retry instead of sleeping. */
class ObservedClock extends FakeClock {
  private readonly watchers: { ms: number; resolve: () => void }[] = [];

  override setTimer(ms: number, fn: () => void): () => void {
    const cancel = super.setTimer(ms, fn);
    for (const w of this.watchers.filter((x) => x.ms === ms)) {
      this.watchers.splice(this.watchers.indexOf(w), 1);
      w.resolve();
    }
    return cancel;
  }

  nextTimer(ms: number): Promise<void> {
    return new Promise((resolve) => this.watchers.push({ ms, resolve }));
  }
}

async function newServer() {
  const storage = new MemoryStorage();
  const clock = new ObservedClock(START);
  const descriptors = withCoreLifecycle(CORE_V1);
  const handler = new ApiHandler({
    storage,
    registryRoot: "/k8s/test/registry",
    descriptors,
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "33", gitVersion: "v1.33.0-eks-0000000" },
    serverAddress: () => "127.0.0.1:6443",
  });
  const admin = new InProcessClient(handler, ADMIN);
  const jane = new InProcessClient(handler, JANE);
  await admin.create(nsRef(), { metadata: { name: "default" } });

  const call = async (o: CallOptions): Promise<Recorder> => {
    const recorder = new Recorder();
    const body = o.body === undefined ? new Uint8Array() : typeof o.body === "string" || o.body instanceof Uint8Array ? o.body : JSON.stringify(o.body);
    await handler.handle(
      {
        method: o.method ?? "GET",
        path: o.path,
        query: new URLSearchParams(o.query ?? {}),
        accept: o.accept ?? "application/json",
        contentType: o.contentType ?? (o.body === undefined ? "" : "application/json"),
        body: typeof body === "string" ? Buffer.from(body) : body,
        user: o.user ?? ADMIN,
      },
      recorder,
    );
    return recorder;
  };
  const watch = (path: string, query: Record<string, string> = {}, accept?: string) => call({ path, query: { ...query, watch: "true" }, accept });
  const namespaced = descriptors.filter((d) => d.namespaced);
  const namespaceController = () => new NamespaceController(new InProcessClient(handler, { username: "system:kube-controller-manager", groups: [SYSTEM_MASTERS] }), () => namespaced, clock, silentLogger);
  return { storage, clock, handler, admin, jane, call, watch, namespaceController };
}

const json = <T>(r: Recorder): T => {
  assert.ok(r.reply, "the handler sent no reply");
  return JSON.parse(r.reply.text) as T;
};

/** Asserts a promise fails with a StatusError of this code (and message) and returns it. */
async function statusError(p: Promise<unknown>, code: number, message?: string | RegExp): Promise<StatusError> {
  let caught: unknown;
  await p.then(
    () => assert.fail(`expected a ${code} error`),
    (e: unknown) => (caught = e),
  );
  assert.ok(caught instanceof StatusError, String(caught));
  assert.equal(caught.code, code, caught.message);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

const names = (list: { items: StoredObject[] }): string[] => list.items.map((o) => o.metadata.name ?? "");
const pod = (name: string, extra: { labels?: Record<string, string>; nodeName?: string; image?: string } = {}): KubeObject => ({
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: { ...(extra.nodeName ? { nodeName: extra.nodeName } : {}), containers: [{ name: "app", image: extra.image ?? "nginx:1.27" }] },
});

describe("ApiHandler: verbs on configmaps, secrets, pods and namespaces", BOUNDED, () => {
  it("creates, gets, lists, updates, patches and deletes configmaps", async () => {
    const s = await newServer();
    const created = await s.admin.create(cmRef(), { metadata: { name: "c", labels: { app: "web" } }, data: { a: "1" } });
    assert.equal(created.kind, "ConfigMap");
    assert.equal(created.apiVersion, "v1");
    assert.equal(created.metadata.namespace, "default");
    assert.match(created.metadata.uid ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(created.metadata.creationTimestamp, START);
    assert.match(created.metadata.resourceVersion ?? "", /^\d+$/);
    assert.equal(created.metadata.generation, undefined);

    assert.deepEqual(await s.admin.get(cmRef("c")), created);
    const list = await s.admin.list(cmRef());
    assert.deepEqual(names(list), ["c"]);
    assert.equal(list.metadata.resourceVersion, created.metadata.resourceVersion);

    const updated = await s.admin.update(cmRef("c"), { ...created, data: { a: "2" } });
    assert.deepEqual(updated.data, { a: "2" });
    assert.ok(Number(updated.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    assert.equal(updated.metadata.uid, created.metadata.uid);

    const merged = await s.admin.patch(cmRef("c"), { data: { b: "3" } }, "merge");
    assert.deepEqual(merged.data, { a: "2", b: "3" });
    const jsonPatched = await s.admin.patch(cmRef("c"), [{ op: "remove", path: "/data/a" }], "json");
    assert.deepEqual(jsonPatched.data, { b: "3" });
    const strategic = await s.admin.patch(cmRef("c"), { metadata: { labels: { tier: "fe" } } }, "strategic");
    assert.deepEqual(strategic.metadata.labels, { app: "web", tier: "fe" });

    const del = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/c" });
    assert.equal(del.reply?.status, 200);
    const success = json<Status & { details: Record<string, unknown> }>(del);
    assert.equal(success.kind, "Status");
    assert.equal(success.status, "Success");
    assert.deepEqual(success.details, { name: "c", kind: "configmaps", uid: created.metadata.uid });
    await statusError(s.admin.get(cmRef("c")), 404, 'configmaps "c" not found');
    await statusError(s.admin.delete(cmRef("c")), 404, 'configmaps "c" not found');
    await statusError(s.admin.update(cmRef("c"), created), 404, 'configmaps "c" not found');
    await statusError(s.admin.patch(cmRef("c"), { data: {} }), 404, 'configmaps "c" not found');
  });

  it("answers AlreadyExists and a PUT with a stale resourceVersion with upstream's 409s", async () => {
    const s = await newServer();
    const created = await s.admin.create(cmRef(), { metadata: { name: "c" }, data: { a: "1" } });
    const dup = await statusError(s.admin.create(cmRef(), { metadata: { name: "c" } }), 409, 'configmaps "c" already exists');
    assert.equal(dup.reason, "AlreadyExists");

    await s.admin.update(cmRef("c"), { ...created, data: { a: "2" } });
    const stale = await statusError(
      s.admin.update(cmRef("c"), { ...created, data: { a: "3" } }),
      409,
      'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.equal(stale.reason, "Conflict");
    assert.deepEqual((await s.admin.get(cmRef("c"))).data, { a: "2" });

    // Without a resourceVersion a PUT is unconditional.
    const { resourceVersion: _rv, ...meta } = created.metadata;
    assert.deepEqual((await s.admin.update(cmRef("c"), { ...created, metadata: meta, data: { a: "4" } })).data, { a: "4" });
    await statusError(s.admin.update(cmRef("c"), { metadata: { name: "d" } }), 400, /does not match the name on the URL/);
    await statusError(
      s.admin.update(cmRef("c"), { metadata: { name: "c", uid: "someone-else" } }),
      409,
      `Operation cannot be fulfilled on configmaps "c": Precondition failed: UID in precondition: someone-else, UID in object meta: ${created.metadata.uid}`,
    );
    await statusError(s.admin.create(cmRef(), { metadata: { name: "e", resourceVersion: "5" } }), 400, "resourceVersion should not be set on objects to be created");
  });

  it("validates label and annotation syntax as upstream does", async () => {
    const s = await newServer();
    await statusError(
      s.admin.create(cmRef(), { metadata: { name: "l", labels: { "a b": "x" } } }),
      422,
      /^ConfigMap "l" is invalid: metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters/,
    );
    await statusError(
      s.admin.create(cmRef(), { metadata: { name: "l", labels: { app: "x y" } } }),
      422,
      /^ConfigMap "l" is invalid: metadata.labels: Invalid value: "x y": a valid label must be an empty string or consist of alphanumeric characters/,
    );
    await statusError(
      s.admin.create(cmRef(), { metadata: { name: "l", annotations: { big: "x".repeat(256 * 1024) } } }),
      422,
      'ConfigMap "l" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
    );
    assert.equal((await s.admin.list(cmRef())).items.length, 0);
    const ok = await s.admin.create(cmRef(), { metadata: { name: "l", labels: { "example.com/tier": "web", empty: "" }, annotations: { "Example.com/Note": "free text" } } });
    assert.equal(ok.metadata.labels?.["example.com/tier"], "web");
  });

  it("folds secret stringData into base64 data and defaults the type", async () => {
    const s = await newServer();
    const created = await s.admin.create(secretRef(), {
      metadata: { name: "s" },
      data: { user: Buffer.from("admin").toString("base64") },
      stringData: { password: "s3cr3t" },
    });
    assert.equal(created.type, "Opaque");
    assert.equal(created.stringData, undefined);
    assert.deepEqual(created.data, { user: "YWRtaW4=", password: Buffer.from("s3cr3t").toString("base64") });
    assert.deepEqual((await s.admin.get(secretRef("s"))).data, created.data);

    const updated = await s.admin.update(secretRef("s"), { ...created, stringData: { user: "root" } });
    assert.deepEqual(updated.data, { user: Buffer.from("root").toString("base64"), password: created.data && (created.data as Record<string, string>).password });
    const patched = await s.admin.patch(secretRef("s"), { data: { password: null } }, "merge");
    assert.deepEqual(Object.keys(patched.data as object), ["user"]);
    await statusError(s.admin.update(secretRef("s"), { ...patched, type: "kubernetes.io/tls" }), 422, /type: Invalid value: "kubernetes.io\/tls": field is immutable/);
    assert.deepEqual(names(await s.admin.list(secretRef())), ["s"]);
    await s.admin.delete(secretRef("s"));
    assert.deepEqual(names(await s.admin.list(secretRef())), []);
  });

  it("defaults pods, bumps generation on spec changes and deletes unscheduled pods at once", async () => {
    const s = await newServer();
    const created = await s.admin.create(podRef(), {
      metadata: { name: "p" },
      spec: {
        containers: [
          { name: "tagged", image: "nginx:1.27" },
          { name: "latest", image: "busybox:latest" },
          { name: "bare", image: "registry:5000/busybox" },
          { name: "digest", image: "nginx@sha256:0123" },
          { name: "latest-digest", image: "nginx:latest@sha256:0123" },
          { name: "set", image: "nginx:1.27", imagePullPolicy: "Never" },
        ],
      },
    });
    const spec = created.spec as { restartPolicy: string; dnsPolicy: string; schedulerName: string; terminationGracePeriodSeconds: number; containers: { imagePullPolicy: string }[] };
    assert.equal(spec.restartPolicy, "Always");
    assert.equal(spec.dnsPolicy, "ClusterFirst");
    assert.equal(spec.schedulerName, "default-scheduler");
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.deepEqual(spec.containers.map((c) => c.imagePullPolicy), ["IfNotPresent", "Always", "Always", "IfNotPresent", "Always", "Never"]);
    assert.deepEqual(created.status, { phase: "Pending", qosClass: "BestEffort" });
    assert.equal(created.metadata.generation, 1);

    const withLimits = await s.admin.create(podRef(), {
      metadata: { name: "g" },
      spec: { containers: [{ name: "c", image: "nginx:1.27", resources: { limits: { cpu: "1", memory: "1Gi" } } }] },
    });
    assert.equal((withLimits.status as { qosClass: string }).qosClass, "Guaranteed");

    const renamed = structuredClone(created);
    (renamed.spec as { containers: { image: string }[] }).containers[0]!.image = "nginx:1.28";
    const updated = await s.admin.update(podRef("p"), renamed);
    assert.equal(updated.metadata.generation, 2);
    const labelled = await s.admin.patch(podRef("p"), { metadata: { labels: { a: "b" } } });
    assert.equal(labelled.metadata.generation, 2);

    await statusError(s.admin.create(podRef(), { metadata: { name: "bad" }, spec: { containers: [] } }), 422, 'Pod "bad" is invalid: spec.containers: Required value');

    const del = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/pods/p" });
    assert.equal(del.reply?.status, 200);
    assert.equal(json<StoredObject>(del).kind, "Pod");
    await statusError(s.admin.get(podRef("p")), 404, 'pods "p" not found');
  });

  it("writes only status through the status subresource, and never status through the main resource", async () => {
    const s = await newServer();
    const created = await s.admin.create(podRef(), pod("p"));
    const changed = structuredClone(created);
    (changed.spec as { containers: { image: string }[] }).containers[0]!.image = "nginx:9";
    changed.status = { phase: "Running", podIP: "10.0.0.1" };
    changed.metadata.labels = { sneaky: "yes" };

    const viaStatus = await s.admin.update(podRef("p", "default", "status"), changed);
    assert.deepEqual(viaStatus.status, { phase: "Running", podIP: "10.0.0.1" });
    assert.equal((viaStatus.spec as { containers: { image: string }[] }).containers[0]!.image, "nginx:1.27");
    assert.equal(viaStatus.metadata.labels, undefined);
    assert.equal(viaStatus.metadata.generation, 1);

    const patched = await s.admin.patch(podRef("p", "default", "status"), { status: { phase: "Succeeded" }, spec: { nodeName: "n1" } });
    assert.equal((patched.status as { phase: string }).phase, "Succeeded");
    assert.equal((patched.spec as { nodeName?: string }).nodeName, undefined);

    const viaMain = await s.admin.update(podRef("p"), { ...patched, status: { phase: "Failed" } });
    assert.equal((viaMain.status as { phase: string }).phase, "Succeeded");
    assert.deepEqual((await s.admin.get(podRef("p"))).status, viaMain.status);
  });

  it("creates, updates, patches and deletes namespaces", async () => {
    const s = await newServer();
    const created = await s.admin.create(nsRef(), { metadata: { name: "team" } });
    assert.deepEqual(created.spec, { finalizers: ["kubernetes"] });
    assert.deepEqual(created.status, { phase: "Active" });
    assert.deepEqual(created.metadata.labels, { "kubernetes.io/metadata.name": "team" });
    assert.equal(created.metadata.namespace, undefined);
    await statusError(s.admin.create(nsRef(), { metadata: { name: "team" } }), 409, 'namespaces "team" already exists');
    await statusError(s.admin.get(nsRef("nope")), 404, 'namespaces "nope" not found');

    const updated = await s.admin.update(nsRef("team"), { ...created, metadata: { ...created.metadata, labels: { env: "dev" } }, spec: { finalizers: [] } });
    assert.deepEqual(updated.metadata.labels, { env: "dev", "kubernetes.io/metadata.name": "team" });
    assert.deepEqual(updated.spec, { finalizers: ["kubernetes"] });
    const patched = await s.admin.patch(nsRef("team"), { metadata: { annotations: { owner: "me" } } });
    assert.deepEqual(patched.metadata.annotations, { owner: "me" });
    assert.deepEqual(names(await s.admin.list(nsRef())), ["default", "team"]);

    const del = await s.call({ method: "DELETE", path: "/api/v1/namespaces/team" });
    assert.equal(del.reply?.status, 200);
    const terminating = json<StoredObject>(del);
    assert.equal(terminating.metadata.deletionTimestamp, START);
    assert.deepEqual(terminating.status, { phase: "Terminating" });
    assert.equal((await s.admin.get(nsRef("team"))).metadata.deletionTimestamp, START);
    await statusError(s.admin.create(cmRef(undefined, "missing"), { metadata: { name: "c" } }), 404, 'namespaces "missing" not found');
  });

  it("names objects from generateName", async () => {
    const s = await newServer();
    const a = await s.admin.create(cmRef(), { metadata: { generateName: "gen-" } });
    const b = await s.admin.create(cmRef(), { metadata: { generateName: "gen-" } });
    assert.match(a.metadata.name ?? "", /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(a.metadata.generateName, "gen-");
    assert.notEqual(a.metadata.name, b.metadata.name);
    assert.deepEqual((await s.admin.get(cmRef(a.metadata.name))).metadata.generateName, "gen-");
  });

  it("forbids everything to a user outside system:masters, with upstream's messages", async () => {
    const s = await newServer();
    const rev = await s.storage.currentRevision();
    const list = await statusError(s.jane.list(cmRef()), 403, 'configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "default"');
    assert.equal(list.reason, "Forbidden");
    await statusError(s.jane.get(cmRef("c")), 403, 'configmaps "c" is forbidden: User "jane" cannot get resource "configmaps" in API group "" in the namespace "default"');
    await statusError(s.jane.create(cmRef(), { metadata: { name: "c" } }), 403, /cannot create resource "configmaps"/);
    await statusError(s.jane.list(nsRef()), 403, 'namespaces is forbidden: User "jane" cannot list resource "namespaces" in API group "" at the cluster scope');
    await statusError(s.jane.delete(nsRef("default")), 403, /cannot delete resource "namespaces"/);
    await statusError(s.jane.update(podRef("p", "default", "status"), pod("p")), 403, /cannot update resource "pods\/status"/);
    const w = await s.watch("/api/v1/namespaces");
    assert.equal(w.streamStatus, 200);
    const denied = await s.call({ path: "/api/v1/namespaces", query: { watch: "true" }, user: JANE });
    assert.equal(denied.reply?.status, 403);
    assert.equal(denied.streamStatus, undefined);
    assert.equal(await s.storage.currentRevision(), rev);
    w.close();
  });
});

describe("ApiHandler: list", BOUNDED, () => {
  const threePods = async () => {
    const s = await newServer();
    await s.admin.create(podRef(), pod("a", { labels: { app: "web", tier: "fe" } }));
    await s.admin.create(podRef(), pod("b", { labels: { app: "db" } }));
    await s.admin.create(podRef(), pod("c", { labels: { app: "web" }, nodeName: "node-1" }));
    await s.admin.create(nsRef(), { metadata: { name: "other" } });
    await s.admin.create(podRef(undefined, "other"), pod("d", { labels: { app: "web" } }));
    return s;
  };

  it("filters by label selector", async () => {
    const s = await threePods();
    const pick = async (labelSelector: string, ns?: string) => names(await s.admin.list(podRef(undefined, ns), { labelSelector }));
    assert.deepEqual(await pick("app=web"), ["a", "c"]);
    assert.deepEqual(await pick("app in (web,db),tier"), ["a"]);
    assert.deepEqual(await pick("!tier"), ["b", "c"]);
    assert.deepEqual(await pick("app!=web"), ["b"]);
    assert.deepEqual(await pick("app notin (web)"), ["b"]);
    assert.deepEqual(await s.admin.list({ version: "v1", plural: "pods" }, { labelSelector: "app=web" }).then(names), ["a", "c", "d"]);
    const bad = await statusError(s.admin.list(podRef(), { labelSelector: "a in (b" }), 400, /unable to parse requirement/);
    assert.equal(bad.reason, "BadRequest");
  });

  it("filters by field selector, and refuses fields the kind does not support", async () => {
    const s = await threePods();
    const pick = async (fieldSelector: string, ref = podRef()) => names(await s.admin.list(ref, { fieldSelector }));
    assert.deepEqual(await pick("spec.nodeName="), ["a", "b"]);
    assert.deepEqual(await pick("spec.nodeName=node-1"), ["c"]);
    assert.deepEqual(await pick("spec.nodeName!="), ["c"]);
    assert.deepEqual(await pick("status.phase=Pending"), ["a", "b", "c"]);
    assert.deepEqual(await pick("status.phase!=Pending"), []);
    assert.deepEqual(await pick("metadata.name=b"), ["b"]);
    assert.deepEqual(await pick("metadata.namespace=other", { version: "v1", plural: "pods" }), ["d"]);
    assert.deepEqual(await pick("status.phase=Terminating", nsRef()), []);
    assert.deepEqual(names(await s.admin.list(podRef(), { fieldSelector: "spec.nodeName=", labelSelector: "tier" })), ["a"]);
    const bad = await statusError(s.admin.list(podRef(), { fieldSelector: "spec.foo=x" }), 400, "field label not supported: spec.foo");
    assert.equal(bad.reason, "BadRequest");
    await statusError(s.admin.list(cmRef(), { fieldSelector: "data.a=1" }), 400, "field label not supported: data.a");
  });

  it("pages with limit and continue at the first page's revision, whatever is written in between", async () => {
    const s = await newServer();
    await s.admin.create(nsRef(), { metadata: { name: "page" } });
    for (const n of [1, 2, 3, 4, 5]) await s.admin.create(cmRef(undefined, "page"), { metadata: { name: `p${n}` }, data: { v: "old" } });

    const first = await s.admin.list(cmRef(undefined, "page"), { limit: "2" });
    assert.deepEqual(names(first), ["p1", "p2"]);
    const firstMeta = first.metadata as ObjectList["metadata"] & { remainingItemCount?: number };
    assert.equal(firstMeta.remainingItemCount, 3);
    assert.ok(firstMeta.continue);

    await s.admin.create(cmRef(undefined, "page"), { metadata: { name: "p0" } });
    await s.admin.create(cmRef(undefined, "page"), { metadata: { name: "p6" } });
    await s.admin.delete(cmRef("p3", "page"));
    await s.admin.patch(cmRef("p4", "page"), { data: { v: "new" } });

    const second = await s.admin.list(cmRef(undefined, "page"), { limit: "2", continue: firstMeta.continue ?? "" });
    assert.deepEqual(names(second), ["p3", "p4"]);
    assert.deepEqual(second.items[1]?.data, { v: "old" });
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
    const secondMeta = second.metadata as typeof firstMeta;
    assert.equal(secondMeta.remainingItemCount, 1);

    const third = await s.admin.list(cmRef(undefined, "page"), { limit: "2", continue: secondMeta.continue ?? "" });
    assert.deepEqual(names(third), ["p5"]);
    assert.equal(third.metadata.continue, undefined);
    assert.equal((third.metadata as typeof firstMeta).remainingItemCount, undefined);

    assert.deepEqual(names(await s.admin.list(cmRef(undefined, "page"))), ["p0", "p1", "p2", "p4", "p5", "p6"]);
    const exact = await s.admin.list(cmRef(undefined, "page"), { limit: "6" });
    assert.equal(exact.items.length, 6);
    assert.equal(exact.metadata.continue, undefined);

    const filtered = await s.admin.list(cmRef(undefined, "page"), { limit: "1", fieldSelector: "metadata.name!=p0" });
    assert.deepEqual(names(filtered), ["p1"]);
    assert.ok(filtered.metadata.continue);
    assert.equal((filtered.metadata as typeof firstMeta).remainingItemCount, undefined);

    await statusError(s.admin.list(cmRef(undefined, "page"), { limit: "2", continue: "garbage" }), 400, /continue key is not valid/);
  });

  it("reads at an exact old revision, and answers 410 once it is compacted", async () => {
    const s = await newServer();
    const v1 = await s.admin.create(cmRef(), { metadata: { name: "x" }, data: { v: "1" } });
    await s.admin.patch(cmRef("x"), { data: { v: "2" } });
    await s.admin.create(cmRef(), { metadata: { name: "y" } });

    const rv = v1.metadata.resourceVersion ?? "";
    const old = await s.admin.list(cmRef(), { resourceVersion: rv, resourceVersionMatch: "Exact" });
    assert.deepEqual(names(old), ["x"]);
    assert.deepEqual(old.items[0]?.data, { v: "1" });
    assert.equal(old.items[0]?.metadata.resourceVersion, rv);
    assert.equal(old.metadata.resourceVersion, rv);
    assert.deepEqual(names(await s.admin.list(cmRef(), { resourceVersion: rv })), ["x", "y"]);

    await statusError(s.admin.list(cmRef(), { resourceVersionMatch: "Exact" }), 400);
    await statusError(s.admin.list(cmRef(), { resourceVersion: rv, resourceVersionMatch: "Newest" }), 400);
    await s.storage.compact(Number(rv) + 1);
    const gone = await statusError(s.admin.list(cmRef(), { resourceVersion: rv, resourceVersionMatch: "Exact" }), 410, `too old resource version: ${rv} (${Number(rv) + 1})`);
    assert.equal(gone.reason, "Expired");
  });

  it("renders Tables with upstream's column names", async () => {
    const s = await newServer();
    await s.admin.create(podRef(), pod("web"));
    await s.admin.create(cmRef(), { metadata: { name: "c" }, data: { a: "1", b: "2" } });
    s.clock.advance(90_000);
    const table = async (path: string) => {
      const r = await s.call({ path, accept: `${TABLE},application/json` });
      assert.equal(r.reply?.status, 200);
      const body = json<TableBody>(r);
      assert.equal(body.kind, "Table");
      return body;
    };

    const pods = await table("/api/v1/namespaces/default/pods");
    assert.deepEqual(pods.columnDefinitions.map((c) => c.name), ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]);
    assert.deepEqual(pods.rows.map((r) => r.cells.slice(0, 5)), [["web", "0/1", "Pending", "0", "90s"]]);
    assert.equal(pods.rows[0]?.object.kind, "PartialObjectMetadata");

    const nss = await table("/api/v1/namespaces");
    assert.deepEqual(nss.columnDefinitions.map((c) => c.name), ["Name", "Status", "Age"]);
    assert.deepEqual(nss.rows.map((r) => r.cells), [["default", "Active", "90s"]]);

    const cms = await table("/api/v1/namespaces/default/configmaps");
    assert.deepEqual(cms.columnDefinitions.map((c) => c.name), ["Name", "Data", "Age"]);
    assert.deepEqual(cms.rows.map((r) => r.cells), [["c", 2, "90s"]]);

    const one = await table("/api/v1/namespaces/default/configmaps/c");
    assert.deepEqual(one.rows.map((r) => r.cells), [["c", 2, "90s"]]);
    const plain = await s.call({ path: "/api/v1/namespaces/default/configmaps/c" });
    assert.equal(json<StoredObject>(plain).kind, "ConfigMap");
  });
});

describe("ApiHandler: writes", BOUNDED, () => {
  it("stores nothing on dryRun=All", async () => {
    const s = await newServer();
    const rev = await s.storage.currentRevision();
    const created = await s.call({ method: "POST", path: "/api/v1/namespaces/default/configmaps", query: { dryRun: "All" }, body: { metadata: { name: "dry" }, data: { a: "1" } } });
    assert.equal(created.reply?.status, 201);
    assert.equal(json<StoredObject>(created).metadata.name, "dry");
    assert.deepEqual(names(await s.admin.list(cmRef())), []);
    await statusError(s.admin.get(cmRef("dry")), 404);
    assert.equal(await s.storage.currentRevision(), rev);

    const real = await s.admin.create(cmRef(), { metadata: { name: "c" }, data: { a: "1" } });
    const after = await s.storage.currentRevision();
    const put = await s.call({ method: "PUT", path: "/api/v1/namespaces/default/configmaps/c", query: { dryRun: "All" }, body: { ...real, data: { a: "2" } } });
    assert.equal(put.reply?.status, 200);
    assert.deepEqual(json<StoredObject>(put).data, { a: "2" });
    const patch = await s.call({ method: "PATCH", path: "/api/v1/namespaces/default/configmaps/c", query: { dryRun: "All" }, body: { data: { a: "3" } }, contentType: "application/merge-patch+json" });
    assert.equal(patch.reply?.status, 200);
    const del = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/c", query: { dryRun: "All" } });
    assert.equal(del.reply?.status, 200);
    assert.deepEqual(await s.admin.get(cmRef("c")), real);
    assert.equal(await s.storage.currentRevision(), after);
  });

  it("checks delete preconditions", async () => {
    const s = await newServer();
    const c = await s.admin.create(cmRef(), { metadata: { name: "c" } });
    const del = (preconditions: object) => s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/c", body: { preconditions } });
    const uid = json<Status>(await del({ uid: "not-the-uid" }));
    assert.equal(uid.code, 409);
    assert.equal(uid.message, `Operation cannot be fulfilled on configmaps "c": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${c.metadata.uid}`);
    const rv = json<Status>(await del({ resourceVersion: "1" }));
    assert.equal(rv.code, 409);
    assert.match(rv.message, /Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/);
    assert.equal((await del({ uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion })).reply?.status, 200);
    await statusError(s.admin.get(cmRef("c")), 404);
  });

  it("deletes collections by selector, and answers 202 only for orphanDependents=false", async () => {
    const s = await newServer();
    await s.admin.create(cmRef(), { metadata: { name: "a", labels: { app: "web" } } });
    await s.admin.create(cmRef(), { metadata: { name: "b", labels: { app: "db" } } });
    await s.admin.create(cmRef(), { metadata: { name: "c", labels: { app: "web" }, finalizers: ["example.com/hold"] } });
    const r = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps", query: { labelSelector: "app=web" } });
    assert.equal(r.reply?.status, 200);
    const removed = json<ObjectList & { kind: string }>(r);
    assert.equal(removed.kind, "ConfigMapList");
    assert.deepEqual(names(removed), ["a", "c"]);
    assert.deepEqual(names(await s.admin.list(cmRef())), ["b", "c"]);
    assert.equal((await s.admin.get(cmRef("c"))).metadata.deletionTimestamp, START);
    const accepted = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/c", body: { orphanDependents: false } });
    assert.equal(accepted.reply?.status, 202);
    assert.equal((await s.call({ method: "DELETE", path: "/api/v1/namespaces" })).reply?.status, 405);
  });

  it("applies fieldValidation Strict, Warn and Ignore to unknown top-level fields", async () => {
    const s = await newServer();
    const post = (name: string, fieldValidation?: string) =>
      s.call({ method: "POST", path: "/api/v1/namespaces/default/configmaps", query: fieldValidation ? { fieldValidation } : {}, body: { metadata: { name }, data: { a: "1" }, spec: { x: 1 } } });

    const strict = await post("strict", "Strict");
    assert.equal(strict.reply?.status, 400);
    assert.equal(json<Status>(strict).message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"');
    assert.equal(json<Status>(strict).reason, "BadRequest");

    const warn = await post("warn", "Warn");
    assert.equal(warn.reply?.status, 201);
    assert.equal(warn.reply?.headers.warning, '299 - "unknown field \\"spec\\""');
    assert.equal(json<StoredObject>(warn).spec, undefined);

    const ignore = await post("ignore", "Ignore");
    assert.equal(ignore.reply?.status, 201);
    assert.equal(ignore.reply?.headers.warning, undefined);
    assert.equal(json<StoredObject>(ignore).spec, undefined);

    const bogus = await post("bogus", "Sometimes");
    assert.equal(bogus.reply?.status, 400);
    assert.deepEqual(names(await s.admin.list(cmRef())), ["ignore", "warn"]);
    assert.equal((await s.admin.get(cmRef("warn"))).spec, undefined);

    const patchStrict = await s.call({ method: "PATCH", path: "/api/v1/namespaces/default/configmaps/warn", query: { fieldValidation: "Strict" }, body: { spec: { x: 1 } }, contentType: "application/merge-patch+json" });
    assert.equal(patchStrict.reply?.status, 400);
    assert.equal(json<Status>(patchStrict).message, 'strict decoding error: unknown field "spec"');
    const patchWarn = await s.call({ method: "PATCH", path: "/api/v1/namespaces/default/configmaps/warn", body: { spec: { x: 1 } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(patchWarn.reply?.status, 200);
    assert.equal(patchWarn.reply?.headers.warning, '299 - "unknown field \\"spec\\""');
    assert.equal((await s.admin.get(cmRef("warn"))).spec, undefined);
  });

  it("holds a configmap with finalizers until they are removed", async () => {
    const s = await newServer();
    const created = await s.admin.create(cmRef(), { metadata: { name: "held", finalizers: ["example.com/hold"] } });
    const w = await s.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: created.metadata.resourceVersion ?? "" });

    const del = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/held" });
    assert.equal(del.reply?.status, 200);
    assert.equal(json<StoredObject>(del).metadata.deletionTimestamp, START);
    const held = await s.admin.get(cmRef("held"));
    assert.equal(held.metadata.deletionTimestamp, START);
    assert.equal(held.metadata.deletionGracePeriodSeconds, 0);
    assert.deepEqual(held.metadata.finalizers, ["example.com/hold"]);
    const again = await s.call({ method: "DELETE", path: "/api/v1/namespaces/default/configmaps/held" });
    assert.equal(json<StoredObject>(again).metadata.resourceVersion, held.metadata.resourceVersion);

    const stillHeld = await s.admin.patch(cmRef("held"), { data: { a: "1" } });
    assert.equal(stillHeld.metadata.deletionTimestamp, START);
    await s.admin.patch(cmRef("held"), { metadata: { finalizers: null } });
    await statusError(s.admin.get(cmRef("held")), 404);

    await w.eventCount(3);
    assert.deepEqual(w.events.map((e) => e.type), ["MODIFIED", "MODIFIED", "DELETED"]);
    w.close();
  });

  it("terminates a namespace: no new content, emptied by the namespace controller, then gone", async () => {
    const s = await newServer();
    const controller = s.namespaceController();
    controller.start();
    try {
      await s.admin.create(nsRef(), { metadata: { name: "x" } });
      await s.admin.create(cmRef(undefined, "x"), { metadata: { name: "plain" } });
      await s.admin.create(cmRef(undefined, "x"), { metadata: { name: "held", finalizers: ["example.com/hold"] } });
      await s.admin.create(podRef(undefined, "x"), pod("p"));
      await s.admin.create(secretRef(undefined, "x"), { metadata: { name: "s" } });

      const gone = new Promise<StoredObject>((resolve, reject) => {
        const w = s.admin.watch(nsRef(), { fieldSelector: "metadata.name=x" }, (e) => {
          if (e.type === "DELETED") {
            w.cancel();
            resolve(e.object);
          }
        }, (error) => error && reject(error));
      });
      const retry = s.clock.nextTimer(1000);

      const del = await s.call({ method: "DELETE", path: "/api/v1/namespaces/x" });
      assert.equal(del.reply?.status, 200);
      assert.equal(json<StoredObject>(del).metadata.deletionTimestamp, START);
      assert.equal((json<StoredObject>(del).status as { phase: string }).phase, "Terminating");

      const refused = await statusError(
        s.admin.create(cmRef(undefined, "x"), { metadata: { name: "new" } }),
        403,
        'configmaps "new" is forbidden: unable to create new content in namespace x because it is being terminated',
      );
      assert.equal(refused.reason, "Forbidden");

      await retry;
      assert.deepEqual(names(await s.admin.list(cmRef(undefined, "x"))), ["held"]);
      assert.deepEqual(names(await s.admin.list(podRef(undefined, "x"))), []);
      assert.deepEqual(names(await s.admin.list(secretRef(undefined, "x"))), []);
      assert.equal((await s.admin.get(nsRef("x"))).metadata.deletionTimestamp, START);

      await s.admin.patch(cmRef("held", "x"), { metadata: { finalizers: null } });
      s.clock.advance(1000);
      const last = await gone;
      assert.equal(last.metadata.deletionTimestamp, START);
      await statusError(s.admin.get(nsRef("x")), 404, 'namespaces "x" not found');
      assert.deepEqual(names(await s.admin.list(cmRef(undefined, "x"))), []);
    } finally {
      controller.stop();
    }
  });
});

describe("ApiHandler: watch", BOUNDED, () => {
  it("delivers every event after a resourceVersion exactly once, in order", async () => {
    const s = await newServer();
    const first = await s.admin.create(cmRef(), { metadata: { name: "w1" } });
    await s.admin.patch(cmRef("w1"), { data: { a: "1" } });
    await s.admin.create(cmRef(), { metadata: { name: "w2" } });
    await s.admin.delete(cmRef("w1"));
    await s.admin.create(podRef(), pod("not-a-configmap"));

    const w = await s.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: first.metadata.resourceVersion ?? "" });
    assert.equal(w.streamStatus, 200);
    await w.eventCount(3);
    await s.admin.patch(cmRef("w2"), { data: { b: "2" } });
    await s.admin.create(cmRef(), { metadata: { name: "w3" } });
    await w.eventCount(5);

    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ["MODIFIED w1", "ADDED w2", "DELETED w1", "MODIFIED w2", "ADDED w3"]);
    const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b));
    assert.equal(new Set(rvs).size, rvs.length);
    assert.ok(rvs[0]! > Number(first.metadata.resourceVersion));
    assert.equal(String(rvs[4]), String(await s.storage.currentRevision()));
    w.close();
    await s.admin.create(cmRef(), { metadata: { name: "after-close" } });
    assert.equal(w.events.length, 5);
  });

  it("starts a watch without resourceVersion with synthetic ADDED events", async () => {
    const s = await newServer();
    await s.admin.create(cmRef(), { metadata: { name: "x" } });
    await s.admin.create(cmRef(), { metadata: { name: "y" } });
    for (const query of [{}, { resourceVersion: "0" }] as Record<string, string>[]) {
      const w = await s.watch("/api/v1/namespaces/default/configmaps", query);
      await w.eventCount(2);
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED x", "ADDED y"]);
      w.close();
    }
    const w = await s.watch("/api/v1/namespaces/default/configmaps");
    await s.admin.create(cmRef(), { metadata: { name: "z" } });
    await w.eventCount(3);
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED x", "ADDED y", "ADDED z"]);
    w.close();
  });

  it("narrows a watch to one object with fieldSelector=metadata.name", async () => {
    const s = await newServer();
    await s.admin.create(cmRef(), { metadata: { name: "a" } });
    await s.admin.create(cmRef(), { metadata: { name: "b" } });
    const w = await s.watch("/api/v1/namespaces/default/configmaps", { fieldSelector: "metadata.name=a" });
    await s.admin.patch(cmRef("b"), { data: { x: "1" } });
    await s.admin.patch(cmRef("a"), { data: { x: "1" } });
    await s.admin.delete(cmRef("b"));
    await s.admin.delete(cmRef("a"));
    await w.eventCount(3);
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED a", "MODIFIED a", "DELETED a"]);
    w.close();
  });

  it("turns label changes into ADDED and DELETED for a label-selected watch", async () => {
    const s = await newServer();
    const c = await s.admin.create(cmRef(), { metadata: { name: "c" } });
    const w = await s.watch("/api/v1/namespaces/default/configmaps", { labelSelector: "app=web", resourceVersion: c.metadata.resourceVersion ?? "" });
    await s.admin.patch(cmRef("c"), { metadata: { labels: { app: "web" } } });
    await s.admin.patch(cmRef("c"), { metadata: { labels: { app: "db" } } });
    await w.eventCount(2);
    assert.deepEqual(w.events.map((e) => e.type), ["ADDED", "DELETED"]);
    w.close();
  });

  it("ends a watch from a compacted revision with a 410 ERROR event", async () => {
    const s = await newServer();
    const a = await s.admin.create(cmRef(), { metadata: { name: "a" } });
    await s.admin.create(cmRef(), { metadata: { name: "b" } });
    const compacted = await s.storage.currentRevision();
    await s.storage.compact(compacted);
    const from = String(Number(a.metadata.resourceVersion) - 1);
    const w = await s.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: from });
    await w.until(() => w.ended);
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0]?.type, "ERROR");
    const status = w.events[0]?.object;
    assert.equal(status?.kind, "Status");
    assert.equal(status?.code, 410);
    assert.equal(status?.reason, "Expired");
    assert.equal(status?.message, `too old resource version: ${from} (${compacted})`);
  });

  it("ends the stream after timeoutSeconds of clock time", async () => {
    const s = await newServer();
    const w = await s.watch("/api/v1/namespaces", { timeoutSeconds: "5" });
    await w.eventCount(1);
    s.clock.advance(4_999);
    assert.equal(w.ended, false);
    s.clock.advance(1);
    assert.equal(w.ended, true);

    const zero = await s.watch("/api/v1/namespaces", { timeoutSeconds: "0", resourceVersion: "1" });
    s.clock.advance(1_000);
    assert.equal(zero.ended, false, "timeoutSeconds=0 means the server's default");
    zero.close();

    const bad = await s.watch("/api/v1/namespaces", { timeoutSeconds: "soon" });
    assert.equal(bad.reply?.status, 400);
  });

  it("sends bookmarks every 60 s when asked to", async () => {
    const s = await newServer();
    const c = await s.admin.create(cmRef(), { metadata: { name: "c" } });
    const rv = c.metadata.resourceVersion ?? "";
    const w = await s.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: rv, allowWatchBookmarks: "true" });
    const plain = await s.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: rv });
    s.clock.advance(59_999);
    assert.equal(w.events.length, 0);
    s.clock.advance(1);
    assert.deepEqual(w.events, [{ type: "BOOKMARK", object: { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: rv } } }]);

    await s.admin.patch(cmRef("c"), { data: { a: "1" } });
    await w.eventCount(2);
    s.clock.advance(60_000);
    assert.deepEqual(w.events.map((e) => e.type), ["BOOKMARK", "MODIFIED", "BOOKMARK"]);
    assert.equal(w.events[2]?.object.metadata.resourceVersion, w.events[1]?.object.metadata.resourceVersion);
    await plain.eventCount(1);
    assert.deepEqual(plain.events.map((e) => e.type), ["MODIFIED"]);
    w.close();
    plain.close();
  });

  it("streams Table rows to a table watch", async () => {
    const s = await newServer();
    const w = await s.watch("/api/v1/namespaces", {}, TABLE);
    await w.eventCount(1);
    await s.admin.create(nsRef(), { metadata: { name: "t" } });
    await w.eventCount(2);
    const rows = w.events.map((e) => e.object as unknown as TableBody);
    assert.deepEqual(rows[0]?.columnDefinitions.map((c) => c.name), ["Name", "Status", "Age"]);
    assert.deepEqual(rows[1]?.columnDefinitions, []);
    assert.deepEqual(rows.map((r) => r.rows[0]?.cells[0]), ["default", "t"]);
    w.close();
  });
});

describe("InProcessClient", BOUNDED, () => {
  it("reports a refused watch with the server's Status", async () => {
    const s = await newServer();
    const closed = new Promise<Error | undefined>((resolve) => s.admin.watch(cmRef(), { labelSelector: "a in (b" }, () => assert.fail("no events expected"), resolve));
    const error = await closed;
    assert.ok(error instanceof StatusError);
    assert.equal(error.code, 400);
    assert.equal(error.reason, "BadRequest");
    assert.match(error.message, /^unable to parse requirement/);
    const forbidden = await new Promise<Error | undefined>((resolve) => s.jane.watch(cmRef(), {}, () => undefined, resolve));
    assert.ok(forbidden instanceof StatusError);
    assert.equal(forbidden.reason, "Forbidden");
  });
});

describe("ApiHandler: bad input", BOUNDED, () => {
  const K8S_MAGIC = [0x6b, 0x38, 0x73, 0x00];

  const cases: { name: string; request: CallOptions; code: number; reason: string; message?: string | RegExp }[] = [
    { name: "malformed JSON", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: '{"metadata": {"name": "x"' }, code: 400, reason: "BadRequest" },
    { name: "YAML that does not parse", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: "metadata: [name: x\n  - {", contentType: "application/yaml" }, code: 400, reason: "BadRequest" },
    { name: "YAML that is not an object", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: "- a\n- b\n", contentType: "application/yaml" }, code: 400, reason: "BadRequest" },
    { name: "protobuf with garbage after the magic", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: new Uint8Array([...K8S_MAGIC, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), contentType: "application/vnd.kubernetes.protobuf" }, code: 400, reason: "BadRequest", message: /^unable to decode protobuf body/ },
    { name: "protobuf without the magic", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: '{"metadata":{"name":"x"}}', contentType: "application/vnd.kubernetes.protobuf" }, code: 400, reason: "BadRequest", message: /must start with the bytes 6b 38 73 00/ },
    { name: "an unknown Content-Type", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: "name=x", contentType: "text/plain" }, code: 415, reason: "UnsupportedMediaType" },
    { name: "a kind that disagrees with the URL", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { kind: "Secret", apiVersion: "v1", metadata: { name: "x" } } }, code: 400, reason: "BadRequest", message: "the kind in the data (Secret) does not match the expected kind (ConfigMap)" },
    { name: "an apiVersion that disagrees with the URL", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { kind: "ConfigMap", apiVersion: "apps/v1", metadata: { name: "x" } } }, code: 400, reason: "BadRequest", message: /API version in the data \(apps\/v1\)/ },
    { name: "a namespace in the body that is not the URL's", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { metadata: { name: "x", namespace: "kube-system" } } }, code: 400, reason: "BadRequest", message: "the namespace of the provided object does not match the namespace sent on the request" },
    {
      name: "an invalid configmap name",
      request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { metadata: { name: "Bad_Name" } } },
      code: 422,
      reason: "Invalid",
      message: `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
    {
      name: "an invalid namespace name",
      request: { method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: "a.b" } } },
      code: 422,
      reason: "Invalid",
      message: `Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    },
    { name: "a missing name", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { data: { a: "1" } } }, code: 422, reason: "Invalid", message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' },
    { name: "a name that is a number", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { metadata: { name: 5 } } }, code: 400, reason: "BadRequest", message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string' },
    { name: "labels that are a list", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { metadata: { name: "x", labels: ["a"] } } }, code: 400, reason: "BadRequest", message: /cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map\[string\]string$/ },
    { name: "finalizers that are a string", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { metadata: { name: "x", finalizers: "a" } } }, code: 400, reason: "BadRequest", message: /ObjectMeta.metadata.finalizers of type \[\]string$/ },
    { name: "configmap data that is not a string", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: { metadata: { name: "x" }, data: { a: 1 } } }, code: 400, reason: "BadRequest", message: /cannot unmarshal number into Go struct field ConfigMap.data of type string$/ },
    { name: "a namespace name that is an object", request: { method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: { a: 1 } } } }, code: 400, reason: "BadRequest", message: /^Namespace in version "v1" cannot be handled as a Namespace/ },
    { name: "a POST without a namespace", request: { method: "POST", path: "/api/v1/configmaps", body: { metadata: { name: "x", namespace: "default" } } }, code: 405, reason: "MethodNotAllowed" },
    { name: "a named request without a namespace", request: { method: "DELETE", path: "/api/v1/configmaps/keep" }, code: 404, reason: "NotFound" },
    { name: "a malformed escape in the path", request: { path: "/api/v1/namespaces/%zz/configmaps" }, code: 400, reason: "BadRequest" },
    { name: "a merge patch that gives labels the wrong type", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: { metadata: { labels: { a: 1 } } }, contentType: "application/merge-patch+json" }, code: 422, reason: "Invalid", message: /^ "" is invalid: patch: Invalid value: ".*": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string$/ },
    { name: "a body that is an array", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", body: "[]" }, code: 400, reason: "BadRequest" },
    { name: "a secret with data that is not base64", request: { method: "POST", path: "/api/v1/namespaces/default/secrets", body: { metadata: { name: "s" }, data: { a: "not base64!" } } }, code: 400, reason: "BadRequest", message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3' },
    { name: "a dryRun value other than All", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps", query: { dryRun: "true" }, body: { metadata: { name: "x" } } }, code: 422, reason: "Invalid", message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["true"]: supported values: "All"' },
    { name: "a dryRun value other than All on delete", request: { method: "DELETE", path: "/api/v1/namespaces/default/configmaps/keep", query: { dryRun: "yes" } }, code: 422, reason: "Invalid", message: /^DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value/ },
    { name: "a bad label selector", request: { path: "/api/v1/namespaces/default/configmaps", query: { labelSelector: "a in (b" } }, code: 400, reason: "BadRequest" },
    { name: "a bad label selector on deletecollection", request: { method: "DELETE", path: "/api/v1/namespaces/default/configmaps", query: { labelSelector: "!!" } }, code: 400, reason: "BadRequest" },
    { name: "a JSON patch that does not apply", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: [{ op: "remove", path: "/data/missing" }], contentType: "application/json-patch+json" }, code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request" },
    { name: "a JSON patch that is not a list", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: { op: "add" }, contentType: "application/json-patch+json" }, code: 400, reason: "BadRequest" },
    { name: "a merge patch that is not JSON", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: "{data", contentType: "application/merge-patch+json" }, code: 400, reason: "BadRequest" },
    { name: "a patch that makes the object invalid", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: { data: { "bad key": "x" } }, contentType: "application/merge-patch+json" }, code: 422, reason: "Invalid", message: /^ConfigMap "keep" is invalid: data\[bad key\]/ },
    { name: "a patch with an unknown content type", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: { data: { a: "2" } }, contentType: "application/xml" }, code: 415, reason: "UnsupportedMediaType" },
    { name: "server-side apply without a field manager", request: { method: "PATCH", path: "/api/v1/namespaces/default/configmaps/keep", body: { data: { a: "2" } }, contentType: "application/apply-patch+yaml" }, code: 422, reason: "Invalid", message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' },
    { name: "a non-integer limit", request: { path: "/api/v1/namespaces/default/configmaps", query: { limit: "x" } }, code: 400, reason: "BadRequest" },
    { name: "an invalid resourceVersion on list", request: { path: "/api/v1/namespaces/default/configmaps", query: { resourceVersion: "abc" } }, code: 400, reason: "BadRequest", message: "invalid resource version: abc" },
    { name: "an invalid resourceVersion on watch", request: { path: "/api/v1/namespaces/default/configmaps", query: { watch: "true", resourceVersion: "-1" } }, code: 400, reason: "BadRequest" },
    { name: "a negative gracePeriodSeconds", request: { method: "DELETE", path: "/api/v1/namespaces/default/configmaps/keep", query: { gracePeriodSeconds: "-5" } }, code: 400, reason: "BadRequest" },
    { name: "an unknown propagationPolicy", request: { method: "DELETE", path: "/api/v1/namespaces/default/configmaps/keep", body: { propagationPolicy: "Eventually" } }, code: 400, reason: "BadRequest" },
    { name: "a POST to a named object", request: { method: "POST", path: "/api/v1/namespaces/default/configmaps/keep", body: { metadata: { name: "keep" } } }, code: 405, reason: "MethodNotAllowed" },
    { name: "an unknown resource", request: { method: "POST", path: "/api/v1/namespaces/default/widgets", body: { metadata: { name: "w" } } }, code: 404, reason: "NotFound" },
  ];

  it("answers each class of bad input with a Status error, stores nothing and keeps serving", async () => {
    const s = await newServer();
    const keep = await s.admin.create(cmRef(), { metadata: { name: "keep" }, data: { a: "1" } });
    for (const c of cases) {
      const before = await s.storage.currentRevision();
      const r = await s.call(c.request);
      assert.equal(r.reply?.status, c.code, `${c.name}: ${r.reply?.text}`);
      assert.equal(r.streamStatus, undefined, c.name);
      const status = json<Status>(r);
      assert.equal(status.kind, "Status", c.name);
      assert.equal(status.status, "Failure", c.name);
      assert.equal(status.code, c.code, c.name);
      assert.equal(status.reason, c.reason, c.name);
      if (typeof c.message === "string") assert.equal(status.message, c.message, c.name);
      else if (c.message) assert.match(status.message, c.message, c.name);
      assert.equal(await s.storage.currentRevision(), before, `${c.name} stored something`);
      assert.deepEqual(names(await s.admin.list(cmRef())), ["keep"], c.name);
      assert.deepEqual(names(await s.admin.list(secretRef())), [], c.name);
      assert.deepEqual(names(await s.admin.list(nsRef())), ["default"], c.name);
      assert.deepEqual(await s.admin.get(cmRef("keep")), keep, c.name);
    }
    const ok = await s.call({ method: "POST", path: "/api/v1/namespaces/default/configmaps", body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n", contentType: "application/yaml" });
    assert.equal(ok.reply?.status, 201, ok.reply?.text);
    assert.deepEqual(names(await s.admin.list(cmRef())), ["fine", "keep"]);
  });

  it("refuses a patch that leaves secret data undecodable", async () => {
    const s = await newServer();
    const secret = await s.admin.create(secretRef(), { metadata: { name: "s" }, stringData: { a: "1" } });
    await statusError(s.admin.patch(secretRef("s"), { data: { a: "not base64!" } }), 422, /^ "" is invalid: patch: Invalid value: ".*": illegal base64 data at input byte 3$/);
    assert.deepEqual(await s.admin.get(secretRef("s")), secret);
  });

  it("carries causes for invalid objects", async () => {
    const s = await newServer();
    const err = await statusError(s.admin.create(cmRef(), { metadata: { name: "Bad_Name" } }), 422);
    assert.deepEqual(err.details?.causes?.map((c) => [c.field, c.reason]), [["metadata.name", "FieldValueInvalid"]]);
    assert.equal(err.details?.kind, "ConfigMap");
    assert.equal(err.details?.name, "Bad_Name");
  });
});
