import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestCluster, run, startTestMinieks, type TestEnv } from "./harness.js";

// Debian's python3-kubernetes lives in the system Python, not in a pyenv one; .ci/run installs it.
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(fileURLToPath(new URL(".", import.meta.url)), "python", "crud_watch.py");

describe("the Python Kubernetes client (python3-kubernetes)", () => {
  let t: TestEnv;
  before(async () => {
    t = await startTestMinieks();
    await createTestCluster(t, "py");
  });
  after(async () => t.close());

  it("creates, reads, patches, replaces, scales, watches and deletes", async () => {
    const r = await run(PYTHON, [SCRIPT], t.env, 60_000);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.namespaces.includes("kube-system") && out.namespaces.includes("default"), out.namespaces);
    assert.equal(out.created_uid_set, true);
    assert.deepEqual(out.after_patch, { a: "1", b: "2" });
    assert.deepEqual(out.after_replace, { a: "1", b: "2", c: "3" });
    assert.deepEqual(out.stale_update, [409, "Conflict"]);
    assert.deepEqual(out.by_label, ["settings"]);
    assert.equal(out.scaled, 4);
    assert.equal(out.deployment_replicas, 4);
    assert.deepEqual(out.after_delete, [404, "NotFound"]);
    assert.deepEqual(out.watch_errors, []);
    assert.deepEqual(
      out.events.map((e: [string, string]) => e[0]),
      ["ADDED", "MODIFIED", "MODIFIED", "DELETED"],
      JSON.stringify(out.events),
    );
    assert.deepEqual(out.events[2][2], { a: "1", b: "2", c: "3" });
  });
});
