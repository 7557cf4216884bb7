import { randomBytes, randomUUID } from "node:crypto";

/** Lower-case hex of `bytes` random bytes. */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString("hex");

/** EC2-style resource id: `vpc-0a1b2c3d4e5f67890` (prefix + 17 hex digits). */
export const ec2Id = (prefix: string): string => `${prefix}-${randomHex(9).slice(0, 17)}`;

export const requestId = (): string => randomUUID();

export const uuid = (): string => randomUUID();
