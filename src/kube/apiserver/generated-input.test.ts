import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { seededRandom } from "../../shared/seeded-random.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { descriptors as clusterDescriptors } from "../../cluster/control-plane.js";
import { apiVersionOf } from "../api/descriptor.js";
import type { UserInfo } from "../api/types.js";
import { ApiHandler, type ApiResponder } from "./api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "./auth/authorizer.js";

// Thousands of generated requests (seeded, so a failure replays) against one API server with every
// built-in resource: each answer must be a well-formed reply — an object, a list or a Status whose
// code is the HTTP status — never an internal error, and the server must keep serving afterwards.
const CASES = 10_000;
const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };

const CONTENT_TYPES = [
  "application/json",
  "application/yaml",
  "application/merge-patch+json",
  "application/json-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
  "application/vnd.kubernetes.protobuf",
  "text/plain",
  "",
  "application/json; charset=utf-8",
  "x/\u0000garbage",
];
const QUERY_KEYS = [
  "labelSelector",
  "fieldSelector",
  "limit",
  "continue",
  "resourceVersion",
  "resourceVersionMatch",
  "dryRun",
  "fieldValidation",
  "fieldManager",
  "force",
  "gracePeriodSeconds",
  "propagationPolicy",
  "orphanDependents",
  "timeoutSeconds",
  "watch",
  "allowWatchBookmarks",
  "sendInitialEvents",
  "includeObject",
];
const WEIRD = ["", " ", "a", "default", "kube-system", "x".repeat(300), "..", "%zz", "a/b", "ÄÖ", "-x", "x-", "UPPER", "1.2.3", "\u0000", "a=b,c!=d", "in (", "0", "-1", "99999999999999999999", "true", "All", "Strict", "Background"];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function randomJson(random: () => number, depth: number): Json {
  const r = random();
  if (depth <= 0 || r < 0.3) {
    const leaves: Json[] = [null, true, false, 0, -1, 1.5, 2 ** 53, "", "x", "10.0.0.1", "500m", "1Gi", "nginx", WEIRD[Math.floor(random() * WEIRD.length)] ?? ""];
    return leaves[Math.floor(random() * leaves.length)] ?? null;
  }
  if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth - 1));
  const keys = ["metadata", "spec", "status", "name", "labels", "containers", "image", "ports", "selector", "template", "replicas", "data", "op", "path", "value", "$patch", "$retainKeys", "items", "kind", "apiVersion"];
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [keys[Math.floor(random() * keys.length)] ?? "k", randomJson(random, depth - 1)]));
}

/** A plausible object of the kind, then randomly damaged: fields replaced by values of other types, dropped or added. */
function mutatedObject(random: () => number, kind: string, apiVersion: string): Json {
  const base: { [k: string]: Json } = {
    apiVersion,
    kind,
    metadata: { name: `obj-${Math.floor(random() * 50)}`, labels: { app: "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80 }] }] } },
      containers: [{ name: "c", image: "nginx" }],
      ports: [{ port: 80 }],
    },
    data: { key: "value" },
  };
  const mutations = random() < 0.4 ? 0 : 1 + Math.floor(random() * 3);
  for (let i = 0; i < mutations; i++) {
    const paths: [Record<string, Json>, string][] = [
      [base, "metadata"],
      [base, "spec"],
      [base, "kind"],
      [base, "apiVersion"],
      [base, "data"],
      [base.metadata as Record<string, Json>, "name"],
      [base.metadata as Record<string, Json>, "labels"],
      [base.spec as Record<string, Json>, "replicas"],
      [base.spec as Record<string, Json>, "containers"],
      [base.spec as Record<string, Json>, "template"],
      [base.spec as Record<string, Json>, "selector"],
    ];
    const pick = paths[Math.floor(random() * paths.length)];
    if (!pick || typeof pick[0] !== "object" || pick[0] === null) continue;
    if (random() < 0.3) delete pick[0][pick[1]];
    else pick[0][pick[1]] = randomJson(random, 3);
  }
  return base;
}

function deeplyNested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

test("the API server answers thousands of generated requests with well-formed replies and keeps serving", { timeout: 120_000 }, async () => {
  const random = seededRandom(0x5eed0003);
  const descriptors = clusterDescriptors();
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/fuzz/registry",
    descriptors,
    clock: new FakeClock("2026-01-01T00:00:00Z"),
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.0" },
    serverAddress: () => "127.0.0.1:6443",
  });
  const call = (method: string, path: string, query: URLSearchParams, contentType: string, body: Uint8Array) =>
    new Promise<{ status: number; text: string }>((resolve) => {
      const responder: ApiResponder = {
        send: (status, _type, payload) => resolve({ status, text: typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8") }),
        stream: (status) => {
          // A watch that opened: end it at once (the fake clock never times it out).
          const listeners: (() => void)[] = [];
          queueMicrotask(() => {
            listeners.forEach((l) => l());
            resolve({ status, text: "" });
          });
          return { write: () => undefined, end: () => undefined, onClose: (l) => void listeners.push(l) };
        },
      };
      void handler.handle({ method, path, query, accept: "application/json", contentType, body, user: ADMIN }, responder);
    });
  for (const ns of ["default", "kube-system"]) {
    await call("POST", "/api/v1/namespaces", new URLSearchParams(), "application/json", Buffer.from(JSON.stringify({ metadata: { name: ns } })));
  }

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const statuses = new Map<number, number>();
  const internal: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const d = pick(descriptors);
    const base = d.group ? `/apis/${d.group}/${d.version}` : `/api/${d.version}`;
    const ns = d.namespaced && random() < 0.9 ? `/namespaces/${random() < 0.8 ? "default" : encodeURIComponent(pick(WEIRD))}` : "";
    const name = random() < 0.6 ? `/${random() < 0.7 ? `obj-${Math.floor(random() * 50)}` : encodeURIComponent(pick(WEIRD))}` : "";
    const sub = name && random() < 0.2 ? `/${pick([...d.subresources, "bogus", "status", "scale", "log", "binding", "eviction"])}` : "";
    const path = random() < 0.05 ? pick(["/api", "/apis", "/apis/", "/api/v1/../v1", "/%zz", `/apis/${pick(WEIRD)}`, "/openapi/v3/apis/apps/v1", "/version"]) : `${base}${ns}/${d.plural}${name}${sub}`;
    const method = pick(["GET", "GET", "POST", "POST", "PUT", "PATCH", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
    const query = new URLSearchParams();
    for (let q = Math.floor(random() * 3); q > 0; q--) query.append(pick(QUERY_KEYS), pick(WEIRD));
    const contentType = random() < 0.5 ? "application/json" : pick(CONTENT_TYPES);
    const r = random();
    const text =
      r < 0.55
        ? JSON.stringify(mutatedObject(random, d.kind, apiVersionOf(d)))
        : r < 0.7
          ? JSON.stringify(randomJson(random, 4))
          : r < 0.8
            ? JSON.stringify(mutatedObject(random, d.kind, apiVersionOf(d))).slice(0, Math.floor(random() * 80))
            : r < 0.85
              ? deeplyNested(5000)
              : r < 0.9
                ? `kind: ${d.kind}\nmetadata: {name: [unclosed\n`
                : r < 0.95
                  ? ""
                  : String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(random() * 256)));
    const reply = await call(method, path, query, contentType, Buffer.from(text, "latin1"));
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    assert.ok(reply.status >= 200 && reply.status < 600, `case ${i}: status ${reply.status}`);
    if (reply.status >= 400) {
      const status = JSON.parse(reply.text) as { kind?: string; code?: number; message?: string; reason?: string };
      assert.equal(status.kind, "Status", `case ${i} ${method} ${path}: not a Status: ${reply.text.slice(0, 200)}`);
      assert.equal(status.code, reply.status, `case ${i}: Status code ${status.code} on HTTP ${reply.status}`);
      // A crash surfaces as InternalError; upstream answers some refusals as 500 Unknown (pods/binding validation).
      if (status.reason === "InternalError") internal.push(`case ${i}: ${method} ${path} ${contentType} → ${status.message ?? ""}`);
    } else if (reply.text) {
      JSON.parse(reply.text);
    }
  }
  assert.deepEqual(internal.slice(0, 10), [], `${internal.length} internal errors`);
  // Both accepted and refused writes happened, so the generator reached the registry.
  assert.ok((statuses.get(201) ?? 0) > 20, `created ${statuses.get(201) ?? 0}: ${JSON.stringify([...statuses])}`);
  assert.ok((statuses.get(422) ?? 0) > 50 && (statuses.get(400) ?? 0) > 50, JSON.stringify([...statuses]));

  // Still serving, and everything stored lists cleanly.
  const ok = await call("GET", "/api/v1/namespaces/default", new URLSearchParams(), "", new Uint8Array());
  assert.equal(ok.status, 200);
  for (const d of descriptors.filter((x) => x.verbs.includes("list"))) {
    const list = await call("GET", `${d.group ? `/apis/${d.group}/${d.version}` : `/api/${d.version}`}/${d.plural}`, new URLSearchParams(), "", new Uint8Array());
    assert.equal(list.status, 200, `${d.plural}: ${list.text.slice(0, 200)}`);
  }
});
