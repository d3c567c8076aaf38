"""Pod start-up benchmark of the kybernetes kubelet (run through kubelet/bench.sh, which prepares the CRI stubs).

Creates N pods through the API server at a fixed rate and follows them with a watch: for each pod it takes the time
from the create call to the first watch event with phase Running and to the first with the Ready condition True.
Then it measures the raw containerd floor in the same run: the same number of pods, at the same rate and with the
same number of workers as the kubelet, through CRI directly (RunPodSandbox + CreateContainer + StartContainer).
"""
import argparse
import concurrent.futures
import os
import shutil
import sys
import threading
import time
import uuid

import grpc
from kubernetes import client, config, watch

import cri_pb2
import cri_pb2_grpc

SLO_P99 = 5.0  # upstream's pod start-up SLO: p99 within 5 s (stateless pods, images already present)
GOAL_P99 = 1.5


def percentile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def paced(n, rate):
    """Yields i at the pace of `rate` per second (0: all at once)."""
    t0 = time.monotonic()
    for i in range(n):
        if rate > 0:
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        yield i


def pod_manifest(name, image, command):
    container = {"name": "main", "image": image, "imagePullPolicy": "IfNotPresent"}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "kubelet-bench"}},
            "spec": {"terminationGracePeriodSeconds": 0, "containers": [container]}}


def bench_kubelet(args):
    config.load_kube_config(config_file=args.kubeconfig)
    core = client.CoreV1Api()
    ns = args.namespace
    try:
        core.create_namespace({"metadata": {"name": ns}})
    except client.ApiException as e:
        if e.status != 409:
            raise
    created, running, ready = {}, {}, {}
    done = threading.Event()
    started = threading.Event()
    lock = threading.Lock()

    def follow():
        w = watch.Watch()
        started.set()
        for ev in w.stream(core.list_namespaced_pod, ns, label_selector="app=kubelet-bench", timeout_seconds=600):
            now = time.monotonic()
            p = ev["object"]
            name = p.metadata.name
            with lock:
                if p.status and p.status.phase == "Running" and name not in running:
                    running[name] = now
                conds = (p.status.conditions or []) if p.status else []
                if any(c.type == "Ready" and c.status == "True" for c in conds) and name not in ready:
                    ready[name] = now
                if len(ready) >= args.pods and len(running) >= args.pods:
                    done.set()
                    w.stop()

    threading.Thread(target=follow, daemon=True).start()
    started.wait()
    time.sleep(1)  # the watch is open before the first create

    def create(i):
        name = "bench-%03d" % i
        t = time.monotonic()
        core.create_namespaced_pod(ns, pod_manifest(name, args.image, args.command))
        with lock:
            created[name] = t

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(create, i) for i in paced(args.pods, args.rate)]
        for f in futures:
            f.result()
    if not done.wait(args.timeout):
        print("timed out: %d of %d pods Running, %d Ready" % (len(running), args.pods, len(ready)), file=sys.stderr)
    to_running = [running[n] - created[n] for n in created if n in running]
    to_ready = [ready[n] - created[n] for n in created if n in ready]
    core.delete_collection_namespaced_pod(ns, label_selector="app=kubelet-bench", grace_period_seconds=0)
    return to_running, to_ready


def bench_cri(args, stub):
    run_id = uuid.uuid4().hex[:8]
    image = args.image if "/" in args.image else "docker.io/library/" + args.image
    latencies = []
    sandboxes = []
    lock = threading.Lock()

    logs = "/tmp/kubelet-bench-floor-" + run_id

    def one(i, submitted):
        meta = cri_pb2.PodSandboxMetadata(name="floor-%s-%03d" % (run_id, i), uid=str(uuid.uuid4()),
                                          namespace="kubelet-bench-floor", attempt=0)
        labels = {"io.kybernetes.bench": "floor"}
        sb_config = cri_pb2.PodSandboxConfig(metadata=meta, hostname=meta.name, labels=labels,
                                             log_directory=os.path.join(logs, meta.uid),
                                             linux=cri_pb2.LinuxPodSandboxConfig())
        os.makedirs(os.path.join(logs, meta.uid, "main"), exist_ok=True)
        sb = stub.RunPodSandbox(cri_pb2.RunPodSandboxRequest(config=sb_config)).pod_sandbox_id
        with lock:
            sandboxes.append(sb)
        c_config = cri_pb2.ContainerConfig(metadata=cri_pb2.ContainerMetadata(name="main", attempt=0),
                                           image=cri_pb2.ImageSpec(image=image), command=args.command or [],
                                           labels=labels, log_path="main/0.log")
        cid = stub.CreateContainer(cri_pb2.CreateContainerRequest(pod_sandbox_id=sb, config=c_config,
                                                                   sandbox_config=sb_config)).container_id
        stub.StartContainer(cri_pb2.StartContainerRequest(container_id=cid))
        with lock:
            latencies.append(time.monotonic() - submitted)

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.cri_workers) as pool:
            futures = [pool.submit(one, i, time.monotonic()) for i in paced(args.pods, args.rate)]
            for f in futures:
                f.result()
    finally:
        for sb in sandboxes:
            try:
                stub.StopPodSandbox(cri_pb2.StopPodSandboxRequest(pod_sandbox_id=sb))
                stub.RemovePodSandbox(cri_pb2.RemovePodSandboxRequest(pod_sandbox_id=sb))
            except grpc.RpcError as e:
                print("cleanup of sandbox %s: %s" % (sb[:13], e.code()), file=sys.stderr)
        shutil.rmtree(logs, ignore_errors=True)
    return latencies


def wait_cleanup(stub, namespace, timeout):
    """Waits until the kubelet has removed every sandbox of the deleted benchmark pods; returns how many are left."""
    selector = {"io.kubernetes.pod.namespace": namespace}
    deadline = time.monotonic() + timeout
    while True:
        items = stub.ListPodSandbox(cri_pb2.ListPodSandboxRequest(
            filter=cri_pb2.PodSandboxFilter(label_selector=selector))).items
        if not items or time.monotonic() > deadline:
            return len(items)
        time.sleep(1)


def line(label, values):
    p50, p99 = percentile(values, 50), percentile(values, 99)
    return "%-34s n=%3d  p50 %6.3f s  p99 %6.3f s  max %6.3f s" % (label, len(values), p50, p99, max(values or [0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pods", type=int, default=100)
    ap.add_argument("--rate", type=float, default=5, help="pods created per second (0: all at once)")
    ap.add_argument("--image", default="pause:3.9")
    ap.add_argument("--command", nargs="*", default=None)
    ap.add_argument("--namespace", default="kubelet-bench")
    ap.add_argument("--kubeconfig", default="/etc/kybernetes/admin.conf")
    ap.add_argument("--cri", default="/run/kybernetes/containerd/containerd.sock")
    ap.add_argument("--cri-workers", type=int, default=4, help="concurrent CRI pods (the kubelet's pod workers)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--floor-only", action="store_true", help="only the CRI floor (any containerd, no cluster)")
    args = ap.parse_args()

    print("kubelet start-up benchmark: %d pods of %s at %s pods/s" % (args.pods, args.image,
                                                                    args.rate if args.rate > 0 else "once"))
    if args.floor_only:
        with grpc.insecure_channel("unix://" + args.cri) as ch:
            floor = bench_cri(args, cri_pb2_grpc.RuntimeServiceStub(ch))
        print(line("containerd floor (CRI run+create+start)", floor))
        return 0
    # the floor first, on a quiet node (it removes its own sandboxes before returning), then the kubelet
    with grpc.insecure_channel("unix://" + args.cri) as ch:
        stub = cri_pb2_grpc.RuntimeServiceStub(ch)
        floor = bench_cri(args, stub)
        to_running, to_ready = bench_kubelet(args)
        left = wait_cleanup(stub, args.namespace, 180)
        if left:
            print("%d sandboxes of the benchmark's pods still present after 180 s" % left, file=sys.stderr)
    print(line("created -> Running (watch)", to_running))
    print(line("created -> Ready (watch)", to_ready))
    print(line("containerd floor (CRI run+create+start)", floor))
    p99_ready = percentile(to_ready, 99)
    print("p99 to Ready / upstream SLO (5 s): %.2f   goal p99 <= %.1f s: %s   p99 over the floor's p99: %+.3f s"
          % (p99_ready / SLO_P99, GOAL_P99, "met" if p99_ready <= GOAL_P99 else "NOT met",
             p99_ready - percentile(floor, 99)))
    return 0 if len(to_ready) == args.pods else 1


if __name__ == "__main__":
    sys.exit(main())
