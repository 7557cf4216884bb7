/**
 * certificates.k8s.io/v1 CertificateSigningRequest: the approval and status subresources, the
 * strategies of pkg/registry/certificates/certificates (spec fixed after create, approval writes
 * only conditions) and pkg/apis/certificates/validation. No signer runs in minieks: approved
 * requests get no certificate.
 *
 * Upstream the strategy fills spec.username/uid/groups/extra from the requesting user. Strategies
 * here do not see the user, so {@link csrRequesterAdmission} (an admission plugin, which does)
 * does it; the API server must include it in its admission chain.
 */
import { X509Certificate } from "node:crypto";
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import type { AdmissionPlugin } from "../apiserver/admission/admission.js";
import { ALL_VERBS, col, nameCol, ageCol } from "./core-v1.js";
import { duplicate, GoLiteral, invalid, notSupported, required } from "./field-errors.js";
import { ageOf, child, isSet, nameOf, rec, recs, str, strs } from "./object-fields.js";
import { humanDuration } from "./human-duration.js";
import { validateDnsSubdomain } from "./names.js";

const KEY_USAGES = [
  "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only",
  "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement",
  "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping",
];
const EXCLUSIVE = ["Approved", "Denied"];
const TRUE_ONLY = ["Approved", "Denied", "Failed"];

/** certificates.ParseCSR's first check: the request is one PEM block of type CERTIFICATE REQUEST. */
function requestError(request: unknown): string | undefined {
  if (typeof request !== "string") return "PEM block type must be CERTIFICATE REQUEST";
  const pem = Buffer.from(request, "base64").toString("utf8");
  const m = /-----BEGIN ([A-Z ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END \1-----/.exec(pem);
  if (!m || m[1] !== "CERTIFICATE REQUEST") return "PEM block type must be CERTIFICATE REQUEST";
  return undefined;
}

/** ValidateSignerName: a domain-prefixed path. */
function signerNameErrors(name: string): FieldCause[] {
  if (!name) return [required("spec.signerName")];
  const slash = name.indexOf("/");
  if (slash <= 0 || slash === name.length - 1) {
    return [invalid("spec.signerName", name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  }
  const causes = validateDnsSubdomain(name.slice(0, slash), "spec.signerName");
  if (name === "kubernetes.io/legacy-unknown") causes.push(invalid("spec.signerName", name, "the legacy signerName is not allowed via this API version"));
  return causes;
}

function validateConditions(o: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  recs(rec(o.status).conditions).forEach((c, i) => {
    const type = str(c.type);
    if (!type) causes.push(required(`status.conditions[${i}].type`));
    if (seen.has(type)) causes.push(duplicate(`status.conditions[${i}].type`, type));
    seen.add(type);
    if (TRUE_ONLY.includes(type) && str(c.status) !== "True") causes.push(notSupported(`status.conditions[${i}].status`, str(c.status), ["True"]));
    if (EXCLUSIVE.includes(type) && EXCLUSIVE.every((t) => seen.has(t))) causes.push(invalid(`status.conditions[${i}].type`, type, "Approved and Denied conditions are mutually exclusive"));
  });
  const certificate = rec(o.status).certificate;
  if (isSet(certificate)) {
    try {
      new X509Certificate(Buffer.from(str(certificate), "base64"));
    } catch {
      causes.push(invalid("status.certificate", "<certificate data>", "must contain at least one CERTIFICATE PEM block"));
    }
  }
  return causes;
}

export function validateCsr(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  const err = requestError(spec.request);
  if (err) causes.push(invalid("spec.request", new GoLiteral("[]byte{...}"), err));
  const usages = strs(spec.usages);
  if (usages.length === 0) causes.push(required("spec.usages", "usages must be provided"));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!KEY_USAGES.includes(u)) causes.push(notSupported(`spec.usages[${i}]`, u, KEY_USAGES));
    if (seen.has(u)) causes.push(duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  causes.push(...signerNameErrors(str(spec.signerName)));
  if (isSet(spec.expirationSeconds) && Number(spec.expirationSeconds) < 600) {
    causes.push(invalid("spec.expirationSeconds", Number(spec.expirationSeconds), "may not specify a duration less than 600 seconds (10 minutes)"));
  }
  causes.push(...validateConditions(o));
  return causes;
}

const csrStrategy: Strategy = {
  prepareForCreate(o) {
    o.status = {};
  },
  // The spec is fixed once created; the main resource cannot change it.
  prepareForUpdate(o, old) {
    o.spec = old.spec;
  },
  validate: validateCsr,
  prepareSubresourceUpdate(subresource, o, old) {
    if (subresource !== "approval") return undefined;
    // …/approval changes status.conditions only (kubectl certificate approve|deny).
    const merged = structuredClone(old);
    const conditions = rec(o.status).conditions;
    const status = child(merged, "status");
    if (isSet(conditions)) status.conditions = conditions;
    else delete status.conditions;
    return merged;
  },
};

/** Sets spec.username, uid, groups and extra of a new CertificateSigningRequest from the requesting user. */
export const csrRequesterAdmission: AdmissionPlugin = {
  name: "CertificateSigningRequestRequester",
  admit(attrs) {
    const d = attrs.descriptor;
    if (attrs.operation !== "CREATE" || d.group !== "certificates.k8s.io" || d.plural !== "certificatesigningrequests" || attrs.subresource || !attrs.object) return;
    const spec = child(attrs.object, "spec");
    spec.username = attrs.user.username;
    if (attrs.user.uid) spec.uid = attrs.user.uid;
    else delete spec.uid;
    spec.groups = [...attrs.user.groups];
    if (attrs.user.extra && Object.keys(attrs.user.extra).length > 0) spec.extra = structuredClone(attrs.user.extra);
    else delete spec.extra;
  },
};

/** printers.go extractCSRStatus. */
function csrCondition(o: StoredObject): string {
  const types = new Set(recs(rec(o.status).conditions).map((c) => str(c.type)));
  let status = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) status += ",Failed";
  if (str(rec(o.status).certificate)) status += ",Issued";
  return status;
}

export const CERTIFICATES_V1: ResourceDescriptor[] = [
  {
    group: "certificates.k8s.io",
    version: "v1",
    kind: "CertificateSigningRequest",
    plural: "certificatesigningrequests",
    singular: "certificatesigningrequest",
    namespaced: false,
    verbs: [...ALL_VERBS],
    shortNames: ["csr"],
    categories: [],
    subresources: ["approval", "status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      ageCol(),
      col("SignerName", "Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`. If empty, it will be defaulted:\n 1. If it's a kubelet client certificate, it is assigned\n    \"kubernetes.io/kube-apiserver-client-kubelet\".\n 2. If it's a kubelet serving certificate, it is assigned\n    \"kubernetes.io/kubelet-serving\".\n 3. Otherwise, it is assigned \"kubernetes.io/legacy-unknown\".\nDistribution of trust for signers happens out of band. You can select on this field using `spec.signerName`."),
      col("Requestor", "Base64-encoded PKCS#10 CSR data"),
      col("RequestedDuration", "expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration."),
      col("Condition", "Conditions applied to the request, such as approval or denial."),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      return [
        nameOf(o),
        ageOf(o, now),
        str(spec.signerName) || "<none>",
        str(spec.username),
        isSet(spec.expirationSeconds) ? humanDuration(Number(spec.expirationSeconds) * 1000) : "<none>",
        csrCondition(o),
      ];
    },
    // pkg/registry/certificates/certificates/strategy.go SelectableFields.
    fieldSelectors: { "spec.signerName": (o) => str(rec(o.spec).signerName) },
    strategy: csrStrategy,
  },
];
