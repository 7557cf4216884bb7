/**
 * The address and port ranges Services allocate from, with kube-apiserver's split into a lower
 * band kept for static requests and an upper band dynamic allocation prefers (KEP-3070 for
 * ClusterIPs, KEP-3668 for NodePorts). Addresses are IPv4 as numbers; EKS clusters here are IPv4.
 */

/** Parses a dotted quad the way Go's netip.ParseAddr accepts IPv4 (no leading zeros); undefined otherwise. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export const formatIpv4 = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/** A loose IPv6 check, enough to tell an IPv6 literal from garbage in error messages. */
export const looksLikeIpv6 = (text: string): boolean => text.includes(":") && /^[0-9a-fA-F:.]+$/.test(text);

/** min(max(min, size/step), max), 0 for tiny ranges: the size of the static band. */
function staticBand(size: number, min: number, max: number, step: number): number {
  if (size <= min) return 0;
  const offset = Math.floor(size / step);
  return Math.min(Math.max(offset, min), max);
}

/** The ClusterIP range of a service CIDR such as 10.100.0.0/16. */
export interface ServiceIpRange {
  cidr: string;
  /** First and last allocatable addresses: the network and broadcast addresses are never handed out. */
  first: number;
  last: number;
  /** Addresses in [first, first + staticBand) are the static band. */
  staticBand: number;
}

export function serviceIpRange(cidr: string): ServiceIpRange {
  const [address = "", bitsText = ""] = cidr.split("/");
  const base = parseIpv4(address);
  const bits = Number(bitsText);
  if (base === undefined || !/^\d+$/.test(bitsText) || bits < 0 || bits > 30) throw new Error(`invalid service CIDR ${cidr}`);
  const size = 2 ** (32 - bits);
  const network = base - (base % size);
  return { cidr: `${formatIpv4(network)}/${bits}`, first: network + 1, last: network + size - 2, staticBand: staticBand(size, 16, 256, 16) };
}

export const inIpRange = (range: ServiceIpRange, ip: number): boolean => ip >= range.first && ip <= range.last;

/** kube-apiserver's --service-node-port-range default. */
export interface PortRange {
  base: number;
  size: number;
  staticBand: number;
}

export const NODE_PORT_RANGE: PortRange = { base: 30000, size: 2768, staticBand: staticBand(2768, 16, 128, 32) };

export const inPortRange = (range: PortRange, port: number): boolean => port >= range.base && port < range.base + range.size;

export const portRangeText = (range: PortRange): string => `${range.base}-${range.base + range.size - 1}`;

/**
 * Picks a free value: a random start in the upper band, scanning upwards with wrap-around, then
 * the lower band the same way (ipallocator.allocateNextService, portallocator's offset strategy).
 */
export function pickFree(first: number, last: number, band: number, isFree: (value: number) => boolean, random: () => number = Math.random): number | undefined {
  const scan = (lo: number, hi: number): number | undefined => {
    const count = hi - lo + 1;
    if (count <= 0) return undefined;
    const start = Math.floor(random() * count);
    for (let i = 0; i < count; i++) {
      const value = lo + ((start + i) % count);
      if (isFree(value)) return value;
    }
    return undefined;
  };
  return scan(first + band, last) ?? scan(first, first + band - 1);
}
