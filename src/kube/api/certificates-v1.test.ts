import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CERTIFICATES_V1, validateCsr } from "./certificates-v1.js";
import type { StoredObject } from "./types.js";

const request = Buffer.from("-----BEGIN CERTIFICATE REQUEST-----\nMIIBAA==\n-----END CERTIFICATE REQUEST-----\n").toString("base64");
const csr = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): StoredObject => ({
  metadata: { name: "me", creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { request, signerName: "kubernetes.io/kube-apiserver-client", usages: ["client auth"], username: "jane", ...spec },
  status,
});
const errors = (o: StoredObject) => validateCsr(o).map((c) => `${c.field}: ${c.message}`);

describe("certificates.k8s.io/v1 CertificateSigningRequest", () => {
  it("validates the request, signer, usages and duration", () => {
    assert.deepEqual(errors(csr({})), []);
    assert.deepEqual(errors(csr({ request: Buffer.from("hello").toString("base64"), signerName: "nope", usages: ["client auth", "client auth", "flying"], expirationSeconds: 60 })), [
      "spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST",
      'spec.usages[1]: Duplicate value: "client auth"',
      `spec.usages[2]: Unsupported value: "flying": supported values: ${["any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"].map((u) => `"${u}"`).join(", ")}`,
      "spec.signerName: Invalid value: \"nope\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
      "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)",
    ]);
    assert.deepEqual(errors(csr({}, { conditions: [{ type: "Approved", status: "True" }, { type: "Denied", status: "True" }] })), [
      'status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive',
    ]);
  });

  it("prints the requester, duration and condition", () => {
    const d = CERTIFICATES_V1[0];
    assert.ok(d);
    assert.deepEqual(d.subresources, ["approval", "status"]);
    const now = new Date("2026-01-01T00:00:30Z");
    assert.deepEqual(d.cells(csr({ expirationSeconds: 86400 }), now), ["me", "30s", "kubernetes.io/kube-apiserver-client", "jane", "24h", "Pending"]);
    assert.equal(d.cells(csr({}, { conditions: [{ type: "Approved", status: "True" }], certificate: "eA==" }), now)[5], "Approved,Issued");
  });

  it("keeps the spec on updates and lets approval change only conditions", () => {
    const d = CERTIFICATES_V1[0];
    assert.ok(d);
    const old = csr({});
    const edited = csr({ signerName: "example.com/other" });
    d.strategy.prepareForUpdate?.(edited, old);
    assert.equal((edited.spec as { signerName: string }).signerName, "kubernetes.io/kube-apiserver-client");
    const approval = d.strategy.prepareSubresourceUpdate?.("approval", csr({ usages: [] }, { conditions: [{ type: "Denied", status: "True" }], certificate: "eA==" }), old);
    assert.deepEqual(approval?.status, { conditions: [{ type: "Denied", status: "True" }] });
    assert.deepEqual((approval?.spec as { usages: string[] }).usages, ["client auth"]);
    assert.equal(d.strategy.prepareSubresourceUpdate?.("status", old, old), undefined);
  });
});
