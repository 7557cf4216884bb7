/**
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the admission plugins that call the
 * webhooks of MutatingWebhookConfigurations and ValidatingWebhookConfigurations. Upstream runs them
 * at the end of the chain, before ResourceQuota (AllOrderedPlugins); control-plane.ts places them so.
 *
 * Mutating webhooks run in the mutating phase, except for DELETE: upstream calls the mutating
 * admission of a delete inside the registry, just before validation, and so does the chain's
 * validating phase here (minieks's handler has no separate mutating phase for deletes).
 */
import type { Clock } from "../../../../shared/clock.js";
import type { Logger } from "../../../../shared/logger.js";
import type { ResourceDescriptor } from "../../../api/descriptor.js";
import type { InProcessClient } from "../../../client/in-process-client.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.js";
import { admissionForbidden } from "../forbidden.js";
import { httpsCaller, type WebhookCaller } from "./caller.js";
import type { SimulatedAddress } from "./client-config.js";
import { equivalentsOf } from "./matcher.js";
import { dispatchMutating, type MutatingDispatchContext } from "./mutating-dispatcher.js";
import { dispatchValidating } from "./validating-dispatcher.js";
import type { Webhook } from "./webhook-config.js";
import { isExemptConfigurationResource } from "./webhook-request.js";
import { NamespaceLabelSource, unlessNotFound, WebhookSource } from "./webhook-source.js";

export interface WebhookAdmissionOptions {
  /** The API server's loopback client: reads configurations, namespaces, services and endpoints. */
  client: InProcessClient;
  clock: Clock;
  /** The resources served now (CRDs come and go): matchPolicy Equivalent looks for other versions here. */
  descriptors: () => readonly ResourceDescriptor[];
  /** Whether the API serves admissionregistration.k8s.io/v1 (otherwise there are no webhooks to call). */
  serves: (plural: string) => boolean;
  /** The HTTPS client; tests inject an in-process one. */
  caller?: WebhookCaller;
  simulated?: SimulatedAddress;
  logger?: Logger;
  newUid?: () => string;
}

export class WebhookAdmission {
  readonly mutating: AdmissionPlugin;
  readonly validating: AdmissionPlugin;
  private readonly mutatingSource: WebhookSource;
  private readonly validatingSource: WebhookSource;
  private readonly namespaces: NamespaceLabelSource;
  private readonly caller: WebhookCaller;

  constructor(private readonly options: WebhookAdmissionOptions) {
    const { client, clock } = options;
    this.caller = options.caller ?? httpsCaller();
    this.mutatingSource = new WebhookSource(client, "mutatingwebhookconfigurations", clock, () => options.serves("mutatingwebhookconfigurations"));
    this.validatingSource = new WebhookSource(client, "validatingwebhookconfigurations", clock, () => options.serves("validatingwebhookconfigurations"));
    this.namespaces = new NamespaceLabelSource(client, clock);
    const context = this.context();
    this.mutating = {
      name: "MutatingAdmissionWebhook",
      admit: async (attrs) => {
        if (attrs.operation === "DELETE") return;
        const hooks = await this.hooksFor(attrs, this.mutatingSource);
        if (hooks.length) await dispatchMutating(context, attrs, hooks);
      },
      validate: async (attrs) => {
        if (attrs.operation !== "DELETE") return;
        const hooks = await this.hooksFor(attrs, this.mutatingSource);
        if (hooks.length) await dispatchMutating(context, attrs, hooks);
      },
    };
    this.validating = {
      name: "ValidatingAdmissionWebhook",
      validate: async (attrs) => {
        const hooks = await this.hooksFor(attrs, this.validatingSource);
        if (hooks.length) await dispatchValidating(context, attrs, hooks);
      },
    };
  }

  plugins(): AdmissionPlugin[] {
    return [this.mutating, this.validating];
  }

  close(): void {
    this.mutatingSource.stop();
    this.validatingSource.stop();
    this.namespaces.stop();
    this.caller.close?.();
  }

  private context(): MutatingDispatchContext {
    const { client, clock, simulated, logger, newUid, descriptors } = this.options;
    return {
      caller: this.caller,
      clock,
      ...(simulated ? { simulated } : {}),
      ...(logger ? { logger } : {}),
      ...(newUid ? { newUid } : {}),
      services: {
        service: (namespace, name) => unlessNotFound(client.get({ version: "v1", plural: "services", namespace, name })),
        endpoints: (namespace, name) => unlessNotFound(client.get({ version: "v1", plural: "endpoints", namespace, name })),
      },
      equivalents: (req) => equivalentsOf(descriptors(), req),
      namespaceLabels: (name) => this.namespaces.labels(name),
    };
  }

  /** The source's webhooks, none for the configuration kinds themselves; a cache not ready refuses as upstream does. */
  private async hooksFor(attrs: AdmissionAttributes, source: WebhookSource): Promise<Webhook[]> {
    const d = attrs.descriptor;
    if (isExemptConfigurationResource({ group: d.group, version: d.version, kind: d.kind })) return [];
    const hooks = await source.webhooks();
    if (!hooks) throw admissionForbidden(attrs, "not yet ready to handle request");
    return hooks;
  }
}
