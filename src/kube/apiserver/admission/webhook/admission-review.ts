/**
 * The admission.k8s.io AdmissionReview a webhook is sent (request/admissionreview.go's
 * CreateV1AdmissionReview) and the checks its answer must pass (VerifyAdmissionResponse), with
 * upstream's messages; a denial becomes the StatusError of webhook/errors.ToStatusErr.
 */
import type { FieldCause } from "../../../api/descriptor.js";
import type { KubeObject } from "../../../api/types.js";
import { StatusError } from "../../status.js";
import type { Invocation } from "./matcher.js";
import type { WebhookRequest } from "./webhook-request.js";

export type ReviewVersion = "v1" | "v1beta1";

/** The first AdmissionReview version of the webhook's list that minieks speaks, as upstream picks it. */
export function reviewVersionOf(versions: string[]): ReviewVersion | undefined {
  return versions.find((v): v is ReviewVersion => v === "v1" || v === "v1beta1");
}

/** The request's options object (CreateOptions, UpdateOptions, DeleteOptions) as the webhook sees it. */
function optionsOf(req: WebhookRequest): Record<string, unknown> | null {
  const kind = { CREATE: "CreateOptions", UPDATE: "UpdateOptions", DELETE: "DeleteOptions" }[req.operation as string];
  if (!kind) return null;
  return { kind, apiVersion: "meta.k8s.io/v1", ...(req.dryRun ? { dryRun: ["All"] } : {}) };
}

/** The AdmissionReview body: `object`/`oldObject` already in the invocation's version (null when absent). */
export function admissionReview(
  uid: string,
  version: ReviewVersion,
  req: WebhookRequest,
  invocation: Invocation,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
): Record<string, unknown> {
  const user = req.user;
  return {
    kind: "AdmissionReview",
    apiVersion: `admission.k8s.io/${version}`,
    request: {
      uid,
      kind: invocation.kind,
      resource: invocation.resource,
      ...(invocation.subresource ? { subResource: invocation.subresource } : {}),
      requestKind: req.kind,
      requestResource: req.resource,
      ...(req.subresource ? { requestSubResource: req.subresource } : {}),
      ...(req.name ? { name: req.name } : {}),
      ...(req.namespace ? { namespace: req.namespace } : {}),
      operation: req.operation,
      userInfo: {
        ...(user.username ? { username: user.username } : {}),
        ...(user.uid ? { uid: user.uid } : {}),
        ...(user.groups.length ? { groups: user.groups } : {}),
        ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
      },
      object: object ?? null,
      oldObject: oldObject ?? null,
      dryRun: req.dryRun,
      options: optionsOf(req),
    },
  };
}

/** What a webhook answered, once it passed VerifyAdmissionResponse. */
export interface AdmissionResult {
  allowed: boolean;
  status?: Record<string, unknown>;
  /** The JSON patch, still base64 as sent. */
  patch?: string;
  patchType?: string;
  warnings: string[];
}

/** A decoded response upstream would not accept; the message is upstream's reason. */
export class InvalidResponse extends Error {}

/** A response body that does not decode as an AdmissionReview (the REST call itself fails). */
export class UndecodableResponse extends Error {}

const rec = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Decoding the body into an AdmissionReview: the errors the REST client's decoder gives. */
export function decodeReview(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new UndecodableResponse(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
  const review = rec(parsed);
  if (!review) throw new UndecodableResponse(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(parsed) ? "array" : typeof parsed} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  if (typeof review.kind !== "string" || !review.kind) throw new UndecodableResponse(`Object 'Kind' is missing in '${body.trim()}'`);
  if (typeof review.apiVersion !== "string" || !review.apiVersion) throw new UndecodableResponse(`Object 'apiVersion' is missing in '${body.trim()}'`);
  const patch = rec(review.response)?.patch;
  if (patch !== undefined && patch !== null) {
    if (typeof patch !== "string") throw new UndecodableResponse(`json: cannot unmarshal ${typeof patch} into Go struct field AdmissionResponse.response.patch of type []uint8`);
    const bad = patch.search(/[^A-Za-z0-9+/=]/);
    if (bad >= 0 || patch.length % 4 !== 0) throw new UndecodableResponse(`illegal base64 data at input byte ${bad >= 0 ? bad : patch.length - (patch.length % 4)}`);
  }
  return review;
}

const gvkString = (apiVersion: string, kind: string): string => `${apiVersion}, Kind=${kind}`;

/** VerifyAdmissionResponse for a decoded review. v1beta1 answers were never checked for uid or kind. */
export function verifyAdmissionResponse(uid: string, version: ReviewVersion, mutating: boolean, review: Record<string, unknown>): AdmissionResult {
  const response = rec(review.response);
  if (!response) throw new InvalidResponse("webhook response was absent");
  if (version === "v1") {
    const got = typeof response.uid === "string" ? response.uid : "";
    if (got !== uid) throw new InvalidResponse(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(got)}`);
    const apiVersion = String(review.apiVersion);
    const kind = String(review.kind);
    if (apiVersion !== "admission.k8s.io/v1" || kind !== "AdmissionReview") {
      throw new InvalidResponse(`expected webhook response of ${gvkString("admission.k8s.io/v1", "AdmissionReview")}, got ${gvkString(apiVersion, kind)}`);
    }
  }
  const patch = typeof response.patch === "string" && response.patch ? response.patch : undefined;
  const patchType = typeof response.patchType === "string" && response.patchType ? response.patchType : undefined;
  if (patch && !patchType) throw new InvalidResponse("webhook returned response.patch but not response.patchType");
  if (!patch && patchType) throw new InvalidResponse("webhook returned response.patchType but not response.patch");
  if (!mutating && patch) throw new InvalidResponse("validating webhook may not return response.patch");
  if (!mutating && patchType) throw new InvalidResponse("validating webhook may not return response.patchType");
  const status = rec(response.status);
  return {
    allowed: response.allowed === true,
    ...(status ? { status } : {}),
    ...(patch ? { patch, patchType } : {}),
    warnings: Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === "string") : [],
  };
}

/** webhookerrors.ToStatusErr: the webhook's own Status, at least a 400, its message prefixed with who denied. */
export function deniedByWebhook(webhookName: string, status: Record<string, unknown> | undefined): StatusError {
  const result = status ?? {};
  const code = typeof result.code === "number" && result.code >= 400 ? result.code : 400;
  const reason = typeof result.reason === "string" ? result.reason : "";
  const message = typeof result.message === "string" ? result.message : "";
  const deniedBy = `admission webhook ${JSON.stringify(webhookName)} denied the request`;
  const text = message ? `${deniedBy}: ${message}` : reason ? `${deniedBy}: ${reason}` : `${deniedBy} without explanation`;
  const details = rec(result.details) as { name?: string; group?: string; kind?: string; causes?: FieldCause[]; retryAfterSeconds?: number } | undefined;
  return new StatusError(code, reason, text, details);
}
