/**
 * ValidatingAdmissionWebhook's dispatch (validating/dispatcher.go): every matching webhook is
 * called at once; the first refusal or failure (in the order they arrive) is the answer.
 */
import type { Logger } from "../../../../shared/logger.js";
import { errors } from "../../status.js";
import type { AdmissionAttributes } from "../admission.js";
import { deniedByWebhook } from "./admission-review.js";
import { callWebhook, CallingWebhookError, type CallContext } from "./call.js";
import { shouldCallHook, type Equivalent, type Invocation, type NamespaceLabels } from "./matcher.js";
import type { Webhook } from "./webhook-config.js";
import { webhookRequestOf, type WebhookRequest } from "./webhook-request.js";
import { versionedObject } from "./versioned.js";

export interface ValidatingDispatchContext extends CallContext {
  equivalents(req: WebhookRequest): Equivalent[];
  namespaceLabels: NamespaceLabels;
  logger?: Logger;
}

export async function dispatchValidating(ctx: ValidatingDispatchContext, attrs: AdmissionAttributes, hooks: Webhook[]): Promise<void> {
  const req = webhookRequestOf(attrs);
  const invocations: Invocation[] = [];
  for (const hook of hooks) {
    const invocation = await shouldCallHook(hook, req, () => ctx.equivalents(req), ctx.namespaceLabels);
    if (invocation) invocations.push(invocation);
  }
  if (invocations.length === 0) return;
  const failures: Error[] = [];
  await Promise.all(
    invocations.map(async (invocation) => {
      const hook = invocation.webhook;
      try {
        const result = await callWebhook(ctx, invocation, req, versionedObject(req, invocation, req.object), versionedObject(req, invocation, req.oldObject), false);
        attrs.warnings?.push(...result.warnings);
        if (!result.allowed) failures.push(deniedByWebhook(hook.name, result.status));
      } catch (error) {
        if (error instanceof CallingWebhookError) {
          if (hook.failurePolicy === "Ignore") {
            ctx.logger?.warn("Failed calling webhook, failing open", { webhook: hook.name, error: error.message });
            return;
          }
          failures.push(errors.internal(error.message));
          return;
        }
        failures.push(error as Error);
      }
    }),
  );
  if (failures[0]) throw failures[0];
}
