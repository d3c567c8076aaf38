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

/** Runs one probe (httpGet, tcpSocket or exec) once, as upstream defines success. */
public final class Prober {

    private final CriClient cri;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(1)).build();

    public Prober(CriClient cri) {
        this.cri = cri;
    }

    public boolean run(Probe probe, Container container, String podIP, String containerId) {
        int timeout = probe.getTimeoutSeconds() == null ? 1 : Math.max(1, probe.getTimeoutSeconds());
        try {
            if (probe.getHttpGet() != null) {
                var g = probe.getHttpGet();
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
                int code = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                return code >= 200 && code < 400;
            }
            if (probe.getTcpSocket() != null) {
                var t = probe.getTcpSocket();
                String host = t.getHost() == null || t.getHost().isEmpty() ? podIP : t.getHost();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port(t.getPort(), container)), timeout * 1000);
                    return true;
                }
            }
            if (probe.getExec() != null && probe.getExec().getCommand() != null) {
                return cri.execSync(containerId, probe.getExec().getCommand(), timeout) == 0;
            }
            return true; // no handler we know: treat as success rather than killing the container
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
