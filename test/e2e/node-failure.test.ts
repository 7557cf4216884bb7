import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestCluster, createTestNodegroup, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * A node whose instance is terminated behind EKS's back (`aws ec2 terminate-instances`): its Node
 * goes (the cloud controller deletes Nodes of terminated instances), its pods go with it and the
 * Deployment's ReplicaSet starts them again on the other nodes, and the node group's Auto Scaling
 * group launches a replacement instance that joins as a new Ready node. EKS's durations at 1/1000.
 */
const region = "eu-west-1";

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string };
}

describe("a terminated node", () => {
  let t: TestEnv;
  const aws = (...args: string[]) => run("aws", args, t.env);
  const kubectl = (...args: string[]) => run(kubectlBinary("1.33"), args, t.env);
  const json = async <T>(result: Promise<{ code: number; stdout: string; stderr: string }>): Promise<T> => {
    const r = await result;
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const nodes = async () => (await json<{ items: { metadata: { name: string }; spec: { providerID: string } }[] }>(kubectl("get", "nodes", "-o", "json"))).items;
  const pods = async () => (await json<{ items: Pod[] }>(kubectl("get", "pods", "-l", "app=web", "-o", "json"))).items;
  async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  before(async () => {
    t = await startTestMinieks(region, { timeScale: 0.001 });
    const subnets = await createTestCluster(t, "failing", 2);
    await createTestNodegroup(t, "failing", "ng", subnets, 2);
  });
  after(async () => t.close());

  it("loses its pods to the other nodes and is replaced by a new instance", async () => {
    const created = await kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4");
    assert.equal(created.code, 0, created.stderr);
    const rolled = await kubectl("rollout", "status", "deploy/web", "--timeout=60s");
    assert.equal(rolled.code, 0, rolled.stderr);

    const before = await nodes();
    assert.equal(before.length, 2);
    const victim = before[0];
    assert.ok(victim);
    const instanceId = victim.spec.providerID.split("/").pop() ?? "";
    assert.match(instanceId, /^i-[0-9a-f]{17}$/);
    const onVictim = (await pods()).filter((p) => p.spec.nodeName === victim.metadata.name).map((p) => p.metadata.name);

    const terminated = await json<{ TerminatingInstances: { CurrentState: { Name: string } }[] }>(
      aws("ec2", "terminate-instances", "--instance-ids", instanceId, "--output", "json"),
    );
    assert.equal(terminated.TerminatingInstances[0]?.CurrentState.Name, "shutting-down");

    // The Node goes; a new node from the replacement instance joins.
    const after = await eventually("the node to be replaced", async () => {
      const now = await nodes();
      return now.length === 2 && !now.some((n) => n.metadata.name === victim.metadata.name) ? now : undefined;
    });
    const replacement = after.find((n) => !before.some((b) => b.metadata.name === n.metadata.name));
    assert.ok(replacement, "a new node joined");
    assert.notEqual(replacement.spec.providerID, victim.spec.providerID);
    const ready = await kubectl("wait", "--for=condition=Ready", `node/${replacement.metadata.name}`, "--timeout=30s");
    assert.equal(ready.code, 0, ready.stderr);

    // The pods that ran there are gone, and four Running pods run elsewhere again.
    const running = await eventually("4 Running pods off the terminated node", async () => {
      const now = await pods();
      const live = now.filter((p) => p.status.phase === "Running");
      return now.length === 4 && live.length === 4 && !now.some((p) => p.spec.nodeName === victim.metadata.name) ? live : undefined;
    });
    for (const name of onVictim) assert.ok(!running.some((p) => p.metadata.name === name), `${name} was replaced`);

    const instances = await json<{ Reservations: { Instances: { InstanceId: string; State: { Name: string } }[] }[] }>(
      aws("ec2", "describe-instances", "--filters", "Name=tag:eks:nodegroup-name,Values=ng", "--output", "json"),
    );
    const states = instances.Reservations.flatMap((r) => r.Instances).map((i) => [i.InstanceId === instanceId ? "victim" : "other", i.State.Name].join(":"));
    assert.deepEqual(states.sort(), ["other:running", "other:running", "victim:terminated"]);
  });
});
