import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import type { RequestContext } from "../../protocol/operation.js";
import { parseInput } from "../../protocol/validation.js";
import type { Operation } from "../../protocol/operation.js";
import type { Scope } from "../../records.js";
import { Ec2State } from "./ec2-state.js";
import { Ec2Instances, type LaunchSpec } from "./instances.js";
import { Ec2Network } from "./network-interfaces.js";

/** Shared set-up for the EC2 (and EKS node-group) unit tests: memory storage, a fake clock, the default VPC. */
export async function ec2Fixture(timeScale = 1, region = "ap-northeast-2") {
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const state = new Ec2State(storage);
  const instances = new Ec2Instances(state, clock, timeScale, silentLogger);
  const network = new Ec2Network(state, clock);
  const scope: Scope = { accountId: "000000000000", region };
  await state.ensureDefaultVpc(scope);
  const subnets = (await state.subnets.list(scope)).sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone));
  const ctx: RequestContext = {
    ...scope,
    principal: { accountId: scope.accountId, arn: `arn:aws:iam::${scope.accountId}:root`, userId: scope.accountId },
    requestId: "req-1",
    now: clock.now(),
  };
  const launchSpec = (overrides: Partial<LaunchSpec> = {}): LaunchSpec => ({
    subnetId: subnets[0]?.subnetId ?? "",
    instanceType: "t3.medium",
    imageId: "ami-0123456789abcdef0",
    tags: {},
    securityGroups: [{ groupId: "sg-1", groupName: "sg" }],
    ...overrides,
  });
  return { storage, clock, state, instances, network, scope, subnets, ctx, launchSpec };
}

/** Lets background work (microtasks, storage promises) run until `done` holds or gives up. */
export async function settle(done: () => boolean | Promise<boolean> = () => false, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Calls an operation as the gateway would: schema first, then the handler. */
export async function call(ops: Operation<never, unknown>[], name: string, raw: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
  const op = ops.find((o) => o.name === name);
  if (!op?.handler) throw new Error(`no operation ${name}`);
  const input = parseInput(op.input, raw, "InvalidParameterException");
  return op.handler(input as never, ctx);
}
