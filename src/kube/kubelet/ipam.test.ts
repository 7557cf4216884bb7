import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { FakeNodeSource } from "./fake-node-source.js";
import { NodeIpam } from "./ipam.js";

function setup(type = "t3.medium", options: { cooldownMs?: number; subnetFree?: number } = {}) {
  const clock = new FakeClock();
  const source = new FakeNodeSource();
  const instance = source.addInstance({ type, subnetFree: options.subnetFree });
  const ipam = new NodeIpam(instance, source.network, clock, options.cooldownMs ?? 0, silentLogger);
  return { clock, source, instance, ipam };
}

const layout = (ipam: NodeIpam) => ipam.interfaces().map((e) => e.secondaryIps.length);

describe("VPC CNI address pool (WARM_ENI_TARGET=1)", () => {
  it("follows the t3.medium worked example: 5 warm IPs at boot, a new ENI whenever fewer than 5 are free, 15 pod IPs at most", async () => {
    const { ipam, source, instance } = setup("t3.medium");
    await ipam.start(new Map());
    assert.deepEqual(layout(ipam), [5], "boot: eth0 gets 5 secondary IPs");

    assert.ok(await ipam.assign("default/p1"));
    assert.deepEqual(layout(ipam), [5, 5], "pod #1: 4 free < 5, eth0 full → second ENI");
    for (let i = 2; i <= 5; i++) assert.ok(await ipam.assign(`default/p${i}`));
    assert.deepEqual(layout(ipam), [5, 5], "pods #2–#5: still 5 free");
    assert.ok(await ipam.assign("default/p6"));
    assert.deepEqual(layout(ipam), [5, 5, 5], "pod #6 → third ENI");
    for (let i = 7; i <= 15; i++) assert.ok(await ipam.assign(`default/p${i}`), `pod ${i}`);
    assert.deepEqual(ipam.stats(), { enis: 3, totalIps: 15, assigned: 15, available: 0 });

    assert.equal(await ipam.assign("default/p16"), undefined, "no 16th pod address on a t3.medium");
    assert.equal(source.interfaces(instance.instanceId).length, 3, "never more ENIs than the type allows");

    const ips = new Set(await Promise.all(Array.from({ length: 15 }, (_, i) => ipam.assign(`default/p${i + 1}`))));
    assert.equal(ips.size, 15, "every pod keeps its own address");
    const enis = source.interfaces(instance.instanceId);
    for (const ip of ips) assert.ok(enis.some((e) => e.secondaryIps.includes(ip ?? "")), `${ip} is a secondary IP of an ENI`);
  });

  it("m5.large: 3 ENIs × 9 secondary IPs = 27 pod addresses", async () => {
    const { ipam } = setup("m5.large");
    await ipam.start(new Map());
    for (let i = 1; i <= 27; i++) assert.ok(await ipam.assign(`ns/p${i}`), `pod ${i}`);
    assert.equal(await ipam.assign("ns/p28"), undefined);
    assert.deepEqual(layout(ipam), [9, 9, 9]);
  });

  it("gives an address back on release, after the cooldown", async () => {
    const { ipam, clock } = setup("t3.medium", { cooldownMs: 30_000 });
    await ipam.start(new Map());
    const all = [];
    for (let i = 1; i <= 15; i++) all.push(await ipam.assign(`ns/p${i}`));
    assert.ok(ipam.release("ns/p3"));
    assert.equal(ipam.release("ns/p3"), false, "released once");
    assert.equal(await ipam.assign("ns/new"), undefined, "cooling down for 30 s");
    clock.advance(30_000);
    assert.equal(await ipam.assign("ns/new"), all[2]);
  });

  it("rebuilds from the pods' addresses and EC2's ENIs after a restart", async () => {
    const { ipam, source, instance, clock } = setup("t3.medium");
    await ipam.start(new Map());
    const held = new Map<string, string>();
    for (let i = 1; i <= 7; i++) held.set(`ns/p${i}`, (await ipam.assign(`ns/p${i}`)) ?? "");

    const again = new NodeIpam(instance, source.network, clock, 0, silentLogger);
    await again.start(held);
    assert.deepEqual(again.stats(), ipam.stats());
    assert.equal(await again.assign("ns/p4"), held.get("ns/p4"));
    const fresh = await again.assign("ns/p8");
    assert.ok(fresh && ![...held.values()].includes(fresh), "a new pod never gets an address another pod holds");
  });

  it("stops growing when the subnet has no free addresses", async () => {
    const { ipam } = setup("t3.medium", { subnetFree: 7 });
    await ipam.start(new Map());
    const got = [];
    for (let i = 1; i <= 10; i++) got.push(await ipam.assign(`ns/p${i}`));
    // eth0's 5, then an ENI (its own primary address) with one secondary: 6 pods.
    assert.equal(got.filter(Boolean).length, 6);
  });
});
