import { qualifiedResource } from "../../api/descriptor.js";
import { errors, type StatusError } from "../status.js";
import type { AdmissionAttributes } from "./admission.js";

/**
 * admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`, the name being the object's
 * name, else its generateName, else "Unknown" (names are generated after admission).
 */
export function admissionForbidden(attrs: AdmissionAttributes, why: string): StatusError {
  const meta = attrs.object?.metadata ?? attrs.oldObject?.metadata;
  const name = meta?.name || meta?.generateName || attrs.name || "Unknown";
  const d = attrs.descriptor;
  return errors.forbidden(`${qualifiedResource(d)} "${name}" is forbidden: ${why}`, { resource: d.plural, group: d.group, kind: d.kind }, name);
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several (deduplicated) in brackets. */
export function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? "") : `[${unique.join(", ")}]`;
}
