/**
 * x-kubernetes-validations (CEL) rules are accepted in CRD schemas but not evaluated by minieks, so a CRD
 * that declares them installs (Gateway API, Karpenter and most operators' CRDs do) and its writer is told,
 * in a Warning header, which rules custom resources will not be checked against.
 */
import type { AdmissionPlugin } from "../../apiserver/admission/admission.js";
import { rec, recs, str } from "../object-fields.js";

/** The schema paths (as CRD field errors name them) that carry x-kubernetes-validations rules. */
export function celRulePaths(schema: unknown, at: string): string[] {
  const s = rec(schema);
  const paths: string[] = Array.isArray(s["x-kubernetes-validations"]) && s["x-kubernetes-validations"].length > 0 ? [at] : [];
  for (const [key, sub] of Object.entries(rec(s.properties))) paths.push(...celRulePaths(sub, `${at}.properties[${key}]`));
  if (s.items) paths.push(...celRulePaths(s.items, `${at}.items`));
  if (typeof s.additionalProperties === "object") paths.push(...celRulePaths(s.additionalProperties, `${at}.additionalProperties`));
  for (const junctor of ["allOf", "anyOf", "oneOf"]) recs(s[junctor]).forEach((sub, i) => paths.push(...celRulePaths(sub, `${at}.${junctor}[${i}]`)));
  return paths;
}

/** Warns on CRD writes whose schemas hold rules minieks will not enforce. */
export const unenforcedRulesWarning: AdmissionPlugin = {
  name: "CustomResourceValidationRules",
  validate(attrs) {
    const d = attrs.descriptor;
    if (d.group !== "apiextensions.k8s.io" || d.plural !== "customresourcedefinitions" || attrs.subresource || !attrs.object) return;
    const paths = recs(rec(attrs.object.spec).versions).flatMap((v, i) =>
      celRulePaths(rec(v.schema).openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`).map((p) => `${p} (${str(v.name)})`),
    );
    if (paths.length === 0) return;
    attrs.warnings?.push(`minieks does not evaluate x-kubernetes-validations rules; custom resources are not checked against the rules at ${paths.join(", ")}`);
  },
};
