/**
 * One webhook call (the dispatchers' callHook): the dryRun/sideEffects check, the AdmissionReview
 * POSTed to the resolved URL with `?timeout=`, the timeout kept on the injected clock, and the
 * answer decoded and verified. Failures to call come back as CallingWebhookError (the
 * failurePolicy decides); refusals the API must return whatever the policy are StatusErrors.
 */
import { randomUUID } from "node:crypto";
import type { KubeObject } from "../../../api/types.js";
import type { Clock } from "../../../../shared/clock.js";
import { errors } from "../../status.js";
import { admissionReview, decodeReview, InvalidResponse, reviewVersionOf, UndecodableResponse, verifyAdmissionResponse, type AdmissionResult } from "./admission-review.js";
import { TransportError, type WebhookCaller, type WebhookReply } from "./caller.js";
import { resolveClientConfig, type ServiceLookup, type SimulatedAddress } from "./client-config.js";
import type { Invocation } from "./matcher.js";
import type { WebhookRequest } from "./webhook-request.js";

/** webhookutil.ErrCallingWebhook: the webhook could not be asked, or answered nonsense. */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    readonly reason: string,
  ) {
    super(`failed calling webhook ${JSON.stringify(webhookName)}: ${reason}`);
  }
}

export interface CallContext {
  caller: WebhookCaller;
  clock: Clock;
  services: ServiceLookup;
  simulated?: SimulatedAddress;
  /** The AdmissionReview uid; tests fix it. */
  newUid?: () => string;
}

/** errors.NewGenericServerResponse for a non-2xx reply that is not a Status (client-go's newUnstructuredResponseError). */
function serverResponseMessage(reply: WebhookReply): string {
  try {
    const parsed = JSON.parse(reply.body) as { kind?: unknown; message?: unknown };
    if (parsed && parsed.kind === "Status" && typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: a generic message below
  }
  const serverMessage = reply.contentType.startsWith("text/") ? reply.body.slice(0, 1024).trim() : "unknown";
  const fixed: Record<number, string> = {
    400: "the server rejected our request for an unknown reason",
    401: "the server has asked for the client to provide credentials",
    403: serverMessage,
    404: "the server could not find the requested resource",
    405: "the server does not allow this method on the requested resource",
    406: "the server was unable to respond with a content type that the client supports",
    409: "the server reported a conflict",
    415: "the server was unable to handle the media type requested",
    422: "the server rejected our request due to an error in our request",
    429: "the server has received too many requests and has asked us to try again later",
    503: "the server is currently unable to handle the request",
    504: "the server was unable to return a response in the time allotted, but may still be processing the request",
  };
  const known = fixed[reply.status];
  if (known !== undefined) return known;
  if (reply.status >= 500) return `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`;
  return `the server responded with the status code ${reply.status} but did not return more information`;
}

export async function callWebhook(
  ctx: CallContext,
  invocation: Invocation,
  req: WebhookRequest,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  mutating: boolean,
): Promise<AdmissionResult> {
  const hook = invocation.webhook;
  if (req.dryRun && hook.sideEffects !== "None" && hook.sideEffects !== "NoneOnDryRun") {
    if (!hook.sideEffects) throw new CallingWebhookError(hook.name, "Webhook SideEffects is nil");
    throw errors.badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
  }
  const version = reviewVersionOf(hook.admissionReviewVersions);
  if (!version) throw new CallingWebhookError(hook.name, "could not create admission objects: webhook does not accept known AdmissionReview versions");
  if (hook.clientConfig.caBundleError) throw new CallingWebhookError(hook.name, `could not get REST client: ${hook.clientConfig.caBundleError}`);
  const target = await resolveClientConfig(hook.clientConfig, ctx.services, ctx.simulated);
  const url = `${target.url}?timeout=${hook.timeoutSeconds}s`;
  const failedPost = (why: string) => new CallingWebhookError(hook.name, `failed to call webhook: Post ${JSON.stringify(url)}: ${why}`);
  if (target.dialError) throw failedPost(target.dialError);

  const uid = ctx.newUid?.() ?? randomUUID();
  const body = JSON.stringify(admissionReview(uid, version, req, invocation, object, oldObject));
  const abort = new AbortController();
  let cancelTimer = (): void => {};
  const deadline = new Promise<never>((_, reject) => {
    cancelTimer = ctx.clock.setTimer(hook.timeoutSeconds * 1000, () => {
      abort.abort();
      reject(failedPost("context deadline exceeded"));
    });
  });
  let reply: WebhookReply;
  try {
    reply = await Promise.race([ctx.caller.call({ url, ...(target.caBundle ? { caBundle: target.caBundle } : {}), body, signal: abort.signal }), deadline]);
  } catch (error) {
    if (error instanceof CallingWebhookError) throw error;
    throw failedPost(error instanceof TransportError ? error.message : (error as Error).message);
  } finally {
    cancelTimer();
  }
  if (reply.status < 200 || reply.status > 299) throw new CallingWebhookError(hook.name, `failed to call webhook: ${serverResponseMessage(reply)}`);
  try {
    return verifyAdmissionResponse(uid, version, mutating, decodeReview(reply.body));
  } catch (error) {
    if (error instanceof UndecodableResponse) throw new CallingWebhookError(hook.name, `failed to call webhook: ${error.message}`);
    if (error instanceof InvalidResponse) throw new CallingWebhookError(hook.name, `received invalid webhook response: ${error.message}`);
    throw error;
  }
}
