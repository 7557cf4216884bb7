import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { CORE_V1 } from "../../api/core-v1.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { KubeObject, UserInfo } from "../../api/types.js";
import { InProcessClient } from "../../client/in-process-client.js";
import { PRIORITY_CLASS } from "../../scheduler/testing-descriptors.case.js";
import { ApiHandler } from "../api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../auth/authorizer.js";
import { priorityAdmission } from "./priority.js";
import { refusal } from "../refusal.case.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function setup(extra: ResourceDescriptor[] = []) {
  const plugin = { current: undefined as ReturnType<typeof priorityAdmission> | undefined };
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/t/registry",
    descriptors: withCoreLifecycle([...CORE_V1, ...extra]),
    clock: new FakeClock(),
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:443",
    admission: (h) => {
      plugin.current = priorityAdmission(h);
      return [plugin.current.plugin()];
    },
  });
  const client = new InProcessClient(handler, ADMIN);
  await client.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  const pod = (name: string, spec: Record<string, unknown> = {}) =>
    client.create({ version: "v1", plural: "pods", namespace: "default" }, { metadata: { name }, spec: { containers: [{ name: "c", image: "nginx" }], ...spec } });
  const pc = (name: string, body: Record<string, unknown>) => client.create({ group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" }, { metadata: { name }, ...body });
  return { client, pod, pc, close: () => plugin.current?.close() };
}

const specOf = (o: KubeObject) => o.spec as { priority?: number; priorityClassName?: string; preemptionPolicy?: string };


describe("Priority admission", () => {
  it("resolves the system classes and defaults to 0 without a class", async () => {
    const { pod } = await setup();
    assert.equal(specOf(await pod("node-critical", { priorityClassName: "system-node-critical" })).priority, 2000001000);
    assert.equal(specOf(await pod("cluster-critical", { priorityClassName: "system-cluster-critical" })).priority, 2000000000);
    const plain = specOf(await pod("plain"));
    assert.equal(plain.priority, 0);
    assert.equal(plain.preemptionPolicy, "PreemptLowerPriority");
  });

  it("refuses unknown classes and hand-set priorities with upstream's messages", async () => {
    const { pod, client } = await setup();
    const unknown = await refusal(pod("x", { priorityClassName: "gold" }));
    assert.equal(unknown.code, 403);
    assert.equal(unknown.message, 'pods "x" is forbidden: no PriorityClass with name gold was found');
    const manual = await refusal(pod("y", { priority: 5 }));
    assert.equal(manual.message, 'pods "y" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name');
    const list = await client.list({ version: "v1", plural: "pods", namespace: "default" });
    assert.equal(list.items.length, 0, "nothing was stored");
  });

  it("uses PriorityClass objects: values, preemptionPolicy and the globalDefault", async () => {
    const { pod, pc, close } = await setup([PRIORITY_CLASS]);
    await pc("batch", { value: 100, preemptionPolicy: "Never" });
    const batch = specOf(await pod("b", { priorityClassName: "batch" }));
    assert.deepEqual([batch.priority, batch.preemptionPolicy], [100, "Never"]);
    assert.equal(specOf(await pod("before-default")).priority, 0);
    await pc("standard", { value: 1000, globalDefault: true });
    await settle();
    const defaulted = specOf(await pod("after-default"));
    assert.deepEqual([defaulted.priority, defaulted.priorityClassName], [1000, "standard"]);
    const second = await refusal(pc("another", { value: 5, globalDefault: true }));
    assert.equal(second.code, 403);
    assert.equal(second.message, 'priorityclasses.scheduling.k8s.io "another" is forbidden: PriorityClass standard is already marked as default. Only one default can exist');
    close();
  });

  it("keeps the priority on updates that leave it out", async () => {
    const { pod, client } = await setup();
    await pod("p", { priorityClassName: "system-node-critical" });
    const ref = { version: "v1", plural: "pods", namespace: "default", name: "p" };
    const current = await client.get(ref);
    const spec = { ...(current.spec as Record<string, unknown>) };
    delete spec.priority;
    const updated = await client.update(ref, { ...current, spec });
    assert.equal(specOf(updated).priority, 2000001000);
  });
});
