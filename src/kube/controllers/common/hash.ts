import { canonicalJson } from "./controller-ref.js";

/** FNV-1a, 32 bits, over UTF-8 bytes. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** apimachinery's rand.SafeEncodeString alphabet: no vowels, no look-alikes, so no words. */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: every character of `s` mapped into the safe alphabet. */
export const safeEncode = (s: string): string => [...Buffer.from(s, "utf8")].map((b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length]).join("");

/**
 * The pod-template-hash / controller-revision hash: upstream hashes Go's %#v of the object with
 * fnv32a and safe-encodes the decimal sum (at most 10 characters). Go's %#v cannot be
 * reproduced here, so the input is the object's canonical JSON; the collision count is mixed in
 * the same way (its decimal bytes).
 */
export function computeHash(value: unknown, collisionCount?: number): string {
  const base = canonicalJson(value);
  const input = collisionCount === undefined || collisionCount === null ? base : `${base}${collisionCount}`;
  return safeEncode(String(fnv32a(input)));
}
