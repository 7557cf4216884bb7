/**
 * Nested OpenAPI schemas of the types people explain and apply most: PodSpec and everything a
 * container carries, PodStatus, ServiceSpec, the apps/batch workload specs and statuses, Node and
 * Namespace. Field names, types, required lists and the list/patch extensions (which server-side
 * apply and strategic merge patch read) follow k8s.io/api 1.34; descriptions are shortened.
 *
 * The published documents take a named type from here when the kind's own schema leaves it open,
 * and pull in whatever these reference (openapi.ts resolves the references transitively).
 */
import type { Schema } from "./openapi-schemas.js";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const CORE = "io.k8s.api.core.v1";
const APPS = "io.k8s.api.apps.v1";
const BATCH = "io.k8s.api.batch.v1";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (description: string, extra: Schema = {}): Schema => ({ description, type: "string", ...extra });
const int32 = (description: string, extra: Schema = {}): Schema => ({ description, type: "integer", format: "int32", ...extra });
const int64 = (description: string, extra: Schema = {}): Schema => ({ description, type: "integer", format: "int64", ...extra });
const bool = (description: string, extra: Schema = {}): Schema => ({ description, type: "boolean", ...extra });
const strMap = (description: string, extra: Schema = {}): Schema => ({ description, type: "object", additionalProperties: { type: "string", default: "" }, ...extra });
const quantityMap = (description: string): Schema => ({ description, type: "object", additionalProperties: ref(QUANTITY) });
const strList = (description: string, listType: "atomic" | "set" = "atomic", extra: Schema = {}): Schema => ({
  description,
  type: "array",
  items: { type: "string", default: "" },
  "x-kubernetes-list-type": listType,
  ...extra,
});
/** A field of a named struct type; `value` = non-pointer in Go (upstream adds `default: {}`). */
const one = (name: string, description: string, value = false): Schema => ({ description, ...(value ? { default: {} } : {}), allOf: [ref(name)] });
const many = (name: string, description: string, ext: Schema): Schema => ({ description, type: "array", items: { default: {}, allOf: [ref(name)] }, ...ext });
const time = (description: string): Schema => one(`${META}.Time`, description);
const quantity = (description: string): Schema => one(QUANTITY, description);
const intOrString = (description: string): Schema => one(INT_OR_STRING, description);

const ATOMIC: Schema = { "x-kubernetes-list-type": "atomic" };
/** A list merged by key: SSA list-map plus strategic-merge-patch merge (optionally also retainKeys). */
const keyed = (keys: string[], patchKey = keys[0], strategy = "merge"): Schema => ({
  "x-kubernetes-list-map-keys": keys,
  "x-kubernetes-list-type": "map",
  "x-kubernetes-patch-merge-key": patchKey,
  "x-kubernetes-patch-strategy": strategy,
});
const ATOMIC_MAP: Schema = { "x-kubernetes-map-type": "atomic" };

const obj = (description: string, properties: Record<string, Schema>, required?: string[], extra: Schema = {}): Schema => ({
  description,
  type: "object",
  ...(required ? { required } : {}),
  properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1))),
  ...extra,
});

const conditionFields = (withProbe: boolean): Record<string, Schema> => ({
  ...(withProbe ? { lastProbeTime: time("Last time we probed the condition.") } : {}),
  lastTransitionTime: time("Last time the condition transitioned from one status to another."),
  message: str("Human-readable message indicating details about last transition."),
  reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
  status: str("Status of the condition, one of True, False, Unknown.", { default: "" }),
  type: str("Type of the condition.", { default: "" }),
});

const probeHandlers: Record<string, Schema> = {
  exec: one(`${CORE}.ExecAction`, "Exec specifies a command to execute in the container."),
  httpGet: one(`${CORE}.HTTPGetAction`, "HTTPGet specifies an HTTP GET request to perform."),
  tcpSocket: one(`${CORE}.TCPSocketAction`, "TCPSocket specifies a connection to a TCP port."),
};

const containerFields: Record<string, Schema> = {
  args: strList("Arguments to the entrypoint. The container image's CMD is used if this is not provided."),
  command: strList("Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided."),
  env: many(`${CORE}.EnvVar`, "List of environment variables to set in the container. Cannot be updated.", keyed(["name"])),
  envFrom: many(`${CORE}.EnvFromSource`, "List of sources to populate environment variables in the container.", ATOMIC),
  image: str("Container image name. More info: https://kubernetes.io/docs/concepts/containers/images"),
  imagePullPolicy: str("Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.", {
    enum: ["Always", "IfNotPresent", "Never"],
  }),
  lifecycle: one(`${CORE}.Lifecycle`, "Actions that the management system should take in response to container lifecycle events. Cannot be updated."),
  livenessProbe: one(`${CORE}.Probe`, "Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated."),
  name: str("Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.", { default: "" }),
  ports: many(`${CORE}.ContainerPort`, "List of ports to expose from the container.", keyed(["containerPort", "protocol"], "containerPort")),
  readinessProbe: one(`${CORE}.Probe`, "Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated."),
  resizePolicy: many(`${CORE}.ContainerResizePolicy`, "Resources resize policy for the container.", ATOMIC),
  resources: one(`${CORE}.ResourceRequirements`, "Compute Resources required by this container. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/", true),
  restartPolicy: str("RestartPolicy defines the restart behavior of individual containers in a pod. Only `Always` is allowed, for init containers (sidecars)."),
  securityContext: one(`${CORE}.SecurityContext`, "SecurityContext defines the security options the container should be run with."),
  startupProbe: one(`${CORE}.Probe`, "StartupProbe indicates that the Pod has successfully initialized. Other probes run only after it succeeds."),
  stdin: bool("Whether this container should allocate a buffer for stdin in the container runtime."),
  stdinOnce: bool("Whether the container runtime should close the stdin channel after it has been opened by a single attach."),
  terminationMessagePath: str("Path at which the file to which the container's termination message will be written is mounted. Defaults to /dev/termination-log."),
  terminationMessagePolicy: str("Indicate how the termination message should be populated. One of File, FallbackToLogsOnError. Defaults to File.", {
    enum: ["FallbackToLogsOnError", "File"],
  }),
  tty: bool("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true."),
  volumeDevices: many(`${CORE}.VolumeDevice`, "volumeDevices is the list of block devices to be used by the container.", keyed(["devicePath"])),
  volumeMounts: many(`${CORE}.VolumeMount`, "Pod volumes to mount into the container's filesystem. Cannot be updated.", keyed(["mountPath"])),
  workingDir: str("Container's working directory. Defaults to the container runtime's default."),
};

const keySelector = (what: string): Schema =>
  obj(
    `Selects a key from a ${what}.`,
    {
      key: str(`The key of the ${what} to select from. Must be a valid secret key.`, { default: "" }),
      name: str("Name of the referent.", { default: "" }),
      optional: bool(`Specify whether the ${what} or its key must be defined`),
    },
    ["key"],
    ATOMIC_MAP,
  );

const projectionItems = many(`${CORE}.KeyToPath`, "items, if unspecified, projects each key-value pair of the Data field as a file named by the key.", ATOMIC);

const podSpecFields: Record<string, Schema> = {
  activeDeadlineSeconds: int64("Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers."),
  affinity: one(`${CORE}.Affinity`, "If specified, the pod's scheduling constraints"),
  automountServiceAccountToken: bool("AutomountServiceAccountToken indicates whether a service account token should be automatically mounted."),
  containers: many(`${CORE}.Container`, "List of containers belonging to the pod. There must be at least one container in a Pod. Cannot be updated.", keyed(["name"])),
  dnsConfig: one(`${CORE}.PodDNSConfig`, "Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy."),
  dnsPolicy: str("Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'.", {
    enum: ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
  }),
  enableServiceLinks: bool("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables. Optional: Defaults to true."),
  ephemeralContainers: many(`${CORE}.EphemeralContainer`, "List of ephemeral containers run in this pod. This field cannot be set when creating a pod.", keyed(["name"])),
  hostAliases: many(`${CORE}.HostAlias`, "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified.", keyed(["ip"])),
  hostIPC: bool("Use the host's ipc namespace. Optional: Default to false."),
  hostNetwork: bool("Host networking requested for this pod. Use the host's network namespace. Default to false."),
  hostPID: bool("Use the host's pid namespace. Optional: Default to false."),
  hostUsers: bool("Use the host's user namespace. Optional: Default to true."),
  hostname: str("Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
  imagePullSecrets: many(`${CORE}.LocalObjectReference`, "ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec.", keyed(["name"])),
  initContainers: many(`${CORE}.Container`, "List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.", keyed(["name"])),
  nodeName: str("NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName."),
  nodeSelector: strMap("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.", ATOMIC_MAP),
  os: one(`${CORE}.PodOS`, "Specifies the OS of the containers in the pod."),
  overhead: quantityMap("Overhead represents the resource overhead associated with running a pod for a given RuntimeClass."),
  preemptionPolicy: str("PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.", {
    enum: ["Never", "PreemptLowerPriority"],
  }),
  priority: int32("The priority value. Various system components use this field to find the priority of the pod."),
  priorityClassName: str("If specified, indicates the pod's priority. \"system-node-critical\" and \"system-cluster-critical\" are two special keywords which indicate the highest priorities."),
  readinessGates: many(`${CORE}.PodReadinessGate`, "If specified, all readiness gates will be evaluated for pod readiness.", ATOMIC),
  resourceClaims: many(`${CORE}.PodResourceClaim`, "ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start.", keyed(["name"], "name", "merge,retainKeys")),
  resources: one(`${CORE}.ResourceRequirements`, "Resources is the total amount of CPU and Memory resources required by all containers in the pod."),
  restartPolicy: str("Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.", { enum: ["Always", "Never", "OnFailure"] }),
  runtimeClassName: str("RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod."),
  schedulerName: str("If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler."),
  schedulingGates: many(`${CORE}.PodSchedulingGate`, "SchedulingGates is an opaque list of values that if specified will block scheduling the pod.", keyed(["name"])),
  securityContext: one(`${CORE}.PodSecurityContext`, "SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty."),
  serviceAccount: str("DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead."),
  serviceAccountName: str("ServiceAccountName is the name of the ServiceAccount to use to run this pod. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"),
  setHostnameAsFQDN: bool("If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default)."),
  shareProcessNamespace: bool("Share a single process namespace between all of the containers in a pod. Optional: Default to false."),
  subdomain: str("If specified, the fully qualified Pod hostname will be \"<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>\"."),
  terminationGracePeriodSeconds: int64("Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds."),
  tolerations: many(`${CORE}.Toleration`, "If specified, the pod's tolerations.", ATOMIC),
  topologySpreadConstraints: many(
    `${CORE}.TopologySpreadConstraint`,
    "TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.",
    keyed(["topologyKey", "whenUnsatisfiable"], "topologyKey"),
  ),
  volumes: many(`${CORE}.Volume`, "List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes", keyed(["name"], "name", "merge,retainKeys")),
};

const podAffinity = (anti: boolean): Schema =>
  obj(`Pod ${anti ? "anti-" : ""}affinity is a group of inter pod ${anti ? "anti " : ""}affinity scheduling rules.`, {
    preferredDuringSchedulingIgnoredDuringExecution: many(`${CORE}.WeightedPodAffinityTerm`, "The scheduler will prefer to schedule pods to nodes that satisfy the expressions specified by this field.", ATOMIC),
    requiredDuringSchedulingIgnoredDuringExecution: many(`${CORE}.PodAffinityTerm`, "If the requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.", ATOMIC),
  });

const securityContextShared = {
  appArmorProfile: one(`${CORE}.AppArmorProfile`, "appArmorProfile is the AppArmor options to use by the containers in this pod."),
  runAsGroup: int64("The GID to run the entrypoint of the container process. Uses runtime default if unset."),
  runAsNonRoot: bool("Indicates that the container must run as a non-root user."),
  runAsUser: int64("The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified."),
  seLinuxOptions: one(`${CORE}.SELinuxOptions`, "The SELinux context to be applied to the container."),
  seccompProfile: one(`${CORE}.SeccompProfile`, "The seccomp options to use by the containers in this pod."),
  windowsOptions: one(`${CORE}.WindowsSecurityContextOptions`, "The Windows specific settings applied to all containers."),
};

const labelSelectorRef = (description: string): Schema => one(`${META}.LabelSelector`, description);

const workloadConditions = (name: string, description: string): Schema => many(name, description, keyed(["type"]));

/** Named types, by schema name. */
export const WORKLOAD_SCHEMAS: Record<string, Schema> = {
  [QUANTITY]: {
    description: "Quantity is a fixed-point representation of a number. Serialized as a string such as \"100m\", \"2Gi\" or \"1.5\".",
    oneOf: [{ type: "string" }, { type: "number" }],
  },
  [INT_OR_STRING]: { description: "IntOrString is a type that can hold an int32 or a string.", type: "string", format: "int-or-string" },
  [`${META}.LabelSelector`]: obj(
    "A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.",
    {
      matchExpressions: many(`${META}.LabelSelectorRequirement`, "matchExpressions is a list of label selector requirements. The requirements are ANDed.", ATOMIC),
      matchLabels: strMap("matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is \"key\", the operator is \"In\", and the values array contains only \"value\"."),
    },
    undefined,
    ATOMIC_MAP,
  ),
  [`${META}.LabelSelectorRequirement`]: obj(
    "A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.",
    {
      key: str("key is the label key that the selector applies to.", { default: "" }),
      operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.", { default: "" }),
      values: strList("values is an array of string values. If the operator is In or NotIn, the values array must be non-empty."),
    },
    ["key", "operator"],
  ),
  [`${META}.Condition`]: obj(
    "Condition contains details for one aspect of the current state of this API Resource.",
    {
      lastTransitionTime: time("lastTransitionTime is the last time the condition transitioned from one status to another."),
      message: str("message is a human readable message indicating details about the transition.", { default: "" }),
      observedGeneration: int64("observedGeneration represents the .metadata.generation that the condition was set based upon."),
      reason: str("reason contains a programmatic identifier indicating the reason for the condition's last transition.", { default: "" }),
      status: str("status of the condition, one of True, False, Unknown.", { default: "" }),
      type: str("type of condition in CamelCase or in foo.example.com/CamelCase.", { default: "" }),
    },
    ["type", "status", "lastTransitionTime", "reason", "message"],
  ),

  // ---- core/v1: pods ----
  [`${CORE}.PodTemplateSpec`]: obj("PodTemplateSpec describes the data a pod should have when created from a template", {
    metadata: one(`${META}.ObjectMeta`, "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", true),
    spec: one(`${CORE}.PodSpec`, "Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status", true),
  }),
  [`${CORE}.PodSpec`]: obj("PodSpec is a description of a pod.", podSpecFields, ["containers"]),
  [`${CORE}.Container`]: obj("A single application container that you want to run within a pod.", containerFields, ["name"]),
  [`${CORE}.EphemeralContainer`]: obj(
    "An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging.",
    { ...containerFields, targetContainerName: str("If set, the name of the container from PodSpec that this ephemeral container targets.") },
    ["name"],
  ),
  [`${CORE}.ContainerPort`]: obj(
    "ContainerPort represents a network port in a single container.",
    {
      containerPort: int32("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536.", { default: 0 }),
      hostIP: str("What host IP to bind the external port to."),
      hostPort: int32("Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536."),
      name: str("If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name."),
      protocol: str("Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\".", { default: "TCP", enum: ["SCTP", "TCP", "UDP"] }),
    },
    ["containerPort"],
  ),
  [`${CORE}.EnvVar`]: obj(
    "EnvVar represents an environment variable present in a Container.",
    {
      name: str("Name of the environment variable.", { default: "" }),
      value: str("Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. Defaults to \"\"."),
      valueFrom: one(`${CORE}.EnvVarSource`, "Source for the environment variable's value. Cannot be used if value is not empty."),
    },
    ["name"],
  ),
  [`${CORE}.EnvVarSource`]: obj("EnvVarSource represents a source for the value of an EnvVar.", {
    configMapKeyRef: one(`${CORE}.ConfigMapKeySelector`, "Selects a key of a ConfigMap."),
    fieldRef: one(`${CORE}.ObjectFieldSelector`, "Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs."),
    resourceFieldRef: one(`${CORE}.ResourceFieldSelector`, "Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are currently supported."),
    secretKeyRef: one(`${CORE}.SecretKeySelector`, "Selects a key of a secret in the pod's namespace"),
  }),
  [`${CORE}.ConfigMapKeySelector`]: keySelector("ConfigMap"),
  [`${CORE}.SecretKeySelector`]: keySelector("secret"),
  [`${CORE}.ObjectFieldSelector`]: obj(
    "ObjectFieldSelector selects an APIVersioned field of an object.",
    {
      apiVersion: str("Version of the schema the FieldPath is written in terms of, defaults to \"v1\"."),
      fieldPath: str("Path of the field to select in the specified API version.", { default: "" }),
    },
    ["fieldPath"],
    ATOMIC_MAP,
  ),
  [`${CORE}.ResourceFieldSelector`]: obj(
    "ResourceFieldSelector represents container resources (cpu, memory) and their output format",
    {
      containerName: str("Container name: required for volumes, optional for env vars"),
      divisor: quantity("Specifies the output format of the exposed resources, defaults to \"1\""),
      resource: str("Required: resource to select", { default: "" }),
    },
    ["resource"],
    ATOMIC_MAP,
  ),
  [`${CORE}.EnvFromSource`]: obj("EnvFromSource represents the source of a set of ConfigMaps or Secrets", {
    configMapRef: one(`${CORE}.ConfigMapEnvSource`, "The ConfigMap to select from"),
    prefix: str("Optional text to prepend to the name of each environment variable."),
    secretRef: one(`${CORE}.SecretEnvSource`, "The Secret to select from"),
  }),
  [`${CORE}.ConfigMapEnvSource`]: obj("ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.", {
    name: str("Name of the referent.", { default: "" }),
    optional: bool("Specify whether the ConfigMap must be defined"),
  }),
  [`${CORE}.SecretEnvSource`]: obj("SecretEnvSource selects a Secret to populate the environment variables with.", {
    name: str("Name of the referent.", { default: "" }),
    optional: bool("Specify whether the Secret must be defined"),
  }),
  [`${CORE}.ResourceRequirements`]: obj("ResourceRequirements describes the compute resource requirements.", {
    claims: many(`${CORE}.ResourceClaim`, "Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.", { "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-list-type": "map" }),
    limits: quantityMap("Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
    requests: quantityMap("Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"),
  }),
  [`${CORE}.ResourceClaim`]: obj(
    "ResourceClaim references one entry in PodSpec.ResourceClaims.",
    {
      name: str("Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used.", { default: "" }),
      request: str("Request is the name chosen for a request in the referenced claim."),
    },
    ["name"],
  ),
  [`${CORE}.ContainerResizePolicy`]: obj(
    "ContainerResizePolicy represents resource resize policy for the container.",
    {
      resourceName: str("Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.", { default: "" }),
      restartPolicy: str("Restart policy to apply when specified resource is resized. If not specified, it defaults to NotRequired.", { default: "" }),
    },
    ["resourceName", "restartPolicy"],
  ),
  [`${CORE}.VolumeMount`]: obj(
    "VolumeMount describes a mounting of a Volume within a container.",
    {
      mountPath: str("Path within the container at which the volume should be mounted. Must not contain ':'.", { default: "" }),
      mountPropagation: str("mountPropagation determines how mounts are propagated from the host to container and the other way around."),
      name: str("This must match the Name of a Volume.", { default: "" }),
      readOnly: bool("Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false."),
      recursiveReadOnly: str("RecursiveReadOnly specifies whether read-only mounts should be handled recursively."),
      subPath: str("Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root)."),
      subPathExpr: str("Expanded path within the volume from which the container's volume should be mounted."),
    },
    ["name", "mountPath"],
  ),
  [`${CORE}.VolumeDevice`]: obj(
    "volumeDevice describes a mapping of a raw block device within a container.",
    {
      devicePath: str("devicePath is the path inside of the container that the device will be mapped to.", { default: "" }),
      name: str("name must match the name of a persistentVolumeClaim in the pod", { default: "" }),
    },
    ["name", "devicePath"],
  ),
  [`${CORE}.Probe`]: obj(
    "Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.",
    {
      ...probeHandlers,
      failureThreshold: int32("Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1."),
      grpc: one(`${CORE}.GRPCAction`, "GRPC specifies a GRPC HealthCheckRequest."),
      initialDelaySeconds: int32("Number of seconds after the container has started before liveness probes are initiated."),
      periodSeconds: int32("How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1."),
      successThreshold: int32("Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1."),
      terminationGracePeriodSeconds: int64("Optional duration in seconds the pod needs to terminate gracefully upon probe failure."),
      timeoutSeconds: int32("Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1."),
    },
  ),
  [`${CORE}.ExecAction`]: obj("ExecAction describes a \"run in container\" action.", {
    command: strList("Command is the command line to execute inside the container, the working directory for the command  is root ('/') in the container's filesystem."),
  }),
  [`${CORE}.HTTPGetAction`]: obj(
    "HTTPGetAction describes an action based on HTTP Get requests.",
    {
      host: str("Host name to connect to, defaults to the pod IP. You probably want to set \"Host\" in httpHeaders instead."),
      httpHeaders: many(`${CORE}.HTTPHeader`, "Custom headers to set in the request. HTTP allows repeated headers.", ATOMIC),
      path: str("Path to access on the HTTP server."),
      port: intOrString("Name or number of the port to access on the container. Number must be in the range 1 to 65535."),
      scheme: str("Scheme to use for connecting to the host. Defaults to HTTP.", { enum: ["HTTP", "HTTPS"] }),
    },
    ["port"],
  ),
  [`${CORE}.HTTPHeader`]: obj(
    "HTTPHeader describes a custom header to be used in HTTP probes",
    { name: str("The header field name.", { default: "" }), value: str("The header field value", { default: "" }) },
    ["name", "value"],
  ),
  [`${CORE}.TCPSocketAction`]: obj(
    "TCPSocketAction describes an action based on opening a socket",
    { host: str("Optional: Host name to connect to, defaults to the pod IP."), port: intOrString("Number or name of the port to access on the container.") },
    ["port"],
  ),
  [`${CORE}.GRPCAction`]: obj(
    "GRPCAction specifies an action involving a GRPC service.",
    {
      port: int32("Port number of the gRPC service. Number must be in the range 1 to 65535.", { default: 0 }),
      service: str("Service is the name of the service to place in the gRPC HealthCheckRequest. If this is not specified, the default behavior is defined by gRPC.", { default: "" }),
    },
    ["port"],
  ),
  [`${CORE}.Lifecycle`]: obj("Lifecycle describes actions that the management system should take in response to container lifecycle events.", {
    postStart: one(`${CORE}.LifecycleHandler`, "PostStart is called immediately after a container is created."),
    preStop: one(`${CORE}.LifecycleHandler`, "PreStop is called immediately before a container is terminated due to an API request or management event."),
    stopSignal: str("StopSignal defines which signal will be sent to a container when it is being stopped."),
  }),
  [`${CORE}.LifecycleHandler`]: obj("LifecycleHandler defines a specific action that should be taken in a lifecycle hook. One and only one of the fields, except TCPSocket must be specified.", {
    ...probeHandlers,
    sleep: one(`${CORE}.SleepAction`, "Sleep represents a duration that the container should sleep."),
  }),
  [`${CORE}.SleepAction`]: obj("SleepAction describes a \"sleep\" action.", { seconds: int64("Seconds is the number of seconds to sleep.", { default: 0 }) }, ["seconds"]),
  [`${CORE}.SecurityContext`]: obj("SecurityContext holds security configuration that will be applied to a container.", {
    ...securityContextShared,
    allowPrivilegeEscalation: bool("AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process."),
    capabilities: one(`${CORE}.Capabilities`, "The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime."),
    privileged: bool("Run container in privileged mode. Processes in privileged containers are essentially equivalent to root on the host. Defaults to false."),
    procMount: str("procMount denotes the type of proc mount to use for the containers. The default value is Default.", { enum: ["Default", "Unmasked"] }),
    readOnlyRootFilesystem: bool("Whether this container has a read-only root filesystem. Default is false."),
  }),
  [`${CORE}.PodSecurityContext`]: obj("PodSecurityContext holds pod-level security attributes and common container settings.", {
    ...securityContextShared,
    fsGroup: int64("A special supplemental group that applies to all containers in a pod."),
    fsGroupChangePolicy: str("fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod.", { enum: ["Always", "OnRootMismatch"] }),
    seLinuxChangePolicy: str("seLinuxChangePolicy defines how the container's SELinux label is applied to all volumes used by the Pod."),
    supplementalGroups: { description: "A list of groups applied to the first process run in each container, in addition to the container's primary GID and fsGroup.", type: "array", items: { type: "integer", format: "int64", default: 0 }, ...ATOMIC },
    supplementalGroupsPolicy: str("Defines how supplemental groups of the first container processes are calculated. Valid values are \"Merge\" and \"Strict\".", { enum: ["Merge", "Strict"] }),
    sysctls: many(`${CORE}.Sysctl`, "Sysctls hold a list of namespaced sysctls used for the pod.", ATOMIC),
  }),
  [`${CORE}.Capabilities`]: obj("Adds and removes POSIX capabilities from running containers.", {
    add: strList("Added capabilities"),
    drop: strList("Removed capabilities"),
  }),
  [`${CORE}.SELinuxOptions`]: obj("SELinuxOptions are the labels to be applied to the container", {
    level: str("Level is SELinux level label that applies to the container."),
    role: str("Role is a SELinux role label that applies to the container."),
    type: str("Type is a SELinux type label that applies to the container."),
    user: str("User is a SELinux user label that applies to the container."),
  }),
  [`${CORE}.SeccompProfile`]: obj(
    "SeccompProfile defines a pod/container's seccomp profile settings. Only one profile source may be set.",
    {
      localhostProfile: str("localhostProfile indicates a profile defined in a file on the node should be used."),
      type: str("type indicates which kind of seccomp profile will be applied. Valid options are Localhost, RuntimeDefault, Unconfined.", { default: "", enum: ["Localhost", "RuntimeDefault", "Unconfined"] }),
    },
    ["type"],
    { "x-kubernetes-unions": [{ discriminator: "type", "fields-to-discriminateBy": { localhostProfile: "LocalhostProfile" } }] },
  ),
  [`${CORE}.AppArmorProfile`]: obj(
    "AppArmorProfile defines a pod or container's AppArmor settings.",
    {
      localhostProfile: str("localhostProfile indicates a profile loaded on the node that should be used."),
      type: str("type indicates which kind of AppArmor profile will be applied. Valid options are Localhost, RuntimeDefault, Unconfined.", { default: "", enum: ["Localhost", "RuntimeDefault", "Unconfined"] }),
    },
    ["type"],
    { "x-kubernetes-unions": [{ discriminator: "type", "fields-to-discriminateBy": { localhostProfile: "LocalhostProfile" } }] },
  ),
  [`${CORE}.WindowsSecurityContextOptions`]: obj("WindowsSecurityContextOptions contain Windows-specific options and credentials.", {
    gmsaCredentialSpec: str("GMSACredentialSpec is where the GMSA admission webhook inlines the contents of the GMSA credential spec named by the GMSACredentialSpecName field."),
    gmsaCredentialSpecName: str("GMSACredentialSpecName is the name of the GMSA credential spec to use."),
    hostProcess: bool("HostProcess determines if a container should be run as a 'Host Process' container."),
    runAsUserName: str("The UserName in Windows to run the entrypoint of the container process."),
  }),
  [`${CORE}.Sysctl`]: obj("Sysctl defines a kernel parameter to be set", { name: str("Name of a property to set", { default: "" }), value: str("Value of a property to set", { default: "" }) }, ["name", "value"]),
  [`${CORE}.LocalObjectReference`]: obj(
    "LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.",
    { name: str("Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names", { default: "" }) },
    undefined,
    ATOMIC_MAP,
  ),
  [`${CORE}.Affinity`]: obj("Affinity is a group of affinity scheduling rules.", {
    nodeAffinity: one(`${CORE}.NodeAffinity`, "Describes node affinity scheduling rules for the pod."),
    podAffinity: one(`${CORE}.PodAffinity`, "Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s))."),
    podAntiAffinity: one(`${CORE}.PodAntiAffinity`, "Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s))."),
  }),
  [`${CORE}.NodeAffinity`]: obj("Node affinity is a group of node affinity scheduling rules.", {
    preferredDuringSchedulingIgnoredDuringExecution: many(`${CORE}.PreferredSchedulingTerm`, "The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.", ATOMIC),
    requiredDuringSchedulingIgnoredDuringExecution: one(`${CORE}.NodeSelector`, "If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node."),
  }),
  [`${CORE}.NodeSelector`]: obj(
    "A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.",
    { nodeSelectorTerms: many(`${CORE}.NodeSelectorTerm`, "Required. A list of node selector terms. The terms are ORed.", ATOMIC) },
    ["nodeSelectorTerms"],
    ATOMIC_MAP,
  ),
  [`${CORE}.NodeSelectorTerm`]: obj(
    "A null or empty node selector term matches no objects. The requirements of them are ANDed.",
    {
      matchExpressions: many(`${CORE}.NodeSelectorRequirement`, "A list of node selector requirements by node's labels.", ATOMIC),
      matchFields: many(`${CORE}.NodeSelectorRequirement`, "A list of node selector requirements by node's fields.", ATOMIC),
    },
    undefined,
    ATOMIC_MAP,
  ),
  [`${CORE}.NodeSelectorRequirement`]: obj(
    "A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.",
    {
      key: str("The label key that the selector applies to.", { default: "" }),
      operator: str("Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.", {
        default: "",
        enum: ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"],
      }),
      values: strList("An array of string values."),
    },
    ["key", "operator"],
  ),
  [`${CORE}.PreferredSchedulingTerm`]: obj(
    "An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it's a no-op).",
    {
      preference: one(`${CORE}.NodeSelectorTerm`, "A node selector term, associated with the corresponding weight.", true),
      weight: int32("Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.", { default: 0 }),
    },
    ["weight", "preference"],
  ),
  [`${CORE}.PodAffinity`]: podAffinity(false),
  [`${CORE}.PodAntiAffinity`]: podAffinity(true),
  [`${CORE}.WeightedPodAffinityTerm`]: obj(
    "The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)",
    {
      podAffinityTerm: one(`${CORE}.PodAffinityTerm`, "Required. A pod affinity term, associated with the corresponding weight.", true),
      weight: int32("weight associated with matching the corresponding podAffinityTerm, in the range 1-100.", { default: 0 }),
    },
    ["weight", "podAffinityTerm"],
  ),
  [`${CORE}.PodAffinityTerm`]: obj(
    "Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with.",
    {
      labelSelector: labelSelectorRef("A label query over a set of resources, in this case pods. If it's null, this PodAffinityTerm matches with no Pods."),
      matchLabelKeys: strList("MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration."),
      mismatchLabelKeys: strList("MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration."),
      namespaceSelector: labelSelectorRef("A label query over the set of namespaces that the term applies to."),
      namespaces: strList("namespaces specifies a static list of namespace names that the term applies to."),
      topologyKey: str("This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces.", { default: "" }),
    },
    ["topologyKey"],
  ),
  [`${CORE}.Toleration`]: obj("The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.", {
    effect: str("Effect indicates the taint effect to match. Empty means match all taint effects.", { enum: ["NoExecute", "NoSchedule", "PreferNoSchedule"] }),
    key: str("Key is the taint key that the toleration applies to. Empty means match all taint keys."),
    operator: str("Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal.", { enum: ["Equal", "Exists"] }),
    tolerationSeconds: int64("TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute) tolerates the taint."),
    value: str("Value is the taint value the toleration matches to."),
  }),
  [`${CORE}.TopologySpreadConstraint`]: obj(
    "TopologySpreadConstraint specifies how to spread matching pods among the given topology.",
    {
      labelSelector: labelSelectorRef("LabelSelector is used to find matching pods."),
      matchLabelKeys: strList("MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated."),
      maxSkew: int32("MaxSkew describes the degree to which pods may be unevenly distributed.", { default: 0 }),
      minDomains: int32("MinDomains indicates a minimum number of eligible domains."),
      nodeAffinityPolicy: str("NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew.", { enum: ["Honor", "Ignore"] }),
      nodeTaintsPolicy: str("NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew.", { enum: ["Honor", "Ignore"] }),
      topologyKey: str("TopologyKey is the key of node labels.", { default: "" }),
      whenUnsatisfiable: str("WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint. One of DoNotSchedule, ScheduleAnyway.", {
        default: "",
        enum: ["DoNotSchedule", "ScheduleAnyway"],
      }),
    },
    ["maxSkew", "topologyKey", "whenUnsatisfiable"],
  ),
  [`${CORE}.PodDNSConfig`]: obj("PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.", {
    nameservers: strList("A list of DNS name server IP addresses."),
    options: many(`${CORE}.PodDNSConfigOption`, "A list of DNS resolver options.", ATOMIC),
    searches: strList("A list of DNS search domains for host-name lookup."),
  }),
  [`${CORE}.PodDNSConfigOption`]: obj("PodDNSConfigOption defines DNS resolver options of a pod.", { name: str("Name is this DNS resolver option's name. Required."), value: str("Value is this DNS resolver option's value.") }),
  [`${CORE}.HostAlias`]: obj(
    "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.",
    { hostnames: strList("Hostnames for the above IP address."), ip: str("IP address of the host file entry.", { default: "" }) },
    ["ip"],
  ),
  [`${CORE}.PodOS`]: obj("PodOS defines the OS parameters of a pod.", { name: str("Name is the name of the operating system. The currently supported values are linux and windows.", { default: "" }) }, ["name"]),
  [`${CORE}.PodReadinessGate`]: obj("PodReadinessGate contains the reference to a pod condition", { conditionType: str("ConditionType refers to a condition in the pod's condition list with matching type.", { default: "" }) }, ["conditionType"]),
  [`${CORE}.PodSchedulingGate`]: obj("PodSchedulingGate is associated to a Pod to guard its scheduling.", { name: str("Name of the scheduling gate. Each scheduling gate must have a unique name field.", { default: "" }) }, ["name"]),
  [`${CORE}.PodResourceClaim`]: obj(
    "PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod.",
    {
      name: str("Name uniquely identifies this resource claim inside the pod.", { default: "" }),
      resourceClaimName: str("ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod."),
      resourceClaimTemplateName: str("ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod."),
    },
    ["name"],
  ),
  [`${CORE}.Volume`]: obj(
    "Volume represents a named volume in a pod that may be accessed by any container in the pod.",
    {
      awsElasticBlockStore: one(`${CORE}.AWSElasticBlockStoreVolumeSource`, "awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet's host machine. Deprecated: use the ebs.csi.aws.com CSI driver."),
      configMap: one(`${CORE}.ConfigMapVolumeSource`, "configMap represents a configMap that should populate this volume"),
      csi: one(`${CORE}.CSIVolumeSource`, "csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers."),
      downwardAPI: one(`${CORE}.DownwardAPIVolumeSource`, "downwardAPI represents downward API about the pod that should populate this volume"),
      emptyDir: one(`${CORE}.EmptyDirVolumeSource`, "emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir"),
      ephemeral: one(`${CORE}.EphemeralVolumeSource`, "ephemeral represents a volume that is handled by a cluster storage driver."),
      hostPath: one(`${CORE}.HostPathVolumeSource`, "hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container."),
      image: one(`${CORE}.ImageVolumeSource`, "image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine."),
      name: str("name of the volume. Must be a DNS_LABEL and unique within the pod.", { default: "" }),
      nfs: one(`${CORE}.NFSVolumeSource`, "nfs represents an NFS mount on the host that shares a pod's lifetime."),
      persistentVolumeClaim: one(`${CORE}.PersistentVolumeClaimVolumeSource`, "persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace."),
      projected: one(`${CORE}.ProjectedVolumeSource`, "projected items for all in one resources secrets, configmaps, and downward API"),
      secret: one(`${CORE}.SecretVolumeSource`, "secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret"),
    },
    ["name"],
  ),
  [`${CORE}.AWSElasticBlockStoreVolumeSource`]: obj(
    "Represents a Persistent Disk resource in AWS.",
    {
      fsType: str("fsType is the filesystem type of the volume that you want to mount."),
      partition: int32("partition is the partition in the volume that you want to mount."),
      readOnly: bool("readOnly value true will force the readOnly setting in VolumeMounts."),
      volumeID: str("volumeID is unique ID of the persistent disk resource in AWS (Amazon EBS volume).", { default: "" }),
    },
    ["volumeID"],
  ),
  [`${CORE}.ConfigMapVolumeSource`]: obj("Adapts a ConfigMap into a volume.", {
    defaultMode: int32("defaultMode is optional: mode bits used to set permissions on created files by default. Defaults to 0644."),
    items: projectionItems,
    name: str("Name of the referent.", { default: "" }),
    optional: bool("optional specify whether the ConfigMap or its keys must be defined"),
  }),
  [`${CORE}.SecretVolumeSource`]: obj("Adapts a Secret into a volume.", {
    defaultMode: int32("defaultMode is Optional: mode bits used to set permissions on created files by default. Defaults to 0644."),
    items: projectionItems,
    optional: bool("optional field specify whether the Secret or its keys must be defined"),
    secretName: str("secretName is the name of the secret in the pod's namespace to use."),
  }),
  [`${CORE}.KeyToPath`]: obj(
    "Maps a string key to a path within a volume.",
    {
      key: str("key is the key to project.", { default: "" }),
      mode: int32("mode is Optional: mode bits used to set permissions on this file."),
      path: str("path is the relative path of the file to map the key to. May not be an absolute path.", { default: "" }),
    },
    ["key", "path"],
  ),
  [`${CORE}.EmptyDirVolumeSource`]: obj("Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.", {
    medium: str("medium represents what type of storage medium should back this directory. The default is \"\" which means to use the node's default medium."),
    sizeLimit: quantity("sizeLimit is the total amount of local storage required for this EmptyDir volume."),
  }),
  [`${CORE}.HostPathVolumeSource`]: obj(
    "Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.",
    {
      path: str("path of the directory on the host. If the path is a symlink, it will follow the link to the real path.", { default: "" }),
      type: str("type for HostPath Volume Defaults to \"\"", { enum: ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"] }),
    },
    ["path"],
  ),
  [`${CORE}.PersistentVolumeClaimVolumeSource`]: obj(
    "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.",
    {
      claimName: str("claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume.", { default: "" }),
      readOnly: bool("readOnly Will force the ReadOnly setting in VolumeMounts. Default false."),
    },
    ["claimName"],
  ),
  [`${CORE}.NFSVolumeSource`]: obj(
    "Represents an NFS mount that lasts the lifetime of a pod. NFS volumes do not support ownership management or SELinux relabeling.",
    {
      path: str("path that is exported by the NFS server.", { default: "" }),
      readOnly: bool("readOnly here will force the NFS export to be mounted with read-only permissions. Defaults to false."),
      server: str("server is the hostname or IP address of the NFS server.", { default: "" }),
    },
    ["server", "path"],
  ),
  [`${CORE}.CSIVolumeSource`]: obj(
    "Represents a source location of a volume to mount, managed by an external CSI driver",
    {
      driver: str("driver is the name of the CSI driver that handles this volume.", { default: "" }),
      fsType: str("fsType to mount. Ex. \"ext4\", \"xfs\", \"ntfs\"."),
      nodePublishSecretRef: one(`${CORE}.LocalObjectReference`, "nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver."),
      readOnly: bool("readOnly specifies a read-only configuration for the volume. Defaults to false (read/write)."),
      volumeAttributes: strMap("volumeAttributes stores driver-specific properties that are passed to the CSI driver."),
    },
    ["driver"],
  ),
  [`${CORE}.ImageVolumeSource`]: obj("ImageVolumeSource represents a image volume resource.", {
    pullPolicy: str("Policy for pulling OCI objects. Possible values are: Always, Never, IfNotPresent.", { enum: ["Always", "IfNotPresent", "Never"] }),
    reference: str("Required: Image or artifact reference to be used."),
  }),
  [`${CORE}.EphemeralVolumeSource`]: obj("Represents an ephemeral volume that is handled by a normal storage driver.", {
    volumeClaimTemplate: one(`${CORE}.PersistentVolumeClaimTemplate`, "Will be used to create a stand-alone PVC to provision the volume."),
  }),
  [`${CORE}.PersistentVolumeClaimTemplate`]: obj(
    "PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.",
    {
      metadata: one(`${META}.ObjectMeta`, "May contain labels and annotations that will be copied into the PVC when creating it.", true),
      spec: one(`${CORE}.PersistentVolumeClaimSpec`, "The specification for the PersistentVolumeClaim. The entire content is copied unchanged into the PVC that gets created from this template.", true),
    },
    ["spec"],
  ),
  [`${CORE}.PersistentVolumeClaim`]: obj("PersistentVolumeClaim is a user's request for and claim to a persistent volume", {
    apiVersion: str("APIVersion defines the versioned schema of this representation of an object."),
    kind: str("Kind is a string value representing the REST resource this object represents."),
    metadata: one(`${META}.ObjectMeta`, "Standard object's metadata.", true),
    spec: one(`${CORE}.PersistentVolumeClaimSpec`, "spec defines the desired characteristics of a volume requested by a pod author.", true),
    status: one(`${CORE}.PersistentVolumeClaimStatus`, "status represents the current information/status of a persistent volume claim. Read-only.", true),
  }),
  [`${CORE}.PersistentVolumeClaimSpec`]: obj("PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes", {
    accessModes: strList("accessModes contains the desired access modes the volume should have."),
    dataSource: one(`${CORE}.TypedLocalObjectReference`, "dataSource field can be used to specify either an existing VolumeSnapshot object or an existing PVC."),
    dataSourceRef: one(`${CORE}.TypedObjectReference`, "dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired."),
    resources: one(`${CORE}.VolumeResourceRequirements`, "resources represents the minimum resources the volume should have.", true),
    selector: labelSelectorRef("selector is a label query over volumes to consider for binding."),
    storageClassName: str("storageClassName is the name of the StorageClass required by the claim."),
    volumeAttributesClassName: str("volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
    volumeMode: str("volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", { enum: ["Block", "Filesystem"] }),
    volumeName: str("volumeName is the binding reference to the PersistentVolume backing this claim."),
  }),
  [`${CORE}.PersistentVolumeClaimStatus`]: {
    description: "PersistentVolumeClaimStatus is the current status of a persistent volume claim.",
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
  },
  [`${CORE}.VolumeResourceRequirements`]: obj("VolumeResourceRequirements describes the storage resource requirements for a volume.", {
    limits: quantityMap("Limits describes the maximum amount of compute resources allowed."),
    requests: quantityMap("Requests describes the minimum amount of compute resources required."),
  }),
  [`${CORE}.TypedLocalObjectReference`]: obj(
    "TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.",
    {
      apiGroup: str("APIGroup is the group for the resource being referenced. If APIGroup is not specified, the specified Kind must be in the core API group."),
      kind: str("Kind is the type of resource being referenced", { default: "" }),
      name: str("Name is the name of resource being referenced", { default: "" }),
    },
    ["kind", "name"],
    ATOMIC_MAP,
  ),
  [`${CORE}.TypedObjectReference`]: obj(
    "TypedObjectReference contains enough information to let you locate the typed referenced object",
    {
      apiGroup: str("APIGroup is the group for the resource being referenced."),
      kind: str("Kind is the type of resource being referenced", { default: "" }),
      name: str("Name is the name of resource being referenced", { default: "" }),
      namespace: str("Namespace is the namespace of resource being referenced"),
    },
    ["kind", "name"],
  ),
  [`${CORE}.ProjectedVolumeSource`]: obj("Represents a projected volume source", {
    defaultMode: int32("defaultMode are the mode bits used to set permissions on created files by default."),
    sources: many(`${CORE}.VolumeProjection`, "sources is the list of volume projections. Each entry in this list handles one source.", ATOMIC),
  }),
  [`${CORE}.VolumeProjection`]: obj("Projection that may be projected along with other supported volume types. Exactly one of these fields must be set.", {
    configMap: one(`${CORE}.ConfigMapProjection`, "configMap information about the configMap data to project"),
    downwardAPI: one(`${CORE}.DownwardAPIProjection`, "downwardAPI information about the downwardAPI data to project"),
    secret: one(`${CORE}.SecretProjection`, "secret information about the secret data to project"),
    serviceAccountToken: one(`${CORE}.ServiceAccountTokenProjection`, "serviceAccountToken is information about the serviceAccountToken data to project"),
  }),
  [`${CORE}.ConfigMapProjection`]: obj("Adapts a ConfigMap into a projected volume.", {
    items: projectionItems,
    name: str("Name of the referent.", { default: "" }),
    optional: bool("optional specify whether the ConfigMap or its keys must be defined"),
  }),
  [`${CORE}.SecretProjection`]: obj("Adapts a secret into a projected volume.", {
    items: projectionItems,
    name: str("Name of the referent.", { default: "" }),
    optional: bool("optional field specify whether the Secret or its key must be defined"),
  }),
  [`${CORE}.DownwardAPIProjection`]: obj("Represents downward API info for projecting into a projected volume.", {
    items: many(`${CORE}.DownwardAPIVolumeFile`, "Items is a list of DownwardAPIVolume file", ATOMIC),
  }),
  [`${CORE}.DownwardAPIVolumeSource`]: obj("DownwardAPIVolumeSource represents a volume containing downward API info.", {
    defaultMode: int32("Optional: mode bits to use on created files by default. Defaults to 0644."),
    items: many(`${CORE}.DownwardAPIVolumeFile`, "Items is a list of downward API volume file", ATOMIC),
  }),
  [`${CORE}.DownwardAPIVolumeFile`]: obj(
    "DownwardAPIVolumeFile represents information to create the file containing the pod field",
    {
      fieldRef: one(`${CORE}.ObjectFieldSelector`, "Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported."),
      mode: int32("Optional: mode bits used to set permissions on this file."),
      path: str("Required: Path is  the relative path name of the file to be created. Must not be absolute or contain the '..' path.", { default: "" }),
      resourceFieldRef: one(`${CORE}.ResourceFieldSelector`, "Selects a resource of the container: only resources limits and requests are currently supported."),
    },
    ["path"],
  ),
  [`${CORE}.ServiceAccountTokenProjection`]: obj(
    "ServiceAccountTokenProjection represents a projected service account token volume.",
    {
      audience: str("audience is the intended audience of the token. Defaults to the identifier of the apiserver."),
      expirationSeconds: int64("expirationSeconds is the requested duration of validity of the service account token. Defaults to 1 hour and must be at least 10 minutes."),
      path: str("path is the path relative to the mount point of the file to project the token into.", { default: "" }),
    },
    ["path"],
  ),
  [`${CORE}.PodStatus`]: obj(
    "PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.",
    {
      conditions: many(`${CORE}.PodCondition`, "Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions", keyed(["type"])),
      containerStatuses: many(`${CORE}.ContainerStatus`, "Statuses of containers in this pod. Each container in the pod should have at most one status in this list.", ATOMIC),
      ephemeralContainerStatuses: many(`${CORE}.ContainerStatus`, "Statuses for any ephemeral containers that have run in this pod.", ATOMIC),
      hostIP: str("hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet."),
      hostIPs: many(`${CORE}.HostIP`, "hostIPs holds the IP addresses allocated to the host.", { "x-kubernetes-list-type": "atomic", "x-kubernetes-patch-merge-key": "ip", "x-kubernetes-patch-strategy": "merge" }),
      initContainerStatuses: many(`${CORE}.ContainerStatus`, "Statuses of init containers in this pod.", ATOMIC),
      message: str("A human readable message indicating details about why the pod is in this condition."),
      nominatedNodeName: str("nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
      observedGeneration: int64("If set, this represents the .metadata.generation that the pod status was set based upon."),
      phase: str("The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. One of Pending, Running, Succeeded, Failed, Unknown.", {
        enum: ["Failed", "Pending", "Running", "Succeeded", "Unknown"],
      }),
      podIP: str("podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
      podIPs: many(`${CORE}.PodIP`, "podIPs holds the IP addresses allocated to the pod.", keyed(["ip"])),
      qosClass: str("The Quality of Service (QOS) classification assigned to the pod based on resource requirements.", { enum: ["BestEffort", "Burstable", "Guaranteed"] }),
      reason: str("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
      startTime: time("RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod."),
    },
  ),
  [`${CORE}.PodCondition`]: obj(
    "PodCondition contains details for the current condition of this pod.",
    { ...conditionFields(true), observedGeneration: int64("If set, this represents the .metadata.generation that the pod condition was set based upon.") },
    ["type", "status"],
  ),
  [`${CORE}.HostIP`]: obj("HostIP represents a single IP address allocated to the host.", { ip: str("IP is the IP address assigned to the host", { default: "" }) }, ["ip"]),
  [`${CORE}.PodIP`]: obj("PodIP represents a single IP address allocated to the pod.", { ip: str("IP is the IP address assigned to the pod", { default: "" }) }, ["ip"]),
  [`${CORE}.ContainerStatus`]: obj(
    "ContainerStatus contains details for the current status of this container.",
    {
      allocatedResources: quantityMap("AllocatedResources represents the compute resources allocated for this container by the node."),
      containerID: str("ContainerID is the ID of the container in the format '<type>://<container_id>'."),
      image: str("Image is the name of container image that the container is running.", { default: "" }),
      imageID: str("ImageID is the image ID of the container's image.", { default: "" }),
      lastState: one(`${CORE}.ContainerState`, "LastTerminationState holds the last termination state of the container to help debug container crashes and restarts.", true),
      name: str("Name is a DNS_LABEL representing the unique name of the container.", { default: "" }),
      ready: bool("Ready specifies whether the container is currently passing its readiness check.", { default: false }),
      resources: one(`${CORE}.ResourceRequirements`, "Resources represents the compute resource requests and limits that have been successfully enacted on the running container."),
      restartCount: int32("RestartCount holds the number of times the container has been restarted.", { default: 0 }),
      started: bool("Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe."),
      state: one(`${CORE}.ContainerState`, "State holds details about the container's current condition.", true),
      stopSignal: str("StopSignal reports the effective stop signal for this container"),
      volumeMounts: many(`${CORE}.VolumeMountStatus`, "Status of volume mounts.", keyed(["mountPath"])),
    },
    ["name", "ready", "restartCount", "image", "imageID"],
  ),
  [`${CORE}.VolumeMountStatus`]: obj(
    "VolumeMountStatus shows status of volume mounts.",
    {
      mountPath: str("MountPath corresponds to the original VolumeMount.", { default: "" }),
      name: str("Name corresponds to the name of the original VolumeMount.", { default: "" }),
      readOnly: bool("ReadOnly corresponds to the original VolumeMount."),
      recursiveReadOnly: str("RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts)."),
    },
    ["name", "mountPath"],
  ),
  [`${CORE}.ContainerState`]: obj("ContainerState holds a possible state of container. Only one of its members may be specified. If none of them is specified, the default one is ContainerStateWaiting.", {
    running: one(`${CORE}.ContainerStateRunning`, "Details about a running container"),
    terminated: one(`${CORE}.ContainerStateTerminated`, "Details about a terminated container"),
    waiting: one(`${CORE}.ContainerStateWaiting`, "Details about a waiting container"),
  }),
  [`${CORE}.ContainerStateRunning`]: obj("ContainerStateRunning is a running state of a container.", { startedAt: time("Time at which the container was last (re-)started") }),
  [`${CORE}.ContainerStateTerminated`]: obj(
    "ContainerStateTerminated is a terminated state of a container.",
    {
      containerID: str("Container's ID in the format '<type>://<container_id>'"),
      exitCode: int32("Exit status from the last termination of the container", { default: 0 }),
      finishedAt: time("Time at which the container last terminated"),
      message: str("Message regarding the last termination of the container"),
      reason: str("(brief) reason from the last termination of the container"),
      signal: int32("Signal from the last termination of the container"),
      startedAt: time("Time at which previous execution of the container started"),
    },
    ["exitCode"],
  ),
  [`${CORE}.ContainerStateWaiting`]: obj("ContainerStateWaiting is a waiting state of a container.", {
    message: str("Message regarding why the container is not yet running."),
    reason: str("(brief) reason the container is not yet running."),
  }),

  // ---- core/v1: services, nodes, namespaces ----
  [`${CORE}.ServiceSpec`]: obj("ServiceSpec describes the attributes that a user creates on a service.", {
    allocateLoadBalancerNodePorts: bool("allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer. Default is \"true\"."),
    clusterIP: str("clusterIP is the IP address of the service and is usually assigned randomly."),
    clusterIPs: strList("ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly."),
    externalIPs: strList("externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
    externalName: str("externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record)."),
    externalTrafficPolicy: str("externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service's \"externally-facing\" addresses.", { enum: ["Cluster", "Local"] }),
    healthCheckNodePort: int32("healthCheckNodePort specifies the healthcheck nodePort for the service."),
    internalTrafficPolicy: str("InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP.", { enum: ["Cluster", "Local"] }),
    ipFamilies: strList("IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service."),
    ipFamilyPolicy: str("IPFamilyPolicy represents the dual-stack-ness requested or required by this Service.", { enum: ["PreferDualStack", "RequireDualStack", "SingleStack"] }),
    loadBalancerClass: str("loadBalancerClass is the class of the load balancer implementation this Service belongs to."),
    loadBalancerIP: str("Only applies to Service Type: LoadBalancer. Deprecated: This field was under-specified and its meaning varies across implementations."),
    loadBalancerSourceRanges: strList("If specified and supported by the platform, this will restrict traffic through the cloud-provider load-balancer will be restricted to the specified client IPs."),
    ports: many(`${CORE}.ServicePort`, "The list of ports that are exposed by this service.", keyed(["port", "protocol"], "port")),
    publishNotReadyAddresses: bool("publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready."),
    selector: strMap("Route service traffic to pods with label keys and values matching this selector.", ATOMIC_MAP),
    sessionAffinity: str("Supports \"ClientIP\" and \"None\". Used to maintain session affinity. Defaults to None.", { enum: ["ClientIP", "None"] }),
    sessionAffinityConfig: one(`${CORE}.SessionAffinityConfig`, "sessionAffinityConfig contains the configurations of session affinity."),
    trafficDistribution: str("TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints."),
    type: str("type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.", {
      enum: ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    }),
  }),
  [`${CORE}.ServicePort`]: obj(
    "ServicePort contains information on service's port.",
    {
      appProtocol: str("The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand."),
      name: str("The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names."),
      nodePort: int32("The port on each node on which this service is exposed when type is NodePort or LoadBalancer."),
      port: int32("The port that will be exposed by this service.", { default: 0 }),
      protocol: str("The IP protocol for this port. Supports \"TCP\", \"UDP\", and \"SCTP\". Default is TCP.", { default: "TCP", enum: ["SCTP", "TCP", "UDP"] }),
      targetPort: intOrString("Number or name of the port to access on the pods targeted by the service."),
    },
    ["port"],
  ),
  [`${CORE}.SessionAffinityConfig`]: obj("SessionAffinityConfig represents the configurations of session affinity.", {
    clientIP: one(`${CORE}.ClientIPConfig`, "clientIP contains the configurations of Client IP based session affinity."),
  }),
  [`${CORE}.ClientIPConfig`]: obj("ClientIPConfig represents the configurations of Client IP based session affinity.", {
    timeoutSeconds: int32("timeoutSeconds specifies the seconds of ClientIP type session sticky time. Default value is 10800(for 3 hours)."),
  }),
  [`${CORE}.ServiceStatus`]: obj("ServiceStatus represents the current status of a service.", {
    conditions: many(`${META}.Condition`, "Current service state", keyed(["type"])),
    loadBalancer: one(`${CORE}.LoadBalancerStatus`, "LoadBalancer contains the current status of the load-balancer, if one is present.", true),
  }),
  [`${CORE}.LoadBalancerStatus`]: obj("LoadBalancerStatus represents the status of a load-balancer.", {
    ingress: many(`${CORE}.LoadBalancerIngress`, "Ingress is a list containing ingress points for the load-balancer.", ATOMIC),
  }),
  [`${CORE}.LoadBalancerIngress`]: obj("LoadBalancerIngress represents the status of a load-balancer ingress point.", {
    hostname: str("Hostname is set for load-balancer ingress points that are DNS based."),
    ip: str("IP is set for load-balancer ingress points that are IP based."),
    ipMode: str("IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified."),
    ports: many(`${CORE}.PortStatus`, "Ports is a list of records of service ports.", ATOMIC),
  }),
  [`${CORE}.PortStatus`]: obj(
    "PortStatus represents the error condition of a service port",
    {
      error: str("Error is to record the problem with the service port."),
      port: int32("Port is the port number of the service port of which status is recorded here", { default: 0 }),
      protocol: str("Protocol is the protocol of the service port of which status is recorded here.", { default: "", enum: ["SCTP", "TCP", "UDP"] }),
    },
    ["port", "protocol"],
  ),
  [`${CORE}.NodeSpec`]: obj("NodeSpec describes the attributes that a node is created with.", {
    externalID: str("Deprecated. Not all kubelets will set this field. Remove field after 1.13."),
    podCIDR: str("PodCIDR represents the pod IP range assigned to the node."),
    podCIDRs: strList("podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.", "set", { "x-kubernetes-patch-strategy": "merge" }),
    providerID: str("ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>"),
    taints: many(`${CORE}.Taint`, "If specified, the node's taints.", ATOMIC),
    unschedulable: bool("Unschedulable controls node schedulability of new pods. By default, node is schedulable."),
  }),
  [`${CORE}.Taint`]: obj(
    "The node this Taint is attached to has the \"effect\" on any pod that does not tolerate the Taint.",
    {
      effect: str("Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.", {
        default: "",
        enum: ["NoExecute", "NoSchedule", "PreferNoSchedule"],
      }),
      key: str("Required. The taint key to be applied to a node.", { default: "" }),
      timeAdded: time("TimeAdded represents the time at which the taint was added."),
      value: str("The taint value corresponding to the taint key."),
    },
    ["key", "effect"],
  ),
  [`${CORE}.NodeStatus`]: obj("NodeStatus is information about the current status of a node.", {
    addresses: many(`${CORE}.NodeAddress`, "List of addresses reachable to the node. Queried from cloud provider, if available.", keyed(["type"])),
    allocatable: quantityMap("Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity."),
    capacity: quantityMap("Capacity represents the total resources of a node. More info: https://kubernetes.io/docs/reference/node/node-status/#capacity"),
    conditions: many(`${CORE}.NodeCondition`, "Conditions is an array of current observed node conditions. More info: https://kubernetes.io/docs/reference/node/node-status/#condition", keyed(["type"])),
    daemonEndpoints: one(`${CORE}.NodeDaemonEndpoints`, "Endpoints of daemons running on the Node.", true),
    images: many(`${CORE}.ContainerImage`, "List of container images on this node", ATOMIC),
    nodeInfo: one(`${CORE}.NodeSystemInfo`, "Set of ids/uuids to uniquely identify the node. More info: https://kubernetes.io/docs/reference/node/node-status/#info", true),
    phase: str("NodePhase is the recently observed lifecycle phase of the node. Deprecated: never populated.", { enum: ["Pending", "Running", "Terminated"] }),
    runtimeHandlers: many(`${CORE}.NodeRuntimeHandler`, "The available runtime handlers.", ATOMIC),
    volumesAttached: many(`${CORE}.AttachedVolume`, "List of volumes that are attached to the node.", ATOMIC),
    volumesInUse: strList("List of attachable volumes in use (mounted) by the node."),
  }),
  [`${CORE}.NodeAddress`]: obj(
    "NodeAddress contains information for the node's address.",
    { address: str("The node address.", { default: "" }), type: str("Node address type, one of Hostname, ExternalIP or InternalIP.", { default: "" }) },
    ["type", "address"],
  ),
  [`${CORE}.NodeCondition`]: obj(
    "NodeCondition contains condition information for a node.",
    { ...conditionFields(false), lastHeartbeatTime: time("Last time we got an update on a given condition.") },
    ["type", "status"],
  ),
  [`${CORE}.NodeDaemonEndpoints`]: obj("NodeDaemonEndpoints lists ports opened by daemons running on the Node.", {
    kubeletEndpoint: one(`${CORE}.DaemonEndpoint`, "Endpoint on which Kubelet is listening.", true),
  }),
  [`${CORE}.DaemonEndpoint`]: obj("DaemonEndpoint contains information about a single Daemon endpoint.", { Port: int32("Port number of the given endpoint.", { default: 0 }) }, ["Port"]),
  [`${CORE}.ContainerImage`]: obj("Describe a container image", {
    names: strList("Names by which this image is known. e.g. [\"kubernetes.example/hyperkube:v1.0.7\", \"cloud-vendor.registry.example/cloud-vendor/hyperkube:v1.0.7\"]"),
    sizeBytes: int64("The size of the image in bytes."),
  }),
  [`${CORE}.NodeSystemInfo`]: obj(
    "NodeSystemInfo is a set of ids/uuids to uniquely identify the node.",
    {
      architecture: str("The Architecture reported by the node", { default: "" }),
      bootID: str("Boot ID reported by the node.", { default: "" }),
      containerRuntimeVersion: str("ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", { default: "" }),
      kernelVersion: str("Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { default: "" }),
      kubeProxyVersion: str("Deprecated: KubeProxy Version reported by the node.", { default: "" }),
      kubeletVersion: str("Kubelet Version reported by the node.", { default: "" }),
      machineID: str("MachineID reported by the node. For unique machine identification in the cluster this field is preferred.", { default: "" }),
      operatingSystem: str("The Operating System reported by the node", { default: "" }),
      osImage: str("OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", { default: "" }),
      systemUUID: str("SystemUUID reported by the node.", { default: "" }),
    },
    ["machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture"],
  ),
  [`${CORE}.NodeRuntimeHandler`]: obj("NodeRuntimeHandler is a set of runtime handler information.", {
    features: one(`${CORE}.NodeRuntimeHandlerFeatures`, "Supported features."),
    name: str("Runtime handler name. Empty for the default runtime handler.", { default: "" }),
  }),
  [`${CORE}.NodeRuntimeHandlerFeatures`]: obj("NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.", {
    recursiveReadOnlyMounts: bool("RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts."),
    userNamespaces: bool("UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes."),
  }),
  [`${CORE}.AttachedVolume`]: obj(
    "AttachedVolume describes a volume attached to a node",
    { devicePath: str("DevicePath represents the device path where the volume should be available", { default: "" }), name: str("Name of the attached volume", { default: "" }) },
    ["name", "devicePath"],
  ),
  [`${CORE}.NamespaceSpec`]: obj("NamespaceSpec describes the attributes on a Namespace.", {
    finalizers: strList("Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/"),
  }),
  [`${CORE}.NamespaceStatus`]: obj("NamespaceStatus is information about the current status of a Namespace.", {
    conditions: many(`${CORE}.NamespaceCondition`, "Represents the latest available observations of a namespace's current state.", keyed(["type"])),
    phase: str("Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/", { enum: ["Active", "Terminating"] }),
  }),
  [`${CORE}.NamespaceCondition`]: obj("NamespaceCondition contains details about state of namespace.", conditionFields(false), ["type", "status"]),

  // ---- apps/v1 ----
  [`${APPS}.DeploymentSpec`]: obj(
    "DeploymentSpec is the specification of the desired behavior of the Deployment.",
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0."),
      paused: bool("Indicates that the deployment is paused."),
      progressDeadlineSeconds: int32("The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s."),
      replicas: int32("Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1."),
      revisionHistoryLimit: int32("The number of old ReplicaSets to retain to allow rollback. Defaults to 10."),
      selector: labelSelectorRef("Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
      strategy: { ...one(`${APPS}.DeploymentStrategy`, "The deployment strategy to use to replace existing pods with new ones.", true), "x-kubernetes-patch-strategy": "retainKeys" },
      template: one(`${CORE}.PodTemplateSpec`, "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is \"Always\".", true),
    },
    ["selector", "template"],
  ),
  [`${APPS}.DeploymentStrategy`]: obj("DeploymentStrategy describes how to replace existing pods with new ones.", {
    rollingUpdate: one(`${APPS}.RollingUpdateDeployment`, "Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate."),
    type: str("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate.", { enum: ["Recreate", "RollingUpdate"] }),
  }),
  [`${APPS}.RollingUpdateDeployment`]: obj("Spec to control the desired behavior of rolling update.", {
    maxSurge: intOrString("The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%."),
    maxUnavailable: intOrString("The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%."),
  }),
  [`${APPS}.DeploymentStatus`]: obj("DeploymentStatus is the most recently observed status of the Deployment.", {
    availableReplicas: int32("Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
    collisionCount: int32("Count of hash collisions for the Deployment. The Deployment controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ReplicaSet."),
    conditions: workloadConditions(`${APPS}.DeploymentCondition`, "Represents the latest available observations of a deployment's current state."),
    observedGeneration: int64("The generation observed by the deployment controller."),
    readyReplicas: int32("Total number of non-terminating pods targeted by this Deployment with a Ready Condition."),
    replicas: int32("Total number of non-terminating pods targeted by this deployment (their labels match the selector)."),
    terminatingReplicas: int32("Total number of terminating pods targeted by this deployment."),
    unavailableReplicas: int32("Total number of unavailable pods targeted by this deployment."),
    updatedReplicas: int32("Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
  }),
  [`${APPS}.DeploymentCondition`]: obj(
    "DeploymentCondition describes the state of a deployment at a certain point.",
    { ...conditionFields(false), lastUpdateTime: time("The last time this condition was updated.") },
    ["type", "status"],
  ),
  [`${APPS}.ReplicaSetSpec`]: obj(
    "ReplicaSetSpec is the specification of a ReplicaSet.",
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0."),
      replicas: int32("Replicas is the number of desired pods. Defaults to 1."),
      selector: labelSelectorRef("Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set."),
      template: one(`${CORE}.PodTemplateSpec`, "Template is the object that describes the pod that will be created if insufficient replicas are detected.", true),
    },
    ["selector"],
  ),
  [`${APPS}.ReplicaSetStatus`]: obj(
    "ReplicaSetStatus represents the current status of a ReplicaSet.",
    {
      availableReplicas: int32("The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set."),
      conditions: workloadConditions(`${APPS}.ReplicaSetCondition`, "Represents the latest available observations of a replica set's current state."),
      fullyLabeledReplicas: int32("The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset."),
      observedGeneration: int64("ObservedGeneration reflects the generation of the most recently observed ReplicaSet."),
      readyReplicas: int32("The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
      replicas: int32("Replicas is the most recently observed number of non-terminating pods.", { default: 0 }),
      terminatingReplicas: int32("The number of terminating pods for this replica set."),
    },
    ["replicas"],
  ),
  [`${APPS}.ReplicaSetCondition`]: obj("ReplicaSetCondition describes the state of a replica set at a certain point.", conditionFields(false), ["type", "status"]),
  [`${APPS}.StatefulSetSpec`]: obj(
    "A StatefulSetSpec is the specification of a StatefulSet.",
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0."),
      ordinals: one(`${APPS}.StatefulSetOrdinals`, "ordinals controls the numbering of replica indices in a StatefulSet. The default ordinals behavior assigns a \"0\" index to the first replica."),
      persistentVolumeClaimRetentionPolicy: one(
        `${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`,
        "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates.",
      ),
      podManagementPolicy: str("podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. Default OrderedReady.", {
        enum: ["OrderedReady", "Parallel"],
      }),
      replicas: int32("replicas is the desired number of replicas of the given Template. Defaults to 1."),
      revisionHistoryLimit: int32("revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. Defaults to 10."),
      selector: labelSelectorRef("selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
      serviceName: str("serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet."),
      template: one(`${CORE}.PodTemplateSpec`, "template is the object that describes the pod that will be created if insufficient replicas are detected.", true),
      updateStrategy: one(`${APPS}.StatefulSetUpdateStrategy`, "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.", true),
      volumeClaimTemplates: many(`${CORE}.PersistentVolumeClaim`, "volumeClaimTemplates is a list of claims that pods are allowed to reference.", ATOMIC),
    },
    ["selector", "template"],
  ),
  [`${APPS}.StatefulSetOrdinals`]: obj("StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet.", {
    start: int32("start is the number representing the first replica's index. Default 0."),
  }),
  [`${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`]: obj("StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates.", {
    whenDeleted: str("WhenDeleted specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted. The default policy of `Retain`."),
    whenScaled: str("WhenScaled specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down. The default policy of `Retain`."),
  }),
  [`${APPS}.StatefulSetUpdateStrategy`]: obj("StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates.", {
    rollingUpdate: one(`${APPS}.RollingUpdateStatefulSetStrategy`, "RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType."),
    type: str("Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.", { enum: ["OnDelete", "RollingUpdate"] }),
  }),
  [`${APPS}.RollingUpdateStatefulSetStrategy`]: obj("RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType.", {
    maxUnavailable: intOrString("The maximum number of pods that can be unavailable during the update. Defaults to 1."),
    partition: int32("Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. Default value is 0."),
  }),
  [`${APPS}.StatefulSetStatus`]: obj(
    "StatefulSetStatus represents the current state of a StatefulSet.",
    {
      availableReplicas: int32("Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset."),
      collisionCount: int32("collisionCount is the count of hash collisions for the StatefulSet."),
      conditions: workloadConditions(`${APPS}.StatefulSetCondition`, "Represents the latest available observations of a statefulset's current state."),
      currentReplicas: int32("currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision."),
      currentRevision: str("currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas)."),
      observedGeneration: int64("observedGeneration is the most recent generation observed for this StatefulSet."),
      readyReplicas: int32("readyReplicas is the number of pods created for this StatefulSet with a Ready Condition."),
      replicas: int32("replicas is the number of Pods created by the StatefulSet controller.", { default: 0 }),
      updateRevision: str("updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)"),
      updatedReplicas: int32("updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision."),
    },
    ["replicas"],
  ),
  [`${APPS}.StatefulSetCondition`]: obj("StatefulSetCondition describes the state of a statefulset at a certain point.", conditionFields(false), ["type", "status"]),
  [`${APPS}.DaemonSetSpec`]: obj(
    "DaemonSetSpec is the specification of a daemon set.",
    {
      minReadySeconds: int32("The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0."),
      revisionHistoryLimit: int32("The number of old history to retain to allow rollback. Defaults to 10."),
      selector: labelSelectorRef("A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels."),
      template: one(`${CORE}.PodTemplateSpec`, "An object that describes the pod that will be created. The only allowed template.spec.restartPolicy value is \"Always\".", true),
      updateStrategy: one(`${APPS}.DaemonSetUpdateStrategy`, "An update strategy to replace existing DaemonSet pods with new pods.", true),
    },
    ["selector", "template"],
  ),
  [`${APPS}.DaemonSetUpdateStrategy`]: obj("DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.", {
    rollingUpdate: one(`${APPS}.RollingUpdateDaemonSet`, "Rolling update config params. Present only if type = \"RollingUpdate\"."),
    type: str("Type of daemon set update. Can be \"RollingUpdate\" or \"OnDelete\". Default is RollingUpdate.", { enum: ["OnDelete", "RollingUpdate"] }),
  }),
  [`${APPS}.RollingUpdateDaemonSet`]: obj("Spec to control the desired behavior of daemon set rolling update.", {
    maxSurge: intOrString("The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update. Default is 0."),
    maxUnavailable: intOrString("The maximum number of DaemonSet pods that can be unavailable during the update. Default is 1."),
  }),
  [`${APPS}.DaemonSetStatus`]: obj(
    "DaemonSetStatus represents the current status of a daemon set.",
    {
      collisionCount: int32("Count of hash collisions for the DaemonSet."),
      conditions: workloadConditions(`${APPS}.DaemonSetCondition`, "Represents the latest available observations of a DaemonSet's current state."),
      currentNumberScheduled: int32("The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.", { default: 0 }),
      desiredNumberScheduled: int32("The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).", { default: 0 }),
      numberAvailable: int32("The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
      numberMisscheduled: int32("The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.", { default: 0 }),
      numberReady: int32("numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.", { default: 0 }),
      numberUnavailable: int32("The number of nodes that should be running the daemon pod and have none of the daemon pod running and available"),
      observedGeneration: int64("The most recent generation observed by the daemon set controller."),
      updatedNumberScheduled: int32("The total number of nodes that are running updated daemon pod"),
    },
    ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"],
  ),
  [`${APPS}.DaemonSetCondition`]: obj("DaemonSetCondition describes the state of a DaemonSet at a certain point.", conditionFields(false), ["type", "status"]),

  // ---- batch/v1 ----
  [`${BATCH}.JobSpec`]: obj(
    "JobSpec describes how the job execution will look like.",
    {
      activeDeadlineSeconds: int64("Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it."),
      backoffLimit: int32("Specifies the number of retries before marking this job failed. Defaults to 6."),
      backoffLimitPerIndex: int32("Specifies the limit for the number of retries within an index before marking this index as failed."),
      completionMode: str("completionMode specifies how Pod completions are tracked. It can be `NonIndexed` (default) or `Indexed`.", { enum: ["Indexed", "NonIndexed"] }),
      completions: int32("Specifies the desired number of successfully finished pods the job should be run with."),
      managedBy: str("ManagedBy field indicates the controller that manages a Job."),
      manualSelector: bool("manualSelector controls generation of pod labels and pod selectors. Leave `manualSelector` unset unless you are certain what you are doing."),
      maxFailedIndexes: int32("Specifies the maximal number of failed indexes before marking the Job as failed, when backoffLimitPerIndex is set."),
      parallelism: int32("Specifies the maximum desired number of pods the job should run at any given time."),
      podFailurePolicy: one(`${BATCH}.PodFailurePolicy`, "Specifies the policy of handling failed pods."),
      podReplacementPolicy: str("podReplacementPolicy specifies when to create replacement Pods. Possible values are TerminatingOrFailed and Failed.", { enum: ["Failed", "TerminatingOrFailed"] }),
      selector: labelSelectorRef("A label query over pods that should match the pod count. Normally, the system sets this field for you."),
      successPolicy: one(`${BATCH}.SuccessPolicy`, "successPolicy specifies the policy when the Job can be declared as succeeded."),
      suspend: bool("suspend specifies whether the Job controller should create Pods or not. Defaults to false."),
      template: one(`${CORE}.PodTemplateSpec`, "Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are \"Never\" or \"OnFailure\".", true),
      ttlSecondsAfterFinished: int32("ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed)."),
    },
    ["template"],
  ),
  [`${BATCH}.PodFailurePolicy`]: obj(
    "PodFailurePolicy describes how failed pods influence the backoffLimit.",
    { rules: many(`${BATCH}.PodFailurePolicyRule`, "A list of pod failure policy rules. The rules are evaluated in order.", ATOMIC) },
    ["rules"],
  ),
  [`${BATCH}.PodFailurePolicyRule`]: obj(
    "PodFailurePolicyRule describes how a pod failure is handled when the requirements are met.",
    {
      action: str("Specifies the action taken on a pod failure when the requirements are satisfied. One of FailJob, FailIndex, Ignore, Count.", {
        default: "",
        enum: ["Count", "FailIndex", "FailJob", "Ignore"],
      }),
      onExitCodes: one(`${BATCH}.PodFailurePolicyOnExitCodesRequirement`, "Represents the requirement on the container exit codes."),
      onPodConditions: many(`${BATCH}.PodFailurePolicyOnPodConditionsPattern`, "Represents the requirement on the pod conditions.", ATOMIC),
    },
    ["action"],
  ),
  [`${BATCH}.PodFailurePolicyOnExitCodesRequirement`]: obj(
    "PodFailurePolicyOnExitCodesRequirement describes the requirement for handling a failed pod based on its container exit codes.",
    {
      containerName: str("Restricts the check for exit codes to the container with the specified name."),
      operator: str("Represents the relationship between the container exit code(s) and the specified values. In or NotIn.", { default: "", enum: ["In", "NotIn"] }),
      values: { description: "Specifies the set of values. Each returned container exit code is checked against this set of values.", type: "array", items: { type: "integer", format: "int32", default: 0 }, "x-kubernetes-list-type": "set" },
    },
    ["operator", "values"],
  ),
  [`${BATCH}.PodFailurePolicyOnPodConditionsPattern`]: obj(
    "PodFailurePolicyOnPodConditionsPattern describes a pattern for matching an actual pod condition type.",
    { status: str("Specifies the required Pod condition status. Defaults to True."), type: str("Specifies the required Pod condition type.", { default: "" }) },
    ["type"],
  ),
  [`${BATCH}.SuccessPolicy`]: obj(
    "SuccessPolicy describes when a Job can be declared as succeeded based on the success of some indexes.",
    { rules: many(`${BATCH}.SuccessPolicyRule`, "rules represents the list of alternative rules for the declaring the Jobs as successful before `.status.succeeded >= .spec.completions`.", ATOMIC) },
    ["rules"],
  ),
  [`${BATCH}.SuccessPolicyRule`]: obj("SuccessPolicyRule describes rule for declaring a Job as succeeded. Each rule must have at least one of the \"succeededIndexes\" or \"succeededCount\" specified.", {
    succeededCount: int32("succeededCount specifies the minimal required size of the actual set of the succeeded indexes for the Job."),
    succeededIndexes: str("succeededIndexes specifies the set of indexes which need to be contained in the actual set of the succeeded indexes for the Job."),
  }),
  [`${BATCH}.JobStatus`]: obj("JobStatus represents the current state of a Job.", {
    active: int32("The number of pending and running pods which are not terminating (without a deletionTimestamp)."),
    completedIndexes: str("completedIndexes holds the completed indexes when .spec.completionMode = \"Indexed\" in a text format."),
    completionTime: time("Represents time when the job was completed."),
    conditions: many(`${BATCH}.JobCondition`, "The latest available observations of an object's current state.", ATOMIC),
    failed: int32("The number of pods which reached phase Failed."),
    failedIndexes: str("FailedIndexes holds the failed indexes when spec.backoffLimitPerIndex is set."),
    ready: int32("The number of active pods which have a Ready condition and are not terminating (without a deletionTimestamp)."),
    startTime: time("Represents time when the job controller started processing a job."),
    succeeded: int32("The number of pods which reached phase Succeeded."),
    terminating: int32("The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp)."),
    uncountedTerminatedPods: one(`${BATCH}.UncountedTerminatedPods`, "uncountedTerminatedPods holds the UIDs of Pods that have terminated but the job controller hasn't yet accounted for in the status counters."),
  }),
  [`${BATCH}.JobCondition`]: obj("JobCondition describes current state of a job.", conditionFields(true), ["type", "status"]),
  [`${BATCH}.UncountedTerminatedPods`]: obj("UncountedTerminatedPods holds UIDs of Pods that have terminated but haven't been accounted in Job status counters.", {
    failed: strList("failed holds UIDs of failed Pods.", "set"),
    succeeded: strList("succeeded holds UIDs of succeeded Pods.", "set"),
  }),
  [`${BATCH}.CronJobSpec`]: obj(
    "CronJobSpec describes how the job execution will look like and when it will actually run.",
    {
      concurrencyPolicy: str("Specifies how to treat concurrent executions of a Job. Valid values are: \"Allow\" (default), \"Forbid\", \"Replace\".", { enum: ["Allow", "Forbid", "Replace"] }),
      failedJobsHistoryLimit: int32("The number of failed finished jobs to retain. Value must be non-negative integer. Defaults to 1."),
      jobTemplate: one(`${BATCH}.JobTemplateSpec`, "Specifies the job that will be created when executing a CronJob.", true),
      schedule: str("The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", { default: "" }),
      startingDeadlineSeconds: int64("Optional deadline in seconds for starting the job if it misses scheduled time for any reason."),
      successfulJobsHistoryLimit: int32("The number of successful finished jobs to retain. Value must be non-negative integer. Defaults to 3."),
      suspend: bool("This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false."),
      timeZone: str("The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
    },
    ["schedule", "jobTemplate"],
  ),
  [`${BATCH}.JobTemplateSpec`]: obj("JobTemplateSpec describes the data a Job should have when created from a template", {
    metadata: one(`${META}.ObjectMeta`, "Standard object's metadata of the jobs created from this template.", true),
    spec: one(`${BATCH}.JobSpec`, "Specification of the desired behavior of the job.", true),
  }),
  [`${BATCH}.CronJobStatus`]: obj("CronJobStatus represents the current state of a cron job.", {
    active: many(`${CORE}.ObjectReference`, "A list of pointers to currently running jobs.", ATOMIC),
    lastScheduleTime: time("Information when was the last time the job was successfully scheduled."),
    lastSuccessfulTime: time("Information when was the last time the job successfully completed."),
  }),
};
