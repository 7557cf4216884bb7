import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { INSTANCE_TYPES } from "./fake-node-source.js";
import { cpuMillis, kubeReservedCpuMillis, kubeReservedMemoryMiB, memoryBytes, nodeResources } from "./node-resources.js";

const type = (name: string) => {
  const t = INSTANCE_TYPES[name];
  assert.ok(t, name);
  return t;
};
const ki = (q: string | undefined) => Number(String(q).replace(/Ki$/, ""));

describe("EKS kube-reserved (nodeadm)", () => {
  it("reserves 6% of the first core, 1% of the second, 0.5% of cores 3–4 and 0.25% above", () => {
    assert.equal(kubeReservedCpuMillis(1), 60);
    assert.equal(kubeReservedCpuMillis(2), 70);
    assert.equal(kubeReservedCpuMillis(4), 80);
    assert.equal(kubeReservedCpuMillis(8), 90);
    assert.equal(kubeReservedCpuMillis(48), 190);
  });

  it("reserves 255 MiB plus 11 MiB per pod (t3.medium: 442 MiB)", () => {
    assert.equal(kubeReservedMemoryMiB(17), 442);
    assert.equal(kubeReservedMemoryMiB(29), 574);
  });

  it("t3.medium: 17 pods, 2 CPUs with 1930m allocatable, memory less kube-reserved and the 100Mi eviction threshold", () => {
    const { capacity, allocatable } = nodeResources(type("t3.medium"));
    assert.equal(capacity.pods, "17");
    assert.equal(allocatable.pods, "17");
    assert.equal(capacity.cpu, "2");
    assert.equal(allocatable.cpu, "1930m");
    assert.equal(ki(capacity.memory) - ki(allocatable.memory), (442 + 100) * 1024);
    assert.ok(ki(capacity.memory) < 4096 * 1024 && ki(capacity.memory) > 3800 * 1024, capacity.memory);
    assert.equal(capacity["ephemeral-storage"], "20959212Ki");
    assert.equal(capacity["hugepages-1Gi"], "0");
    assert.equal(capacity["hugepages-2Mi"], "0");
    // 1Gi kube-reserved ephemeral storage and nodefs.available<10%.
    const disk = 20959212 * 1024;
    assert.equal(Number(allocatable["ephemeral-storage"]), Math.floor(disk - 1024 ** 3 - disk / 10));
  });

  it("m5.large: 29 pods", () => {
    const { capacity, allocatable } = nodeResources(type("m5.large"));
    assert.equal(capacity.pods, "29");
    assert.equal(allocatable.pods, "29");
    assert.equal(ki(capacity.memory) - ki(allocatable.memory), (574 + 100) * 1024);
  });
});

describe("resource quantities", () => {
  it("parses CPU into millicores", () => {
    assert.equal(cpuMillis("250m"), 250);
    assert.equal(cpuMillis("1"), 1000);
    assert.equal(cpuMillis("0.5"), 500);
    assert.equal(cpuMillis("1500000n"), 2);
    assert.equal(cpuMillis(undefined), 0);
    assert.equal(cpuMillis("lots"), 0);
  });

  it("parses memory into bytes", () => {
    assert.equal(memoryBytes("64Mi"), 64 * 1024 * 1024);
    assert.equal(memoryBytes("1G"), 1e9);
    assert.equal(memoryBytes("128974848"), 128974848);
    assert.equal(memoryBytes("129e6"), 129e6);
    assert.equal(memoryBytes("1Ki"), 1024);
    assert.equal(memoryBytes("x"), 0);
  });
});
