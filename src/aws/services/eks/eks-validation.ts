import { AwsError } from "../../protocol/operation.js";

/** Checks and errors the EKS operations share. */

export const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;

export const invalid = (message: string, members: Record<string, unknown> = {}) =>
  new AwsError("InvalidParameterException", message, 400, members);

export const clusterNotFound = (name: string) =>
  new AwsError("ResourceNotFoundException", `No cluster found for name: ${name}.`, 404, { clusterName: name });

export function validateTags(tags: Record<string, string> | undefined, error: (message: string) => AwsError): void {
  const entries = Object.entries(tags ?? {});
  if (entries.length > 50) throw error("A resource can have at most 50 tags.");
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128) throw error(`Tag key "${key}" must be 1 to 128 characters.`);
    if (value.length > 256) throw error(`The value of tag "${key}" must be at most 256 characters.`);
    if (key.toLowerCase().startsWith("aws:")) throw error(`Tag keys starting with "aws:" are reserved: ${key}`);
  }
}
