package io.kybernetes.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The official Python client's exec ({@code kubernetes.stream.stream(connect_get_namespaced_pod_exec, ...)}, a
 * WebSocket with {@code v4.channel.k8s.io}) against a busybox pod: output of a one-shot command, stdout and stderr
 * apart with the exit code from the error channel, stdin echoed back by {@code cat}, and a missing container refused.
 * The script is written here (python3-kubernetes from apt, run with /usr/bin/python3); it prints one "ok" line per
 * check and removes its namespace.
 */
class PythonExecTest {

    private static final String SCRIPT = """
            import sys, time
            from kubernetes import client, config
            from kubernetes.client.rest import ApiException
            from kubernetes.stream import stream

            NS = "e2e-pyexec"

            def ok(name):
                print("ok " + name, flush=True)

            def main(kubeconfig):
                config.load_kube_config(config_file=kubeconfig)
                core = client.CoreV1Api()
                try:
                    core.delete_namespace(NS)
                except ApiException as e:
                    assert e.status == 404, e
                for _ in range(240):
                    try:
                        core.read_namespace(NS)
                        time.sleep(0.5)
                    except ApiException as e:
                        assert e.status == 404
                        break
                core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
                try:
                    run(core)
                finally:
                    core.delete_namespace(NS)

            def run(core):
                pod = client.V1Pod(metadata=client.V1ObjectMeta(name="shell"), spec=client.V1PodSpec(
                    termination_grace_period_seconds=1,
                    containers=[client.V1Container(name="sh", image="busybox", command=["sleep", "3600"])]))
                core.create_namespaced_pod(NS, pod)
                for _ in range(240):
                    if core.read_namespaced_pod("shell", NS).status.phase == "Running":
                        break
                    time.sleep(0.5)
                else:
                    raise AssertionError("pod not Running")
                ok("pod running")

                out = stream(core.connect_get_namespaced_pod_exec, "shell", NS, command=["echo", "hi"],
                             stderr=True, stdin=False, stdout=True, tty=False)
                assert out == "hi\\n", repr(out)
                ok("one-shot exec output")

                resp = stream(core.connect_get_namespaced_pod_exec, "shell", NS,
                              command=["sh", "-c", "echo out; echo err >&2; exit 3"],
                              stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
                resp.run_forever(timeout=20)
                stdout, stderr = resp.read_stdout(), resp.read_stderr()
                assert stdout == "out\\n", repr(stdout)
                assert stderr == "err\\n", repr(stderr)
                ok("stdout and stderr apart")
                assert resp.returncode == 3, resp.returncode
                ok("exit code 3 from the error channel")
                resp.close()

                resp = stream(core.connect_get_namespaced_pod_exec, "shell", NS, command=["cat"],
                              stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False)
                resp.write_stdin("hello over stdin\\n")
                got = ""
                deadline = time.time() + 20
                while "hello over stdin" not in got and time.time() < deadline:
                    resp.update(timeout=1)
                    if resp.peek_stdout():
                        got += resp.read_stdout()
                assert got == "hello over stdin\\n", repr(got)
                resp.close()
                ok("stdin echoed by cat")

                try:
                    stream(core.connect_get_namespaced_pod_exec, "shell", NS, container="nope", command=["true"],
                           stderr=True, stdin=False, stdout=True, tty=False)
                    raise AssertionError("exec into a missing container succeeded")
                except ApiException as e:
                    # python-kubernetes 22.6 reports a refused WebSocket handshake as status 0 with the HTTP status
                    # in the reason ("Handshake status 400 Bad Request")
                    assert e.status == 400 or e.status == 0 and "Handshake status 400" in str(e.reason), e
                    ok("missing container refused: " + str(e.reason))

            main(sys.argv[1])
            """;

    @Test
    void pythonClientExecOverWebSocket() throws IOException {
        Path script = Files.createTempFile("e2e-pyexec", ".py");
        try {
            Files.writeString(script, SCRIPT);
            Cli.Result r = Cli.run(Duration.ofSeconds(300), "/usr/bin/python3", script.toString(), Cli.KUBECONFIG);
            List<String> checks = r.out().lines().filter(l -> l.startsWith("ok ")).toList();
            assertEquals(0, r.exit(), r.out() + r.err());
            assertEquals(6, checks.size(), r.out());
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
