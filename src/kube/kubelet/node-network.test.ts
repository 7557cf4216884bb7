import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { startHarness } from "./harness.case.js";
import { CNI_NOT_READY_MESSAGE } from "./node-object.js";

type Json = Record<string, unknown>;
const nodeRef = (name: string) => ({ version: "v1", plural: "nodes", name });
const ready = (node: StoredObject) => ((node.status as Json).conditions as Json[]).find((c) => c.type === "Ready");
const phase = (pod: StoredObject) => (pod.status as Json | undefined)?.phase;

describe("a node's pod network", { timeout: 20_000 }, () => {
  it("is NotReady until the CNI DaemonSet's pod is Ready on it; pod-network pods wait, hostNetwork ones do not", async () => {
    const h = await startHarness({ cniDaemonSet: "aws-node" });
    const instance = h.source.addInstance({ type: "t3.medium" });
    const name = instance.privateDnsName;
    await h.until(async () => (await h.admin.list({ version: "v1", plural: "nodes" })).items.length === 1, "registration");
    const registered = await h.admin.get(nodeRef(name));
    assert.deepEqual([ready(registered)?.status, ready(registered)?.reason, ready(registered)?.message], ["False", "KubeletNotReady", CNI_NOT_READY_MESSAGE]);

    await h.createPod({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { nodeName: name, containers: [{ name: "web", image: "nginx" }] } });
    await h.createPod({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "proxy" },
      spec: { nodeName: name, hostNetwork: true, containers: [{ name: "proxy", image: "kube-proxy" }] },
    });
    await h.until(async () => phase(await h.pod("proxy")) === "Running", "the hostNetwork pod runs");
    await h.advance(5_000);
    assert.equal(phase(await h.pod("web")), "Pending", "a pod-network pod waits for the network");
    const waiting = (await h.events()).filter((e) => e.reason === "NetworkNotReady" && (e.involvedObject as Json).name === "web");
    assert.equal(waiting[0]?.message, `network is not ready: ${CNI_NOT_READY_MESSAGE}`);

    // A pod that is not the CNI's (wrong owner) changes nothing.
    await h.createPod(
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "impostor", ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "other", uid: "u1", controller: true }] },
        spec: { nodeName: name, hostNetwork: true, containers: [{ name: "c", image: "busybox" }] },
      },
      "kube-system",
    );
    await h.until(async () => phase(await h.pod("impostor", "kube-system")) === "Running", "the other DaemonSet's pod runs");
    assert.equal(ready(await h.admin.get(nodeRef(name)))?.status, "False");

    await h.createPod(
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "aws-node-abcde", ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "aws-node", uid: "u2", controller: true }] },
        spec: { nodeName: name, hostNetwork: true, containers: [{ name: "aws-node", image: "amazon-k8s-cni" }] },
      },
      "kube-system",
    );
    await h.until(async () => ready(await h.admin.get(nodeRef(name)))?.status === "True", "the node turns Ready");
    assert.equal(ready(await h.admin.get(nodeRef(name)))?.reason, "KubeletReady");
    await h.until(async () => phase(await h.pod("web")) === "Running", "the waiting pod starts");
    await h.until(async () => (await h.events()).some((e) => e.reason === "NodeReady"), "a NodeReady event");
    h.stop();
  });
});
