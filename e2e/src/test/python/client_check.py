"""The official Python client (python3-kubernetes) against the cluster: CRUD, list and watch with resourceVersion,
pagination, errors. Prints one "ok <check>" line per check; exits non-zero at the first failure."""
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

NS = "pyclient"


def ok(name):
    print("ok " + name, flush=True)


def main(kubeconfig):
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()

    try:
        core.delete_namespace(NS)
    except ApiException as e:
        assert e.status == 404, e
    import time
    for _ in range(120):
        try:
            core.read_namespace(NS)
            time.sleep(0.5)
        except ApiException as e:
            assert e.status == 404
            break
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
    ok("create namespace")

    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="c1", labels={"app": "py"}), data={"a": "1"})
    created = core.create_namespaced_config_map(NS, cm)
    assert created.metadata.uid and created.metadata.resource_version, created
    ok("create configmap")

    got = core.read_namespaced_config_map("c1", NS)
    assert got.data == {"a": "1"} and got.metadata.labels == {"app": "py"}, got
    ok("read configmap")

    got.data["b"] = "2"
    replaced = core.replace_namespaced_config_map("c1", NS, got)
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    ok("replace configmap")

    stale = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="c1", resource_version=created.metadata.resource_version),
                               data={"x": "y"})
    try:
        core.replace_namespaced_config_map("c1", NS, stale)
        raise AssertionError("a stale resourceVersion was accepted")
    except ApiException as e:
        assert e.status == 409 and "Conflict" in e.body, e
    ok("replace with a stale resourceVersion is 409")

    patched = core.patch_namespaced_config_map("c1", NS, {"data": {"c": "3"}})
    assert patched.data == {"a": "1", "b": "2", "c": "3"}, patched.data
    ok("patch configmap")

    try:
        core.read_namespaced_config_map("missing", NS)
        raise AssertionError("read of a missing object succeeded")
    except ApiException as e:
        assert e.status == 404 and '"reason":"NotFound"' in e.body.replace(" ", ""), e.body
    ok("read of a missing object is 404 NotFound")

    for i in range(5):
        core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="p%d" % i), data={}))
    names, token, pages = [], None, 0
    while True:
        page = core.list_namespaced_config_map(NS, limit=2, _continue=token)
        pages += 1
        names += [c.metadata.name for c in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert pages >= 3 and all("p%d" % i in names for i in range(5)), (pages, names)
    ok("list with limit and continue")

    listed = core.list_namespaced_config_map(NS, label_selector="app=py")
    assert [c.metadata.name for c in listed.items] == ["c1"], listed.items
    rv = listed.metadata.resource_version
    events = []

    def watch_it():
        w = watch.Watch()
        for ev in w.stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=30):
            events.append((ev["type"], ev["object"].metadata.name))
            if ev["type"] == "DELETED" and ev["object"].metadata.name == "w1":
                w.stop()

    t = threading.Thread(target=watch_it)
    t.start()
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="w1"), data={}))
    core.patch_namespaced_config_map("w1", NS, {"data": {"k": "v"}})
    core.delete_namespaced_config_map("w1", NS)
    t.join(40)
    assert ("ADDED", "w1") in events and ("MODIFIED", "w1") in events and ("DELETED", "w1") in events, events
    ok("watch from the list's resourceVersion")

    dep = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="pyweb"),
        spec=client.V1DeploymentSpec(
            replicas=1,
            selector=client.V1LabelSelector(match_labels={"app": "pyweb"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "pyweb"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="nginx", image="nginx")]))))
    apps.create_namespaced_deployment(NS, dep)
    for _ in range(240):
        d = apps.read_namespaced_deployment("pyweb", NS)
        if d.status.ready_replicas == 1:
            break
        time.sleep(0.5)
    assert d.status.ready_replicas == 1, d.status
    ok("deployment becomes ready")

    scaled = apps.patch_namespaced_deployment_scale("pyweb", NS, {"spec": {"replicas": 2}})
    assert scaled.spec.replicas == 2, scaled
    ok("scale subresource")

    pods = core.list_pod_for_all_namespaces(label_selector="app=pyweb")
    assert len(pods.items) >= 1 and all(p.metadata.namespace == NS for p in pods.items), pods.items
    ok("list pods across namespaces")

    apps.delete_namespaced_deployment("pyweb", NS, propagation_policy="Foreground")
    core.delete_namespace(NS)
    ok("delete")


if __name__ == "__main__":
    main(sys.argv[1])
