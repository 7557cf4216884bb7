import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { boundPod, startHarness } from "./harness.case.js";

const BOUNDED = { timeout: 30_000 };
type Json = Record<string, unknown>;

async function withNode() {
  const h = await startHarness();
  const instance = h.source.addInstance();
  await h.settle();
  return { h, node: instance.privateDnsName };
}

describe("kubectl logs (pods/log)", BOUNDED, () => {
  it("says what a long-running container did: started, then a line per minute; tailLines, timestamps, sinceSeconds, limitBytes", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("web", node));
    await h.settle();
    let reply = await h.logs("web");
    assert.equal(reply.status, 200);
    assert.equal(reply.contentType, "text/plain");
    assert.equal(reply.text, "minieks: container nginx started (image nginx:1.27)\n");

    await h.advance(180_000, 60_000);
    reply = await h.logs("web");
    assert.equal(
      reply.text,
      [
        "minieks: container nginx started (image nginx:1.27)",
        "minieks: container nginx running for 1m0s",
        "minieks: container nginx running for 2m0s",
        "minieks: container nginx running for 3m0s",
        "",
      ].join("\n"),
    );
    assert.equal((await h.logs("web", { tailLines: "1" })).text, "minieks: container nginx running for 3m0s\n");
    assert.equal((await h.logs("web", { tailLines: "0" })).text, "");
    assert.equal(
      (await h.logs("web", { tailLines: "2", timestamps: "true" })).text,
      "2026-01-01T00:02:00.000000000Z minieks: container nginx running for 2m0s\n2026-01-01T00:03:00.000000000Z minieks: container nginx running for 3m0s\n",
    );
    assert.equal((await h.logs("web", { sinceSeconds: "90" })).text, "minieks: container nginx running for 2m0s\nminieks: container nginx running for 3m0s\n");
    assert.equal((await h.logs("web", { sinceTime: "2026-01-01T00:03:00Z" })).text, "minieks: container nginx running for 3m0s\n");
    assert.equal((await h.logs("web", { limitBytes: "17" })).text, "minieks: containe");
    assert.equal((await h.logs("web", { container: "nginx" })).text, reply.text);
    h.stop();
  });

  it("a Job pod's log ends with its exit code; a crashing container's previous run is there with --previous", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("job", node, { annotations: { "minieks.io/run-for": "90s" }, spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox:1.36" }] } }));
    await h.createPod(boundPod("crash", node, { annotations: { "minieks.io/crash": "true", "minieks.io/exit-code": "3" } }));
    await h.settle();
    await h.advance(90_000, 30_000);
    assert.equal(
      (await h.logs("job")).text,
      "minieks: container work started (image busybox:1.36)\nminieks: container work running for 1m0s\nminieks: container work exited with code 0\n",
    );
    // Runs at 0 s, 0 s (at once), 10 s, 30 s and 70 s; at 90 s it backs off, and its log is the 70 s run's.
    const crash = (await h.logs("crash", { timestamps: "true" })).text;
    assert.equal(
      crash,
      "2026-01-01T00:01:10.000000000Z minieks: container nginx started (image nginx:1.27, restart 4)\n2026-01-01T00:01:10.000000000Z minieks: container nginx exited with code 3\n",
    );
    assert.equal((await h.logs("crash", { previous: "true" })).text, "minieks: container nginx started (image nginx:1.27, restart 4)\nminieks: container nginx exited with code 3\n");
    await assert.rejects(h.logs("job", { previous: "true" }).then((r) => (r.status === 400 ? Promise.reject(new Error(r.text)) : r)), /previous terminated container \\"work\\" in pod \\"job\\" not found/);
    h.stop();
  });

  it("-f streams new lines until the container exits, and stops when the client goes", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("job", node, { annotations: { "minieks.io/run-for": "150s" }, spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox:1.36" }] } }));
    await h.createPod(boundPod("web", node));
    await h.settle();
    const follow = await h.logs("job", { follow: "true" });
    assert.equal(follow.status, 200);
    assert.equal(follow.text, "minieks: container work started (image busybox:1.36)\n");
    await h.advance(60_000, 30_000);
    assert.equal(follow.text, "minieks: container work started (image busybox:1.36)\nminieks: container work running for 1m0s\n");
    assert.equal(follow.ended(), false);
    await h.advance(90_000, 30_000);
    const streamed: string = follow.text;
    assert.ok(streamed.endsWith("minieks: container work running for 2m0s\nminieks: container work exited with code 0\n"), streamed);
    assert.equal(follow.ended(), true, "the stream ends with the container");

    const web = await h.logs("web", { follow: "true", tailLines: "0" });
    assert.equal(web.text, "");
    web.close();
    await h.advance(120_000, 60_000);
    assert.equal(web.text, "", "nothing is written after the client left");
    h.stop();
  });

  it("answers the errors the API server and kubelet give", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("two", node, { spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }], initContainers: [{ name: "init", image: "busybox" }] } }));
    // The 16th pod on a t3.medium waits for an address in ContainerCreating.
    for (let i = 1; i <= 16; i++) await h.createPod(boundPod(`p${i}`, node));
    await h.createPod({ metadata: { name: "unscheduled" }, spec: { containers: [{ name: "c", image: "nginx" }] } });
    await h.settle();
    const status = async (name: string, query: Record<string, string> = {}) => {
      const r = await h.logs(name, query);
      return r.status === 200 ? { code: 200, message: r.text } : { code: r.status, ...(JSON.parse(r.text) as Json) };
    };
    assert.deepEqual(await status("two"), {
      code: 400,
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "a container name must be specified for pod two, choose one of: [init a b]",
      reason: "BadRequest",
    });
    assert.equal((await status("two", { container: "c" })).message, "container c is not valid for pod two");
    const waiting = [];
    for (let i = 1; i <= 16; i++) waiting.push(await status(`p${i}`));
    assert.ok(waiting.some((w) => w.code === 400 && /^container "nginx" in pod "p\d+" is waiting to start: ContainerCreating$/.test(String(w.message))), JSON.stringify(waiting));
    assert.deepEqual(await status("unscheduled"), { code: 200, message: "" });
    const invalid = await status("two", { container: "a", tailLines: "-1", limitBytes: "0" });
    assert.equal(invalid.code, 422);
    assert.equal(invalid.message, 'PodLogOptions "two" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]');
    const both = await status("two", { container: "a", sinceSeconds: "5", sinceTime: "2026-01-01T00:00:00Z" });
    assert.equal(both.message, 'PodLogOptions "two" is invalid: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
    assert.equal((await status("two", { container: "a", tailLines: "x" })).code, 400);
    assert.equal((await status("missing")).code, 404);
    h.stop();
  });

  it("a stopped node's kubelet does not answer; a pod on a node without a kubelet neither", async () => {
    const { h, node } = await withNode();
    await h.createPod(boundPod("web", node));
    await h.createPod(boundPod("ghost", "ip-10-9-9-9.ec2.internal"));
    await h.settle();
    const id = (await h.admin.get({ version: "v1", plural: "nodes", name: node })).spec as Json;
    h.source.setState(String(id.providerID).split("/").pop() ?? "", "stopping");
    await h.settle();
    const down = await h.logs("web");
    assert.equal(down.status, 500);
    assert.equal(
      (JSON.parse(down.text) as Json).message,
      'Get "https://192.168.1.10:10250/containerLogs/default/web/nginx": dial tcp 192.168.1.10:10250: connect: connection refused',
    );
    const ghost = await h.logs("ghost");
    assert.equal(ghost.status, 500);
    assert.match(String((JSON.parse(ghost.text) as Json).message), /^Get "https:\/\/ip-10-9-9-9\.ec2\.internal:10250\/containerLogs\/default\/ghost\/nginx": dial tcp: lookup ip-10-9-9-9\.ec2\.internal: no such host$/);
    h.stop();
  });
});
