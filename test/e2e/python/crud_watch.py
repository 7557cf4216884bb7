"""Core CRUD + watch + patch with the official Python client (Debian's python3-kubernetes),
against the cluster the kubeconfig names (authenticated by `aws eks get-token`). Prints one JSON
object with what it saw; the e2e test asserts on it."""
import json
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config()
core = client.CoreV1Api()
apps = client.AppsV1Api()
out = {}

out["namespaces"] = sorted(ns.metadata.name for ns in core.list_namespace().items)
core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="py")))

# A watch from the current resourceVersion, collected on a thread while we write.
start_rv = core.list_namespaced_config_map("py").metadata.resource_version
events = []
watch_errors = []
def collect():
    try:
        w = watch.Watch()
        for event in w.stream(core.list_namespaced_config_map, "py", resource_version=start_rv, timeout_seconds=10):
            events.append([event["type"], event["object"].metadata.name, dict(event["object"].data or {})])
            if event["type"] == "DELETED":
                w.stop()
    except Exception as e:  # reported in the output, not lost on the thread
        watch_errors.append(repr(e))
watcher = threading.Thread(target=collect)
watcher.start()

cm = core.create_namespaced_config_map("py", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}), data={"a": "1"}))
out["created_uid_set"] = bool(cm.metadata.uid)
core.patch_namespaced_config_map("settings", "py", {"data": {"b": "2"}})  # strategic merge patch by default
got = core.read_namespaced_config_map("settings", "py")
out["after_patch"] = dict(got.data)
got.data["c"] = "3"
replaced = core.replace_namespaced_config_map("settings", "py", got)
out["after_replace"] = dict(replaced.data)

# A stale resourceVersion is a 409 Conflict.
got.data["d"] = "4"
try:
    core.replace_namespaced_config_map("settings", "py", got)
    out["stale_update"] = "accepted"
except ApiException as e:
    out["stale_update"] = [e.status, json.loads(e.body)["reason"]]

out["by_label"] = [c.metadata.name for c in core.list_namespaced_config_map("py", label_selector="app=py").items]

dep = apps.create_namespaced_deployment("py", {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}},
})
scaled = apps.patch_namespaced_deployment_scale("web", "py", {"spec": {"replicas": 4}})
out["scaled"] = scaled.spec.replicas
out["deployment_replicas"] = apps.read_namespaced_deployment("web", "py").spec.replicas

core.delete_namespaced_config_map("settings", "py")
try:
    core.read_namespaced_config_map("settings", "py")
    out["after_delete"] = "still there"
except ApiException as e:
    out["after_delete"] = [e.status, json.loads(e.body)["reason"]]

watcher.join(15)
out["events"] = events
out["watch_errors"] = watch_errors
print(json.dumps(out))
