import { z } from "zod";
import { AwsError, operation, type Operation } from "../../protocol/operation.js";
import type { Ec2State } from "./ec2-state.js";
import { ec2Page, filterList, matchesFilters, tagSet } from "./filters.js";
import { INSTANCE_STATE_CODES, type InstanceRecord, type NetworkInterfaceRecord } from "./instance-record.js";
import { instanceNotFound, type Ec2Instances } from "./instances.js";
import { ec2Architecture, findInstanceType } from "./instance-types.js";
import { networkInterfaceWire } from "./network-interface-operations.js";

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

function requireWellFormed(ids: string[]): void {
  const bad = ids.find((id) => !INSTANCE_ID.test(id));
  if (bad !== undefined) throw new AwsError("InvalidInstanceID.Malformed", `Invalid id: "${bad}"`);
}

const stateWire = (name: InstanceRecord["state"]) => ({ code: INSTANCE_STATE_CODES[name], name });

/** One instance as EC2's DescribeInstances writes it (terminated instances keep no network). */
export function instanceWire(instance: InstanceRecord, enis: NetworkInterfaceRecord[], region: string) {
  const type = findInstanceType(instance.instanceType);
  const gone = instance.state === "terminated";
  const arm = type?.architecture === "arm64";
  return {
    instanceId: instance.instanceId,
    imageId: instance.imageId,
    instanceState: stateWire(instance.state),
    privateDnsName: gone ? "" : instance.privateDnsName,
    dnsName: "",
    reason: instance.stateTransitionReason,
    amiLaunchIndex: 0,
    productCodes: [],
    instanceType: instance.instanceType,
    launchTime: instance.launchTime,
    placement: { availabilityZoneId: instance.availabilityZoneId, availabilityZone: instance.availabilityZone, groupName: "", tenancy: "default" },
    monitoring: { state: "disabled" },
    ...(gone ? {} : { subnetId: instance.subnetId, vpcId: instance.vpcId, privateIpAddress: instance.privateIpAddress }),
    ...(instance.iamInstanceProfileArn ? { iamInstanceProfile: { arn: instance.iamInstanceProfileArn, id: `AIPA${instance.instanceId.slice(2, 19).toUpperCase()}` } } : {}),
    ...(instance.capacityType === "SPOT" ? { instanceLifecycle: "spot" } : {}),
    ...(gone || instance.state === "shutting-down"
      ? { stateReason: { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" } }
      : {}),
    architecture: type ? ec2Architecture(type) : "x86_64",
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    blockDeviceMapping: gone
      ? []
      : [{ deviceName: "/dev/xvda", ebs: { volumeId: instance.rootVolumeId, status: "attached", attachTime: instance.launchTime, deleteOnTermination: true } }],
    virtualizationType: "hvm",
    clientToken: instance.clientToken,
    tagSet: tagSet(instance.tags),
    groupSet: gone ? [] : instance.securityGroups,
    sourceDestCheck: true,
    hypervisor: "xen",
    networkInterfaceSet: gone ? [] : enis.map((eni) => ({ ...networkInterfaceWire(eni, region), attachment: eni.attachment ? attachmentWire(eni) : undefined })),
    ebsOptimized: true,
    enaSupport: true,
    cpuOptions: { coreCount: arm ? (type?.vCpus ?? 1) : Math.max(1, (type?.vCpus ?? 2) / 2), threadsPerCore: arm ? 1 : 2 },
    capacityReservationSpecification: { capacityReservationPreference: "open" },
    hibernationOptions: { configured: false },
    metadataOptions: { state: "applied", httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled", httpProtocolIpv6: "disabled", instanceMetadataTags: "disabled" },
    enclaveOptions: { enabled: false },
    bootMode: arm ? "uefi" : "uefi-preferred",
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances",
    usageOperationUpdateTime: instance.launchTime,
    privateDnsNameOptions: { hostnameType: "ip-name", enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
    maintenanceOptions: { autoRecovery: "default" },
    currentInstanceBootMode: arm ? "uefi" : "legacy-bios",
  };
}

/** The instance-side view of an attachment (InstanceNetworkInterfaceAttachment has no instance id). */
const attachmentWire = (eni: NetworkInterfaceRecord) => ({
  attachmentId: eni.attachment?.attachmentId,
  deviceIndex: eni.attachment?.deviceIndex,
  networkCardIndex: 0,
  status: "attached",
  attachTime: eni.attachment?.attachTime,
  deleteOnTermination: eni.attachment?.deleteOnTermination,
});

const instanceFilters: Record<string, (r: InstanceRecord) => string[]> = {
  "instance-id": (r) => [r.instanceId],
  "instance-state-name": (r) => [r.state],
  "instance-state-code": (r) => [String(INSTANCE_STATE_CODES[r.state])],
  "instance-type": (r) => [r.instanceType],
  "instance-lifecycle": (r) => (r.capacityType === "SPOT" ? ["spot"] : []),
  "image-id": (r) => [r.imageId],
  "subnet-id": (r) => (r.state === "terminated" ? [] : [r.subnetId]),
  "vpc-id": (r) => (r.state === "terminated" ? [] : [r.vpcId]),
  "availability-zone": (r) => [r.availabilityZone],
  "private-ip-address": (r) => (r.state === "terminated" ? [] : [r.privateIpAddress]),
  "private-dns-name": (r) => (r.state === "terminated" ? [] : [r.privateDnsName]),
  "network-interface.network-interface-id": (r) => r.attachments.map((a) => a.networkInterfaceId),
  "reservation-id": (r) => [r.reservationId],
  "owner-id": (r) => [r.ownerId],
  "architecture": (r) => {
    const type = findInstanceType(r.instanceType);
    return type ? [ec2Architecture(type)] : [];
  },
  "instance.group-id": (r) => r.securityGroups.map((g) => g.groupId),
};

/** DescribeInstances and TerminateInstances in EC2's query dialect. */
export function instanceOperations(state: Ec2State, instances: Ec2Instances): Operation<never, unknown>[] {
  return [
    operation({
      name: "DescribeInstances",
      input: z.object({
        InstanceId: z.array(z.string()).optional(),
        Filter: filterList,
        MaxResults: z.coerce.number().int().min(5).max(1000).optional(),
        NextToken: z.string().optional(),
      }),
      handler: async (input, ctx) => {
        requireWellFormed(input.InstanceId ?? []);
        const all = await instances.list(ctx);
        const missing = (input.InstanceId ?? []).filter((id) => !all.some((i) => i.instanceId === id));
        if (missing.length > 0) throw instanceNotFound(missing);
        const matching = all
          .filter((i) => !input.InstanceId || input.InstanceId.includes(i.instanceId))
          .filter((i) => matchesFilters(i, input.Filter, instanceFilters))
          .sort((a, b) => a.launchTime.localeCompare(b.launchTime) || a.instanceId.localeCompare(b.instanceId));
        const { page, nextToken } = ec2Page(matching, input.NextToken, input.MaxResults);
        const enis = await state.networkInterfaces.list(ctx);
        const enisOf = (id: string) =>
          enis.filter((e) => e.attachment?.instanceId === id).sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
        const reservations = new Map<string, InstanceRecord[]>();
        for (const instance of page) reservations.set(instance.reservationId, [...(reservations.get(instance.reservationId) ?? []), instance]);
        return {
          reservationSet: [...reservations.entries()].map(([reservationId, members]) => ({
            reservationId,
            ownerId: members[0]?.ownerId,
            groupSet: [],
            instancesSet: members.map((i) => instanceWire(i, enisOf(i.instanceId), ctx.region)),
          })),
          ...(nextToken ? { nextToken } : {}),
        };
      },
    }),
    operation({
      name: "TerminateInstances",
      input: z.object({ InstanceId: z.array(z.string()).min(1) }),
      handler: async (input, ctx) => {
        requireWellFormed(input.InstanceId);
        const changes = await instances.terminate(ctx, input.InstanceId);
        return {
          instancesSet: changes.map((c) => ({
            instanceId: c.instanceId,
            currentState: stateWire(c.currentState),
            previousState: stateWire(c.previousState),
          })),
        };
      },
    }),
  ];
}
