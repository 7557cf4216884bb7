import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { StoredObject, UserInfo } from "../../api/types.js";

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** What admission plugins see of a write (kube-apiserver's admission.Attributes). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  descriptor: ResourceDescriptor;
  namespace?: string;
  /** Empty for a create with generateName. */
  name: string;
  subresource?: string;
  /** The object being written; mutating plugins change it in place. Absent for DELETE. */
  object?: StoredObject;
  /** The stored object, for UPDATE and DELETE. */
  oldObject?: StoredObject;
  user: UserInfo;
  dryRun: boolean;
  /** Warnings for the client (the response's Warning headers): plugins push to it (admission.WarningRecorder). */
  warnings?: string[];
}

/**
 * One admission plugin. `admit` runs in the mutating phase (before the strategy's validation) and
 * may change `attrs.object`; `validate` runs after it, just before the write, and may only refuse
 * (by throwing a StatusError). Both are optional.
 */
export interface AdmissionPlugin {
  readonly name: string;
  admit?(attrs: AdmissionAttributes): void | Promise<void>;
  validate?(attrs: AdmissionAttributes): void | Promise<void>;
}

/** The ordered chain: every mutating phase first, then every validating phase (as upstream). */
export class AdmissionChain {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.plugins) await plugin.admit?.(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.plugins) await plugin.validate?.(attrs);
  }
}
