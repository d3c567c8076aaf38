package io.kybernetes.kubelet.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.kybernetes.kubelet.cri.CriClient;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Runs one probe (httpGet, tcpSocket, exec or grpc) once, as upstream defines success. */
public final class Prober {

    private final CriClient cri;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(1)).build();

    public Prober(CriClient cri) {
        this.cri = cri;
    }

    /** The outcome of one probe: success, or failure with upstream's wording of why. */
    public record Result(boolean ok, String message) {
        static final Result SUCCESS = new Result(true, "");

        static Result failure(String message) {
            return new Result(false, message);
        }
    }

    public Result run(Probe probe, Container container, String podIP, String containerId) {
        int timeout = probe.getTimeoutSeconds() == null ? 1 : Math.max(1, probe.getTimeoutSeconds());
        try {
            if (probe.getHttpGet() != null) {
                return httpGet(probe.getHttpGet(), container, podIP, timeout);
            }
            if (probe.getTcpSocket() != null) {
                var t = probe.getTcpSocket();
                String host = t.getHost() == null || t.getHost().isEmpty() ? podIP : t.getHost();
                int port = port(t.getPort(), container);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), timeout * 1000);
                    return Result.SUCCESS;
                } catch (IOException e) {
                    return Result.failure("dial tcp " + host + ":" + port + ": " + e.getMessage());
                }
            }
            if (probe.getExec() != null && probe.getExec().getCommand() != null) {
                var r = cri.execSyncOutput(containerId, probe.getExec().getCommand(), timeout);
                if (r.getExitCode() == 0) {
                    return Result.SUCCESS;
                }
                String out = r.getStdout().toStringUtf8() + r.getStderr().toStringUtf8();
                return Result.failure(out.isEmpty() ? "command " + probe.getExec().getCommand()
                        + " exited with " + r.getExitCode() : out);
            }
            if (probe.getGrpc() != null) {
                return grpc(probe.getGrpc().getPort(), probe.getGrpc().getService(), podIP, timeout);
            }
            return Result.SUCCESS; // no handler we know: treat as success rather than killing the container
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                return Result.failure("command timed out");
            }
            return Result.failure(e.getStatus().toString());
        } catch (IOException | RuntimeException e) {
            return Result.failure(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failure("interrupted");
        }
    }

    private Result httpGet(io.fabric8.kubernetes.api.model.HTTPGetAction g, Container container, String podIP,
                           int timeout) throws IOException, InterruptedException {
        String host = g.getHost() == null || g.getHost().isEmpty() ? podIP : g.getHost();
        String scheme = g.getScheme() == null ? "http" : g.getScheme().toLowerCase();
        String path = g.getPath() == null || g.getPath().isEmpty() ? "/" : g.getPath();
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        URI uri = URI.create(scheme + "://" + host + ":" + port(g.getPort(), container) + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeout))
                .header("User-Agent", "kube-probe/1.32");
        if (g.getHttpHeaders() != null) {
            for (HTTPHeader h : g.getHttpHeaders()) {
                req.header(h.getName(), h.getValue());
            }
        }
        try {
            int code = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return code >= 200 && code < 400 ? Result.SUCCESS
                    : Result.failure("HTTP probe failed with statuscode: " + code);
        } catch (java.net.http.HttpTimeoutException e) {
            return Result.failure("Get \"" + uri + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        } catch (IOException e) {
            return Result.failure("Get \"" + uri + "\": " + e.getMessage());
        }
    }

    /**
     * grpc.health.v1.Health/Check on the pod's IP; healthy only when the answer is SERVING. The health stubs are
     * the ones quarkus-grpc already ships (package grpc.health.v1), so no proto of our own is needed.
     */
    static Result grpc(int port, String service, String host, int timeout) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            var resp = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(timeout, TimeUnit.SECONDS)
                    .check(HealthOuterClass.HealthCheckRequest.newBuilder().setService(service == null ? "" : service)
                            .build());
            if (resp.getStatus() == HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING) {
                return Result.SUCCESS;
            }
            return Result.failure("service unhealthy (responded with \"" + resp.getStatus() + "\")");
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                return Result.failure("timeout: health rpc did not complete within " + timeout + "s");
            }
            return Result.failure("error: health rpc probe failed: " + e.getStatus());
        } finally {
            ch.shutdownNow();
        }
    }

    /** A numeric port, or a named container port. */
    static int port(IntOrString p, Container c) {
        if (p == null) {
            throw new IllegalArgumentException("probe has no port");
        }
        if (p.getIntVal() != null) {
            return p.getIntVal();
        }
        String name = p.getStrVal();
        if (c.getPorts() != null) {
            for (ContainerPort cp : c.getPorts()) {
                if (name.equals(cp.getName())) {
                    return cp.getContainerPort();
                }
            }
        }
        return Integer.parseInt(name);
    }
}
