// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { RSA, type RsaKeyPool } from "./rsa-key-pool.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);


/** A cluster's certificate authority and its API server's serving certificate, as PEM. */
export interface ClusterPki {
  caCertificate: string;
  caKey: string;
  servingCertificate: string;
  servingKey: string;
}


const YEAR_MS = 365 * 24 * 3600 * 1000;

const serial = (): string => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1");

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/**
 * Makes a new CA (`CN=kubernetes`, 10 years, as EKS's) and a serving certificate for the API
 * server valid for the loopback names clients use (127.0.0.1, localhost) and the in-cluster names.
 */
export async function createClusterPki(now: Date, keys: RsaKeyPool, serviceIp?: string): Promise<ClusterPki> {
  const notBefore = new Date(now.getTime() - 3600_000);
  const caKeys = await keys.take();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=kubernetes",
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * YEAR_MS),
    signingAlgorithm: RSA,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const servingKeys = await keys.take();
  const names = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
  const serving = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=kube-apiserver",
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + YEAR_MS),
    signingAlgorithm: RSA,
    publicKey: servingKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.map((value) => ({ type: "dns" as const, value })),
        { type: "ip" as const, value: "127.0.0.1" },
        ...(serviceIp ? [{ type: "ip" as const, value: serviceIp }] : []),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return {
    caCertificate: ca.toString("pem"),
    caKey: await keyPem(caKeys.privateKey),
    servingCertificate: serving.toString("pem"),
    servingKey: await keyPem(servingKeys.privateKey),
  };
}
