import type { InstanceTypeFacts } from "./node-source.js";

/**
 * What a node reports as capacity and allocatable, computed as the EKS AL2023 bootstrap (nodeadm)
 * configures the kubelet: kube-reserved from the instance's CPU count and max pods, the hard
 * eviction thresholds, and the root volume.
 */

const MI = 1024 * 1024;
const GI = 1024 * MI;

/** nodeadm's CPU reservation: 6% of the first core, 1% of the second, 0.5% of cores 3–4, 0.25% of the rest (integer millicores). */
export function kubeReservedCpuMillis(vCpus: number): number {
  const total = vCpus * 1000;
  // [start, end) millicore ranges and their share in hundredths of a percent, as nodeadm writes them.
  const ranges: [number, number, number][] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, total, 25],
  ];
  let reserved = 0;
  for (const [start, end, share] of ranges) {
    if (total < start) continue;
    reserved += Math.floor(((Math.min(total, end) - start) * share) / 10000);
  }
  return reserved;
}

/** nodeadm's memory reservation: 255 MiB plus 11 MiB per pod the node may run. */
export const kubeReservedMemoryMiB = (maxPods: number): number => 255 + 11 * maxPods;

/** `evictionHard: memory.available<100Mi`. */
const EVICTION_MEMORY_MIB = 100;
/** kube-reserved ephemeral-storage (1Gi) and `nodefs.available<10%`. */
const RESERVED_EPHEMERAL_BYTES = GI;
const EVICTION_NODEFS_PERCENT = 10;

/** The memory the OS reports to the kubelet: the instance's memory less what the kernel keeps (about 6%). */
const osMemoryKi = (memoryMiB: number): number => Math.floor(memoryMiB * 1024 * 0.94);

/** A 20 GiB root volume (the node-group default) as the filesystem reports it. */
export const DEFAULT_DISK_GIB = 20;
const fsCapacityKi = (diskGiB: number): number => diskGiB * 1024 * 1024 - 12308 * (diskGiB / 20);

export interface NodeResources {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
}

export function nodeResources(type: InstanceTypeFacts, diskGiB = DEFAULT_DISK_GIB): NodeResources {
  const memoryKi = osMemoryKi(type.memoryMiB);
  const diskKi = Math.round(fsCapacityKi(diskGiB));
  const diskBytes = diskKi * 1024;
  const allocatableMemoryKi = memoryKi - (kubeReservedMemoryMiB(type.maxPods) + EVICTION_MEMORY_MIB) * 1024;
  const allocatableDisk = Math.floor(diskBytes - RESERVED_EPHEMERAL_BYTES - (diskBytes * EVICTION_NODEFS_PERCENT) / 100);
  return {
    capacity: {
      cpu: String(type.vCpus),
      "ephemeral-storage": `${diskKi}Ki`,
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
      memory: `${memoryKi}Ki`,
      pods: String(type.maxPods),
    },
    allocatable: {
      cpu: `${type.vCpus * 1000 - kubeReservedCpuMillis(type.vCpus)}m`,
      "ephemeral-storage": String(allocatableDisk),
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
      memory: `${allocatableMemoryKi}Ki`,
      pods: String(type.maxPods),
    },
  };
}

/** Parses a CPU quantity ("250m", "1", "0.5", "1500000n") into millicores (rounded up, as the scheduler does). */
export function cpuMillis(quantity: unknown): number {
  const q = String(quantity ?? "").trim();
  const m = /^([0-9.]+)(n|u|m|k|M|G)?$/.exec(q);
  if (!m) return 0;
  const value = Number(m[1]);
  const factor: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, k: 1e6, M: 1e9, G: 1e12 };
  return Math.ceil(value * (m[2] ? (factor[m[2]] ?? 1) : 1000));
}

/** Parses a memory quantity ("64Mi", "1G", "128974848", "129e6") into bytes. */
export function memoryBytes(quantity: unknown): number {
  const q = String(quantity ?? "").trim();
  const m = /^([0-9.]+(?:e[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(q);
  if (!m) return 0;
  const factor: Record<string, number> = {
    Ki: 1024, Mi: MI, Gi: GI, Ti: GI * 1024, Pi: GI * 1024 * 1024, Ei: GI * 1024 * 1024 * 1024,
    m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  };
  return Math.ceil(Number(m[1]) * (m[2] ? (factor[m[2]] ?? 1) : 1));
}
