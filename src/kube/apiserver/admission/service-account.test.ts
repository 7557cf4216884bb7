import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { StatusError } from "../status.js";
import { authCluster, core, type AuthCluster } from "../auth/auth-harness.case.js";
import { TOKEN_MOUNT_PATH, tokenVolumeSource } from "./service-account.js";

const BOUNDED = { timeout: 20_000 };
type J = Record<string, unknown>;
const spec = (pod: StoredObject) => pod.spec as { serviceAccountName?: string; volumes?: J[]; containers: J[]; initContainers?: J[]; imagePullSecrets?: J[] };

describe("ServiceAccount admission", BOUNDED, () => {
  let c: AuthCluster;
  const pod = (name: string, extra: J = {}) => c.admin.create(core("pods", "x"), { metadata: { name }, spec: { containers: [{ name: "c", image: "nginx" }], ...extra } });
  before(async () => {
    c = await authCluster();
    await c.admin.create(core("namespaces"), { metadata: { name: "x" } });
  });
  after(() => c.close());

  it("refuses a pod whose service account does not exist, with upstream's message", async () => {
    await assert.rejects(pod("p0"), (error: unknown) => {
      assert.ok(error instanceof StatusError);
      assert.equal(error.code, 403);
      assert.equal(error.message, 'pods "p0" is forbidden: error looking up service account x/default: serviceaccount "default" not found');
      return true;
    });
    await assert.rejects(pod("p1", { serviceAccountName: "robot" }), /error looking up service account x\/robot: serviceaccount "robot" not found/);
    await assert.rejects(c.admin.get(core("pods", "x", "p0")), /not found/);
  });

  it("defaults the service account and mounts the projected token volume in every container", async () => {
    await c.admin.create(core("serviceaccounts", "x"), { metadata: { name: "default" }, imagePullSecrets: [{ name: "registry" }] });
    const created = await pod("p2", { initContainers: [{ name: "init", image: "busybox" }] });
    const s = spec(created);
    assert.equal(s.serviceAccountName, "default");
    const volume = (s.volumes ?? [])[0] as { name: string; projected: unknown };
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, tokenVolumeSource());
    assert.deepEqual((volume.projected as { sources: J[] }).sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: "token" } });
    for (const c of [...s.containers, ...(s.initContainers ?? [])]) {
      assert.deepEqual(c.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
    }
    assert.deepEqual(s.imagePullSecrets, [{ name: "registry" }]);
  });

  it("mounts nothing when the pod or its service account opts out, and keeps an existing mount", async () => {
    assert.equal(spec(await pod("p3", { automountServiceAccountToken: false })).volumes, undefined);
    await c.admin.create(core("serviceaccounts", "x"), { metadata: { name: "quiet" }, automountServiceAccountToken: false });
    assert.equal(spec(await pod("p4", { serviceAccountName: "quiet" })).volumes, undefined);
    // The pod's own choice wins over the service account's.
    assert.equal(spec(await pod("p5", { serviceAccountName: "quiet", automountServiceAccountToken: true })).volumes?.length, 1);
    const own = spec(
      await pod("p6", {
        containers: [{ name: "c", image: "nginx", volumeMounts: [{ name: "mine", mountPath: TOKEN_MOUNT_PATH }] }],
        volumes: [{ name: "mine", emptyDir: {} }],
      }),
    );
    assert.deepEqual(own.volumes, [{ name: "mine", emptyDir: {} }]);
  });

  it("keeps mirror pods away from service accounts", async () => {
    await assert.rejects(
      c.admin.create(core("pods", "x"), { metadata: { name: "m", annotations: { "kubernetes.io/config.mirror": "x" } }, spec: { serviceAccountName: "default", containers: [{ name: "c", image: "i" }] } }),
      /pods "m" is forbidden: a mirror pod may not reference service accounts/,
    );
  });
});
