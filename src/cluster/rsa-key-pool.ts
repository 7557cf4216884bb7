import { webcrypto } from "node:crypto";

/** EKS cluster CAs are RSA 2048 with SHA-256 signatures. */
export const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

type KeyPair = webcrypto.CryptoKeyPair;

const generateRsa = (): Promise<KeyPair> =>
  webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"]) as Promise<KeyPair>;

/**
 * RSA key generation takes hundreds of milliseconds; a few pairs made ahead of time (on the
 * thread pool, off the event loop) keep cluster creation well under a second.
 */
export class RsaKeyPool {
  private readonly ready: Promise<KeyPair>[] = [];

  constructor(private readonly size = 4) {
    for (let i = 0; i < size; i++) this.ready.push(generateRsa());
  }

  take(): Promise<KeyPair> {
    const next = this.ready.shift() ?? generateRsa();
    while (this.ready.length < this.size) this.ready.push(generateRsa());
    return next;
  }
}
