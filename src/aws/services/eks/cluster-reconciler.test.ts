import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { Ec2State } from "../ec2/ec2-state.js";
import { ClusterReconciler, EKS_DURATIONS } from "./cluster-reconciler.js";
import type { ClusterRecord } from "./cluster-record.js";
import type { ControlPlaneHost } from "./control-plane-host.js";

const scope = { accountId: "000000000000", region: "us-east-1" };

function record(clock: FakeClock): ClusterRecord {
  return {
    id: "id-1",
    name: "c1",
    arn: "arn:aws:eks:us-east-1:000000000000:cluster/c1",
    accountId: scope.accountId,
    region: scope.region,
    createdAt: clock.now().toISOString(),
    version: "1.34",
    platformVersion: "eks.8",
    roleArn: "arn:aws:iam::000000000000:role/r",
    status: "CREATING",
    resourcesVpcConfig: { subnetIds: [], securityGroupIds: [], clusterSecurityGroupId: "sg-1", vpcId: "vpc-1", endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
    kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
    accessConfig: { bootstrapClusterCreatorAdminPermissions: true, authenticationMode: "CONFIG_MAP" },
    bootstrapSelfManagedAddons: true,
    deletionProtection: false,
    tags: {},
    creator: { accountId: scope.accountId, arn: "arn:aws:iam::000000000000:root", userId: scope.accountId },
  };
}

function fakeHost() {
  const calls: string[] = [];
  const host: ControlPlaneHost = {
    start: async (r) => {
      calls.push(`start ${r.id}`);
      return { port: 40001, caCertificatePem: "PEM" };
    },
    stop: async (id) => void calls.push(`stop ${id}`),
    destroy: async (id) => void calls.push(`destroy ${id}`),
  };
  return { host, calls };
}

/** Lets the reconciler run until it waits on the fake clock. */
async function untilTimer(clock: FakeClock): Promise<void> {
  for (let i = 0; i < 1000 && clock.pendingTimers === 0; i++) await new Promise((r) => setImmediate(r));
  assert.ok(clock.pendingTimers > 0, "the reconciler should be waiting on the clock");
}

describe("ClusterReconciler", () => {
  it("stops while a cluster waits out its creation time; the stored state stays CREATING for the next start", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const { host } = fakeHost();
    const reconciler = new ClusterReconciler(storage, new Ec2State(storage), host, clock, 1, silentLogger);
    await reconciler.clusters.create(scope, "c1", record(clock));
    const work = reconciler.reconcile(scope, "c1");
    await untilTimer(clock);
    await reconciler.stopAll();
    await work;
    assert.equal(clock.pendingTimers, 0);
    assert.equal((await reconciler.clusters.get(scope, "c1"))?.status, "CREATING");
  });

  it("with time scale 0, marks the cluster ACTIVE as soon as the API server serves", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const { host, calls } = fakeHost();
    const reconciler = new ClusterReconciler(storage, new Ec2State(storage), host, clock, 0, silentLogger);
    await reconciler.clusters.create(scope, "c1", record(clock));
    await reconciler.reconcile(scope, "c1");
    const active = await reconciler.clusters.get(scope, "c1");
    assert.equal(active?.status, "ACTIVE");
    assert.equal(active?.endpointPort, 40001);
    assert.deepEqual(calls, ["start id-1"]);
  });

  it("with time scale 1, stays CREATING for EKS's provisioning time, then turns ACTIVE", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const { host } = fakeHost();
    const reconciler = new ClusterReconciler(storage, new Ec2State(storage), host, clock, 1, silentLogger);
    await reconciler.clusters.create(scope, "c1", record(clock));
    const done = reconciler.reconcile(scope, "c1");
    await untilTimer(clock);
    clock.advance(EKS_DURATIONS.createMs - 1000);
    assert.equal((await reconciler.clusters.get(scope, "c1"))?.status, "CREATING");
    clock.advance(1000);
    await done;
    assert.equal((await reconciler.clusters.get(scope, "c1"))?.status, "ACTIVE");
  });

  it("deletes: destroys the control plane, waits EKS's deletion time, then removes the record", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const { host, calls } = fakeHost();
    const reconciler = new ClusterReconciler(storage, new Ec2State(storage), host, clock, 1, silentLogger);
    await reconciler.clusters.create(scope, "c1", { ...record(clock), status: "DELETING" });
    const done = reconciler.reconcile(scope, "c1");
    await untilTimer(clock);
    assert.deepEqual(calls, ["destroy id-1"]);
    assert.equal((await reconciler.clusters.get(scope, "c1"))?.status, "DELETING");
    clock.advance(EKS_DURATIONS.deleteMs);
    await done;
    assert.equal(await reconciler.clusters.get(scope, "c1"), undefined);
  });

  it("resumes every stored cluster after a restart", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const { host, calls } = fakeHost();
    const reconciler = new ClusterReconciler(storage, new Ec2State(storage), host, clock, 0, silentLogger);
    await reconciler.clusters.create(scope, "c1", { ...record(clock), status: "ACTIVE", endpointPort: 40001 });
    await reconciler.clusters.create({ ...scope, region: "eu-west-1" }, "c2", { ...record(clock), id: "id-2", name: "c2", region: "eu-west-1", status: "CREATING" });
    await reconciler.resumeAll();
    assert.deepEqual(calls.sort(), ["start id-1", "start id-2"]);
    assert.equal((await reconciler.clusters.get({ ...scope, region: "eu-west-1" }, "c2"))?.status, "ACTIVE");
  });
});
