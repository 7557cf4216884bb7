import { goQuote } from "../../shared/go-format.js";
import type { FieldCause } from "./descriptor.js";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// Messages are apimachinery's validation texts, which users see verbatim from kubectl.
export function validateDnsLabel(value: string, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (value.length > 63) {
    causes.push({ field, reason: "FieldValueInvalid", message: `Invalid value: ${goQuote(value)}: must be no more than 63 characters` });
  }
  if (!DNS1123_LABEL.test(value)) {
    causes.push({
      field,
      reason: "FieldValueInvalid",
      message: `Invalid value: ${goQuote(value)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    });
  }
  return causes;
}

export function validateDnsSubdomain(value: string, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (value.length > 253) {
    causes.push({ field, reason: "FieldValueInvalid", message: `Invalid value: ${goQuote(value)}: must be no more than 253 characters` });
  }
  if (!DNS1123_SUBDOMAIN.test(value)) {
    causes.push({
      field,
      reason: "FieldValueInvalid",
      message: `Invalid value: ${goQuote(value)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  return causes;
}

/** The alphabet and length of apiserver's generateName suffix (no vowels, no look-alikes). */
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
export const generateNameSuffix = (random: () => number = Math.random): string =>
  Array.from({ length: 5 }, () => SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)]).join("");
