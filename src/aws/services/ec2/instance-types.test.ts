import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findInstanceType, INSTANCE_TYPES, maxPodsFor } from "./instance-types.js";

describe("instance type facts", () => {
  it("gives the VPC CNI max pods of the common types (ENIs × (IPv4 per ENI − 1) + 2)", () => {
    const expected: Record<string, number> = {
      "t3.nano": 4,
      "t3.small": 11,
      "t3a.small": 8,
      "t3.medium": 17,
      "t4g.medium": 17,
      "t3.large": 35,
      "t3.2xlarge": 58,
      "m5.large": 29,
      "m5.xlarge": 58,
      "m5.4xlarge": 234,
      "m5.12xlarge": 234,
      "m5.24xlarge": 737,
      "m6g.medium": 8,
      "m7g.16xlarge": 737,
      "c5.9xlarge": 234,
      "c5.18xlarge": 737,
      "r6i.32xlarge": 737,
    };
    for (const [name, pods] of Object.entries(expected)) assert.equal(findInstanceType(name)?.maxPods, pods, name);
  });

  it("knows vCPUs, memory and architecture", () => {
    assert.deepEqual(findInstanceType("t3.medium"), {
      name: "t3.medium", vCpus: 2, memoryMiB: 4096, architecture: "amd64", maxEnis: 3, ipv4PerEni: 6, maxPods: 17,
    });
    assert.deepEqual(findInstanceType("m5.large"), {
      name: "m5.large", vCpus: 2, memoryMiB: 8192, architecture: "amd64", maxEnis: 3, ipv4PerEni: 10, maxPods: 29,
    });
    assert.equal(findInstanceType("c6g.xlarge")?.memoryMiB, 8192);
    assert.equal(findInstanceType("r5.2xlarge")?.memoryMiB, 65536);
    assert.equal(findInstanceType("c7g.large")?.architecture, "arm64");
    assert.equal(findInstanceType("x9.huge"), undefined);
  });

  it("every entry follows the formula and has sane limits", () => {
    assert.ok(INSTANCE_TYPES.size > 150);
    for (const t of INSTANCE_TYPES.values()) {
      assert.equal(t.maxPods, maxPodsFor(t.maxEnis, t.ipv4PerEni), t.name);
      assert.ok(t.maxEnis >= 2 && t.ipv4PerEni >= 2 && t.vCpus >= 1 && t.memoryMiB >= 512, t.name);
    }
  });
});
