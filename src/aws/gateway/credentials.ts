/** Who a set of AWS credentials belongs to. */
export interface Principal {
  accountId: string;
  /** e.g. arn:aws:iam::000000000000:root */
  arn: string;
  /** What GetCallerIdentity reports as UserId (the account id for a root user). */
  userId: string;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  principal: Principal;
}

/** Finds the secret and owner of an access key id; undefined when the key is unknown. */
export interface CredentialStore {
  lookup(accessKeyId: string): AccessKey | undefined;
}

export const DEFAULT_ACCOUNT_ID = "000000000000";

/**
 * The credentials every local AWS tool accepts: test/test, the root user of account
 * 000000000000. The IAM issue replaces this with access keys kept in storage.
 */
export function defaultCredentialStore(): CredentialStore {
  const root: AccessKey = {
    accessKeyId: "test",
    secretAccessKey: "test",
    principal: {
      accountId: DEFAULT_ACCOUNT_ID,
      arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:root`,
      userId: DEFAULT_ACCOUNT_ID,
    },
  };
  return { lookup: (id) => (id === root.accessKeyId ? root : undefined) };
}
