import { webcrypto } from "node:crypto";
import type { Storage } from "../storage/interface.js";
import type { ServiceAccountKeyPair } from "../kube/apiserver/auth/service-account-token.js";
import type { RsaKeyPool } from "./rsa-key-pool.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function pem(der: ArrayBuffer, label: string): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * The cluster's service-account signing key (RSA 2048, like EKS's), kept in storage beside the
 * PKI so tokens stay valid across restarts and across API servers of the same cluster.
 */
export async function loadOrCreateServiceAccountKey(storage: Storage, root: string, keys: RsaKeyPool): Promise<ServiceAccountKeyPair> {
  const key = `${root}/service-account-key`;
  const existing = await storage.get(key);
  if (existing) return JSON.parse(decoder.decode(existing.value)) as ServiceAccountKeyPair;
  const pair = await keys.take();
  const created: ServiceAccountKeyPair = {
    privateKeyPem: pem(await webcrypto.subtle.exportKey("pkcs8", pair.privateKey), "PRIVATE KEY"),
    publicKeyPem: pem(await webcrypto.subtle.exportKey("spki", pair.publicKey), "PUBLIC KEY"),
  };
  try {
    await storage.create(key, encoder.encode(JSON.stringify(created)));
    return created;
  } catch {
    // Another API server of the same cluster stored one first: use that.
    const raced = await storage.get(key);
    if (!raced) throw new Error(`cannot store the service-account key at ${key}`);
    return JSON.parse(decoder.decode(raced.value)) as ServiceAccountKeyPair;
  }
}
