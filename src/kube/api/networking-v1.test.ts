import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NETWORKING_V1 } from "./networking-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T00:10:00Z");
const byKind = (kind: string): ResourceDescriptor => {
  const d = NETWORKING_V1.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
function create(kind: string, o: Omit<StoredObject, "metadata">, name = "x"): { obj: StoredObject; errors: string[] } {
  const obj = { ...structuredClone(o), metadata: { name, namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z" } } as StoredObject;
  byKind(kind).strategy.prepareForCreate?.(obj);
  return { obj, errors: (byKind(kind).strategy.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`) };
}
const backend = (name: string, number: number) => ({ service: { name, port: { number } } });

describe("networking.k8s.io/v1", () => {
  it("has upstream's discovery facts", () => {
    assert.deepEqual(NETWORKING_V1.map((d) => [d.plural, d.namespaced, d.shortNames, d.subresources]), [
      ["ingressclasses", false, [], []],
      ["ingresses", true, ["ing"], ["status"]],
      ["ipaddresses", false, ["ip"], []],
      ["networkpolicies", true, ["netpol"], []],
      ["servicecidrs", false, [], ["status"]],
    ]);
  });

  it("prints and validates Ingresses as kubectl create ingress sends them", () => {
    const ing = create("Ingress", {
      spec: {
        ingressClassName: "alb",
        rules: [{ host: "foo.com", http: { paths: [{ path: "/bar", pathType: "Exact", backend: backend("svc1", 8080) }] } }],
        tls: [{ hosts: ["foo.com"], secretName: "cert" }],
      },
    });
    assert.deepEqual(ing.errors, []);
    assert.deepEqual(ing.obj.status, { loadBalancer: {} });
    assert.deepEqual(byKind("Ingress").cells(ing.obj, NOW), ["x", "alb", "foo.com", "", "80, 443", "10m"]);
    const lb = { ...ing.obj, status: { loadBalancer: { ingress: [{ hostname: "k8s-alb.elb.amazonaws.com" }, { ip: "10.0.0.9" }] } } };
    assert.equal(byKind("Ingress").cells(lb, NOW)[3], "10.0.0.9,k8s-alb.elb.amazonaws.com");
    const many = create("Ingress", { spec: { rules: ["a.com", "", "b.com", "c.com", "d.com"].map((host) => ({ host })) } });
    assert.equal(byKind("Ingress").cells(many.obj, NOW)[2], "a.com,b.com,c.com + 2 more...");

    assert.deepEqual(
      create("Ingress", {
        spec: {
          rules: [
            { host: "10.0.0.1", http: { paths: [{ path: "bar", pathType: "Prefix", backend: backend("Svc", 0) }, { path: "/x", backend: backend("s", 80) }] } },
          ],
        },
      }).errors,
      [
        'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
        'spec.rules[0].http.paths[0].path: Invalid value: "bar": must be an absolute path',
        "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"Svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.rules[0].http.paths[0].backend: Required value: port name or number is required",
        "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified",
      ],
    );
    assert.deepEqual(create("Ingress", { spec: {} }).errors, ["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"]);
  });

  it("defaults NetworkPolicy types and prints the pod selector", () => {
    const np = create("NetworkPolicy", { spec: { podSelector: { matchLabels: { app: "db" } }, egress: [{ ports: [{ port: 5432 }] }] } });
    assert.deepEqual(np.errors, []);
    const spec = np.obj.spec as { policyTypes: string[]; egress: { ports: { protocol: string }[] }[] };
    assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
    assert.equal(spec.egress[0]?.ports[0]?.protocol, "TCP");
    assert.deepEqual(byKind("NetworkPolicy").cells(np.obj, NOW), ["x", "app=db", "10m"]);
    assert.deepEqual(byKind("NetworkPolicy").cells(create("NetworkPolicy", { spec: { podSelector: {} } }).obj, NOW)[1], "<none>");
    assert.deepEqual(create("NetworkPolicy", { spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }, {}] }] } }).errors, [
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      "spec.ingress[0].from[1]: Required value: must specify a peer",
    ]);
  });

  it("checks IngressClass controllers, IPAddress names and ServiceCIDRs", () => {
    const ic = create("IngressClass", { spec: { controller: "ingress.k8s.aws/alb", parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: "alb" } } });
    assert.deepEqual(ic.errors, []);
    assert.deepEqual(byKind("IngressClass").cells(ic.obj, NOW), ["x", "ingress.k8s.aws/alb", "IngressClassParams.elbv2.k8s.aws/alb", "10m"]);
    assert.deepEqual(create("IngressClass", { spec: { controller: "alb" } }).errors, ['spec.controller: Invalid value: "alb": must be a domain-prefixed path (such as "acme.io/foo")']);

    const ip = create("IPAddress", { spec: { parentRef: { group: "", resource: "services", namespace: "default", name: "kubernetes" } } }, "10.100.0.1");
    assert.deepEqual(ip.errors, []);
    assert.deepEqual(byKind("IPAddress").cells(ip.obj, NOW), ["10.100.0.1", "services/default/kubernetes"]);
    assert.deepEqual(create("IPAddress", { spec: {} }, "10.0.0.2").errors, ["spec.parentRef: Required value"]);
    const validateName = byKind("IPAddress").validateName;
    assert.ok(validateName);
    assert.deepEqual(validateName("2001:db8::1", "metadata.name"), []);
    assert.deepEqual(validateName("nope", "metadata.name").map((c) => c.message), ['Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
    assert.deepEqual(validateName("2001:db8:0::1", "metadata.name").map((c) => c.message), ['Invalid value: "2001:db8:0::1": must be in canonical form ("2001:db8::1")']);

    const cidr = create("ServiceCIDR", { spec: { cidrs: ["10.100.0.0/16"] } }, "kubernetes");
    assert.deepEqual(cidr.errors, []);
    assert.deepEqual(byKind("ServiceCIDR").cells(cidr.obj, NOW), ["kubernetes", "10.100.0.0/16", "10m"]);
    assert.deepEqual(create("ServiceCIDR", { spec: { cidrs: ["10.100.0.1/16"] } }).errors, ['spec.cidrs[0]: Invalid value: "10.100.0.1/16": must be in canonical form ("10.100.0.0/16")']);
  });
});
