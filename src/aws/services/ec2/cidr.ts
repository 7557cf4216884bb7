/** IPv4 CIDR arithmetic on plain numbers (addresses fit in 32 bits). */
export interface Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export const formatIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** Parses `a.b.c.d/n`; undefined unless the base is the network address of the block. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  const base = m ? parseIpv4(m[1] ?? "") : undefined;
  const prefix = Number(m?.[2]);
  if (base === undefined || prefix > 32) return undefined;
  return base % size({ base, prefix }) === 0 ? { base, prefix } : undefined;
}

export const size = (c: Cidr): number => 2 ** (32 - c.prefix);
export const contains = (outer: Cidr, inner: Cidr): boolean =>
  inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
export const overlaps = (a: Cidr, b: Cidr): boolean => a.base < b.base + size(b) && b.base < a.base + size(a);
export const formatCidr = (c: Cidr): string => `${formatIpv4(c.base)}/${c.prefix}`;

/** AWS keeps the first four addresses and the last one of every subnet. */
export const SUBNET_RESERVED_ADDRESSES = 5;
export const usableRange = (c: Cidr): { first: number; last: number } => ({ first: c.base + 4, last: c.base + size(c) - 2 });
