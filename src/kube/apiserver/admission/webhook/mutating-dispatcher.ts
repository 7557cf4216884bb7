/**
 * MutatingAdmissionWebhook's dispatch (mutating/dispatcher.go): the matching webhooks in order,
 * one at a time, each answer's JSONPatch applied to the object in the webhook's version and
 * written back into the request's object; then, if any webhook changed the object, one
 * reinvocation round for the webhooks with reinvocationPolicy IfNeeded called before that change.
 * (Upstream also reinvokes the built-in mutating plugins in that round; minieks's are not reinvoked.)
 */
import { isDeepStrictEqual } from "node:util";
import type { Logger } from "../../../../shared/logger.js";
import { cloneJson } from "../../../../shared/json-clone.js";
import type { KubeObject, StoredObject } from "../../../api/types.js";
import { applyJsonPatch, PatchError } from "../../patch.js";
import { errors } from "../../status.js";
import type { AdmissionAttributes } from "../admission.js";
import { deniedByWebhook } from "./admission-review.js";
import { callWebhook, CallingWebhookError, type CallContext } from "./call.js";
import { shouldCallHook, type Equivalent, type Invocation, type NamespaceLabels } from "./matcher.js";
import type { Webhook } from "./webhook-config.js";
import { webhookRequestOf, type WebhookRequest } from "./webhook-request.js";
import { convertObject, needsConversion, versionedObject } from "./versioned.js";

/** webhookReinvokeContext: who ran with IfNeeded, and who must run again. */
interface ReinvokeContext {
  previouslyInvoked: Set<string>;
  reinvoke: Set<string>;
  shouldReinvoke: boolean;
}

export interface MutatingDispatchContext extends CallContext {
  equivalents(req: WebhookRequest): Equivalent[];
  namespaceLabels: NamespaceLabels;
  logger?: Logger;
}

/** Replaces the request's object in place: admission plugins share it with the handler. */
function replaceContents(target: StoredObject, source: KubeObject): void {
  const { apiVersion, kind } = target;
  for (const key of Object.keys(target)) delete (target as Record<string, unknown>)[key];
  Object.assign(target, source);
  if (apiVersion !== undefined) target.apiVersion = apiVersion;
  if (kind !== undefined) target.kind = kind;
  if (typeof target.metadata !== "object" || target.metadata === null) target.metadata = {};
}

/** Calls one mutating webhook; true when its patch changed the object. */
async function callMutatingHook(ctx: MutatingDispatchContext, attrs: AdmissionAttributes, req: WebhookRequest, invocation: Invocation): Promise<boolean> {
  const name = invocation.webhook.name;
  const object = versionedObject(req, invocation, req.object);
  const result = await callWebhook(ctx, invocation, req, object, versionedObject(req, invocation, req.oldObject), true);
  attrs.warnings?.push(...result.warnings);
  if (!result.allowed) throw deniedByWebhook(name, result.status);
  if (!result.patch) return false;
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(result.patch, "base64").toString("utf8"));
  } catch (error) {
    throw new CallingWebhookError(name, `received undecodable patch in webhook response: ${(error as Error).message}`);
  }
  if (!Array.isArray(ops)) {
    const kind = ops === null ? "null" : typeof ops === "boolean" ? "bool" : typeof ops;
    throw new CallingWebhookError(name, `received undecodable patch in webhook response: json: cannot unmarshal ${kind} into Go value of type jsonpatch.Patch`);
  }
  if (ops.length === 0) return false;
  if (!object || !attrs.object) throw errors.internal(`admission webhook ${JSON.stringify(name)} attempted to modify the object, which is not supported for this operation`);
  if (result.patchType !== "JSONPatch") throw new CallingWebhookError(name, `unsupported patch type ${JSON.stringify(result.patchType ?? "")}`);
  let patched: KubeObject;
  try {
    patched = applyJsonPatch(object, ops);
  } catch (error) {
    if (error instanceof PatchError) throw errors.internal(error.underlying ?? error.message);
    throw error;
  }
  const changed = !isDeepStrictEqual(object, patched);
  const inRequestVersion = needsConversion(req, invocation) ? convertObject(patched, invocation.descriptor, req.descriptor) : patched;
  // A subresource with a kind of its own (scale) is written back into its parent.
  replaceContents(attrs.object, req.view ? req.view.write(cloneJson(attrs.object), inRequestVersion) : inRequestVersion);
  return changed;
}

async function round(ctx: MutatingDispatchContext, attrs: AdmissionAttributes, hooks: Webhook[], reinvoke: ReinvokeContext, isReinvoke: boolean): Promise<void> {
  for (const hook of hooks) {
    const req = webhookRequestOf(attrs);
    const invocation = await shouldCallHook(hook, req, () => ctx.equivalents(req), ctx.namespaceLabels);
    if (!invocation) continue;
    // A webhook skipped in the first round is not called for the first time in the second.
    if (isReinvoke && !reinvoke.reinvoke.has(hook.uid)) continue;
    let changed = false;
    let failure: unknown;
    try {
      changed = await callMutatingHook(ctx, attrs, req, invocation);
    } catch (error) {
      failure = error;
    }
    if (changed) {
      for (const uid of reinvoke.previouslyInvoked) reinvoke.reinvoke.add(uid);
      reinvoke.previouslyInvoked.clear();
      reinvoke.shouldReinvoke = true;
    }
    if (hook.reinvocationPolicy === "IfNeeded") reinvoke.previouslyInvoked.add(hook.uid);
    if (failure === undefined) continue;
    if (failure instanceof CallingWebhookError) {
      if (hook.failurePolicy === "Ignore") {
        ctx.logger?.warn("Failed calling webhook, failing open", { webhook: hook.name, error: failure.message });
        continue;
      }
      throw errors.internal(failure.message);
    }
    throw failure;
  }
}

/** Runs the mutating webhooks of a request (`hooks` already in order). */
export async function dispatchMutating(ctx: MutatingDispatchContext, attrs: AdmissionAttributes, hooks: Webhook[]): Promise<void> {
  const reinvoke: ReinvokeContext = { previouslyInvoked: new Set(), reinvoke: new Set(), shouldReinvoke: false };
  await round(ctx, attrs, hooks, reinvoke, false);
  if (reinvoke.shouldReinvoke) await round(ctx, attrs, hooks, reinvoke, true);
}
