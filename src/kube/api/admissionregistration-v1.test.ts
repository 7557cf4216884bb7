import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ADMISSIONREGISTRATION_V1 } from "./admissionregistration-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T00:01:00Z");
const byKind = (kind: string): ResourceDescriptor => {
  const d = ADMISSIONREGISTRATION_V1.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
function create(kind: string, o: Record<string, unknown>): { obj: StoredObject; errors: string[] } {
  const obj = { ...structuredClone(o), metadata: { name: "x", creationTimestamp: "2026-01-01T00:00:00Z" } } as StoredObject;
  byKind(kind).strategy.prepareForCreate?.(obj);
  return { obj, errors: (byKind(kind).strategy.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`) };
}
const hook = {
  name: "pods.policy.example.com",
  clientConfig: { service: { namespace: "kube-system", name: "policy" } },
  rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
  sideEffects: "None",
  admissionReviewVersions: ["v1"],
};

describe("admissionregistration.k8s.io/v1", () => {
  it("lists every kind in the api-extensions category", () => {
    assert.deepEqual(ADMISSIONREGISTRATION_V1.map((d) => [d.plural, d.categories, d.subresources]), [
      ["mutatingwebhookconfigurations", ["api-extensions"], []],
      ["validatingadmissionpolicies", ["api-extensions"], ["status"]],
      ["validatingadmissionpolicybindings", ["api-extensions"], []],
      ["validatingwebhookconfigurations", ["api-extensions"], []],
    ]);
  });

  it("defaults webhooks and prints their count", () => {
    const { obj, errors } = create("MutatingWebhookConfiguration", { webhooks: [hook] });
    assert.deepEqual(errors, []);
    const w = (obj.webhooks as Record<string, unknown>[])[0];
    assert.deepEqual(
      [w?.failurePolicy, w?.matchPolicy, w?.timeoutSeconds, w?.reinvocationPolicy, w?.namespaceSelector, (w?.clientConfig as { service: { port: number } }).service.port, (w?.rules as { scope: string }[])[0]?.scope],
      ["Fail", "Equivalent", 10, "Never", {}, 443, "*"],
    );
    assert.deepEqual(byKind("MutatingWebhookConfiguration").cells(obj, NOW), ["x", 1, "60s"]);
  });

  it("refuses webhooks without side effects, versions or a client", () => {
    assert.deepEqual(create("ValidatingWebhookConfiguration", { webhooks: [{ name: "short.name", timeoutSeconds: 31, clientConfig: { url: "http://x.example.com/" } }] }).errors, [
      'webhooks[0].name: Invalid value: "short.name": should be a domain with at least three segments separated by dots',
      "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
      "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
      "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
      "webhooks[0].clientConfig.url: Invalid value: \"http://x.example.com/\": 'https' is the only allowed URL scheme",
    ]);
  });

  it("validates and prints admission policies and bindings", () => {
    const policy = create("ValidatingAdmissionPolicy", {
      spec: { paramKind: { apiVersion: "v1", kind: "ConfigMap" }, matchConstraints: { resourceRules: [{ operations: ["CREATE"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments"] }] }, validations: [{ expression: "object.spec.replicas <= 5" }] },
    });
    assert.deepEqual(policy.errors, []);
    assert.deepEqual(policy.obj.status, {});
    assert.deepEqual(byKind("ValidatingAdmissionPolicy").cells(policy.obj, NOW), ["x", 1, "v1/ConfigMap", "60s"]);
    assert.deepEqual(create("ValidatingAdmissionPolicy", { spec: {} }).errors, ["spec.matchConstraints: Required value", "spec.validations: Required value: validations or auditAnnotations must contain at least one item"]);

    const binding = create("ValidatingAdmissionPolicyBinding", { spec: { policyName: "x", validationActions: ["Deny"], paramRef: { name: "limits", namespace: "default", parameterNotFoundAction: "Deny" } } });
    assert.deepEqual(binding.errors, []);
    assert.deepEqual(byKind("ValidatingAdmissionPolicyBinding").cells(binding.obj, NOW), ["x", "x", "default/limits", "60s"]);
    assert.deepEqual(create("ValidatingAdmissionPolicyBinding", { spec: { policyName: "x" } }).errors, ["spec.validationActions: Required value: at least one validation action is required"]);
  });
});
