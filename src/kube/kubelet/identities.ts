import type { UserInfo } from "../api/types.js";
import { SYSTEM_MASTERS } from "../apiserver/auth/authorizer.js";

/**
 * The fleet's one pod and node watch stands in for every kubelet's own watch (a real kubelet
 * watches its pods with fieldSelector spec.nodeName=<itself>); one shared watch is the
 * simulation's shortcut, so it reads as its own identity. Writes go out as each node's user.
 */
export const KUBELET_FLEET_USER: UserInfo = { username: "eks:kubelet-fleet", groups: [SYSTEM_MASTERS, "system:authenticated"] };

/** The AWS cloud controller manager (deletes the Node of a terminated instance). */
export const CLOUD_CONTROLLER_MANAGER_USER: UserInfo = { username: "eks:cloud-controller-manager", groups: [SYSTEM_MASTERS, "system:authenticated"] };
