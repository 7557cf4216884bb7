import type { StoredObject } from "../../api/types.js";
import {
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  SERVICE_ACCOUNT_UID_ANNOTATION,
  type LegacyTokenGenerator,
} from "../../apiserver/auth/legacy-service-account-token.js";
import { resourcePath, type ResourceRef } from "../../client/in-process-client.js";
import { Informer, objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { isConflict, isNotFound, type ControllerContext } from "../common/controller-context.js";
import type { SharedInformer } from "../common/shared-informers.js";

const SECRETS: ResourceRef = { version: "v1", plural: "secrets" };
const SERVICE_ACCOUNTS: ResourceRef = { version: "v1", plural: "serviceaccounts" };

/** What a queued secret needs to be synced even after it is gone (upstream's secretQueueKey). */
interface SecretKey {
  namespace: string;
  name: string;
  uid: string;
  saName: string;
  /** Blank for tokens created without the uid annotation. */
  saUid: string;
}

const annotation = (obj: StoredObject, key: string): string => obj.metadata.annotations?.[key] ?? "";
const dataOf = (secret: StoredObject): Record<string, string> => (secret.data && typeof secret.data === "object" ? (secret.data as Record<string, string>) : {});
const decoded = (value: string | undefined): string => Buffer.from(value ?? "", "base64").toString("utf8");

/**
 * kube-controller-manager's serviceaccount-token controller (TokensController): every Secret of type
 * `kubernetes.io/service-account-token` naming an existing service account gets a legacy token,
 * the cluster CA and its namespace in `data` and the account's uid annotation; one whose account
 * does not exist is deleted, and so are an account's token Secrets when the account is deleted.
 * A deleted token Secret is removed from its account's `secrets` list.
 */
export class TokensController {
  private readonly accounts: SharedInformer;
  private readonly secrets: Informer;
  /** Token Secrets by `<namespace>/<service account name>`: what to delete with an account. */
  private readonly byAccount = new Map<string, Set<string>>();
  private readonly secretQueue: WorkQueue;
  private readonly accountQueue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly generator: LegacyTokenGenerator,
    /** --root-ca-file: the cluster CA (PEM) written as `ca.crt`; none when absent. */
    private readonly rootCaPem: string | undefined,
  ) {
    const onError = (what: string) => (key: string, error: unknown) => ctx.logger.warn(`service-account token ${what} sync failed; retrying`, { key, error: String(error) });
    this.secretQueue = new WorkQueue(ctx.clock, (key) => this.syncSecret(JSON.parse(key) as SecretKey), { onError: onError("secret") });
    this.accountQueue = new WorkQueue(ctx.clock, (key) => this.syncAccount(JSON.parse(key) as { namespace: string; name: string; uid: string }), {
      onError: onError("service account"),
    });
    this.accounts = ctx.informers.informer(SERVICE_ACCOUNTS);
    // Only token Secrets (the `type` field selector, as upstream's FilteringResourceEventHandler keeps only them).
    this.secrets = new Informer(
      ctx.client,
      SECRETS,
      ctx.clock,
      {
        onChange: (secret, previous) => {
          if (previous) this.unindex(previous);
          this.index(secret);
          this.queueSecret(secret);
        },
        onDelete: (secret) => {
          this.unindex(secret);
          this.queueSecret(secret);
        },
      },
      { fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` },
    );
  }

  start(): this {
    const queueAccount = (sa: StoredObject) =>
      this.accountQueue.add(JSON.stringify({ namespace: sa.metadata.namespace ?? "", name: sa.metadata.name ?? "", uid: sa.metadata.uid ?? "" }));
    this.unsubscribe = this.accounts.subscribe({ onChange: queueAccount, onDelete: queueAccount });
    this.secrets.start();
    return this;
  }

  stop(): void {
    this.unsubscribe?.();
    this.secrets.stop();
    this.secretQueue.stop();
    this.accountQueue.stop();
  }

  private queueSecret(secret: StoredObject): void {
    const key: SecretKey = {
      namespace: secret.metadata.namespace ?? "",
      name: secret.metadata.name ?? "",
      uid: secret.metadata.uid ?? "",
      saName: annotation(secret, SERVICE_ACCOUNT_NAME_ANNOTATION),
      saUid: annotation(secret, SERVICE_ACCOUNT_UID_ANNOTATION),
    };
    // Validation requires the name annotation; a key without it is skipped, as upstream's parseSecretQueueKey does.
    if (key.namespace && key.name && key.uid && key.saName) this.secretQueue.add(JSON.stringify(key));
  }

  private index(secret: StoredObject): void {
    const account = `${secret.metadata.namespace ?? ""}/${annotation(secret, SERVICE_ACCOUNT_NAME_ANNOTATION)}`;
    let keys = this.byAccount.get(account);
    if (!keys) this.byAccount.set(account, (keys = new Set()));
    keys.add(objectKey(secret));
  }

  private unindex(secret: StoredObject): void {
    const account = `${secret.metadata.namespace ?? ""}/${annotation(secret, SERVICE_ACCOUNT_NAME_ANNOTATION)}`;
    const keys = this.byAccount.get(account);
    keys?.delete(objectKey(secret));
    if (keys?.size === 0) this.byAccount.delete(account);
  }

  private async synced(): Promise<void> {
    await Promise.all([this.accounts.synced(), this.secrets.synced()]);
  }

  /** syncServiceAccount: an account that no longer exists (with that uid) takes its token Secrets with it. */
  private async syncAccount(key: { namespace: string; name: string; uid: string }): Promise<void> {
    await this.synced();
    if (this.cachedAccount(key.namespace, key.name, key.uid)) return;
    for (const secretKey of [...(this.byAccount.get(`${key.namespace}/${key.name}`) ?? [])]) {
      const secret = this.secrets.get(secretKey);
      // apiserverserviceaccount.IsServiceAccountToken: the uid annotation, when set, must match too.
      if (!secret) continue;
      const uid = annotation(secret, SERVICE_ACCOUNT_UID_ANNOTATION);
      if (uid && uid !== key.uid) continue;
      await this.deleteToken(secret.metadata.namespace ?? "", secret.metadata.name ?? "", secret.metadata.uid ?? "");
    }
  }

  private async syncSecret(key: SecretKey): Promise<void> {
    await this.synced();
    const cached = this.secrets.get(`${key.namespace}/${key.name}`);
    const secret = cached && cached.metadata.uid === key.uid ? cached : undefined;
    if (!secret) {
      // The Secret is gone: its account (if still there) should no longer list it.
      if (this.cachedAccount(key.namespace, key.saName, key.saUid)) await this.removeSecretReference(key);
      return;
    }
    const sa = await this.account(key.namespace, key.saName, key.saUid);
    if (!sa) return this.deleteToken(key.namespace, key.name, key.uid);
    await this.generateTokenIfNeeded(sa, secret);
  }

  private cachedAccount(namespace: string, name: string, uid: string): StoredObject | undefined {
    const sa = this.accounts.get(`${namespace}/${name}`);
    return sa && (!uid || sa.metadata.uid === uid) ? sa : undefined;
  }

  /** getServiceAccount with fetchOnCacheMiss: the cache, else a live read (a just-created account). */
  private async account(namespace: string, name: string, uid: string): Promise<StoredObject | undefined> {
    const cached = this.cachedAccount(namespace, name, uid);
    if (cached) return cached;
    try {
      const live = await this.ctx.client.get({ ...SERVICE_ACCOUNTS, namespace, name });
      return !uid || live.metadata.uid === uid ? live : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** deleteToken: with the uid precondition; gone already or replaced (409) needs no retry. */
  private async deleteToken(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.ctx.client.request("DELETE", resourcePath({ ...SECRETS, namespace, name }), { body: uid ? { preconditions: { uid } } : {} });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }

  /** secretUpdateNeeded: a CA that differs from the root CA, a missing namespace or token. */
  private updateNeeded(secret: StoredObject): boolean {
    const data = dataOf(secret);
    const needsCa = this.rootCaPem !== undefined && this.rootCaPem !== "" && decoded(data["ca.crt"]) !== this.rootCaPem;
    return needsCa || !data.namespace || !data.token;
  }

  private async generateTokenIfNeeded(sa: StoredObject, cached: StoredObject): Promise<void> {
    if (!this.updateNeeded(cached)) return;
    const ref = { ...SECRETS, namespace: cached.metadata.namespace, name: cached.metadata.name };
    let live: StoredObject;
    try {
      live = await this.ctx.client.get(ref);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    // Our view is stale: the watch will bring the newer Secret and another sync.
    if (live.metadata.resourceVersion !== cached.metadata.resourceVersion || !this.updateNeeded(live)) return;
    const data = { ...dataOf(live) };
    const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
    if (this.rootCaPem && decoded(data["ca.crt"]) !== this.rootCaPem) data["ca.crt"] = b64(this.rootCaPem);
    if (!data.namespace) data.namespace = b64(live.metadata.namespace ?? "");
    if (!data.token) {
      const account = { namespace: sa.metadata.namespace ?? "", name: sa.metadata.name ?? "", uid: sa.metadata.uid ?? "" };
      data.token = b64(this.generator.legacyToken(account, live.metadata.name ?? ""));
    }
    const annotations = { ...live.metadata.annotations, [SERVICE_ACCOUNT_NAME_ANNOTATION]: sa.metadata.name ?? "", [SERVICE_ACCOUNT_UID_ANNOTATION]: sa.metadata.uid ?? "" };
    try {
      await this.ctx.client.update(ref, { ...live, metadata: { ...live.metadata, annotations }, data });
    } catch (error) {
      // Conflict: someone else changed it and its event will come; NotFound: nothing left to fill.
      if (!isConflict(error) && !isNotFound(error)) throw error;
    }
  }

  /** removeSecretReference: drops the deleted Secret from the account's `secrets`. */
  private async removeSecretReference(key: SecretKey): Promise<void> {
    const ref = { ...SERVICE_ACCOUNTS, namespace: key.namespace, name: key.saName };
    for (let attempt = 0; attempt < 10; attempt++) {
      let sa: StoredObject;
      try {
        sa = await this.ctx.client.get(ref);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      if (key.saUid && sa.metadata.uid !== key.saUid) return;
      const secrets = Array.isArray(sa.secrets) ? (sa.secrets as { name?: string }[]) : [];
      if (!secrets.some((s) => s.name === key.name)) return;
      try {
        await this.ctx.client.update(ref, { ...sa, secrets: secrets.filter((s) => s.name !== key.name) });
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isConflict(error)) throw error;
      }
    }
  }
}
