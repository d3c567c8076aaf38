package io.kybernetes.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.kybernetes.kubelet.probe.Prober;

/** Runs postStart and preStop handlers (exec, httpGet, tcpSocket, sleep) with the probes' machinery. */
public final class LifecycleHooks {

    private final Prober prober;

    public LifecycleHooks(Prober prober) {
        this.prober = prober;
    }

    /** Runs the handler; returns null on success, else the reason (as the hook's event message). */
    public String run(LifecycleHandler h, Container c, String podIP, String containerId, long timeoutSeconds) {
        if (h.getSleep() != null) {
            try {
                Thread.sleep(Math.min(timeoutSeconds, h.getSleep().getSeconds()) * 1000);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        if (h.getExec() == null && h.getHttpGet() == null && h.getTcpSocket() == null) {
            return null;
        }
        var probe = new ProbeBuilder().withExec(h.getExec()).withHttpGet(h.getHttpGet()).withTcpSocket(h.getTcpSocket())
                .withTimeoutSeconds((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutSeconds))).build();
        Prober.Result r = prober.run(probe, c, podIP, containerId);
        if (r.ok()) {
            return null;
        }
        if (h.getExec() != null) {
            return "Exec lifecycle hook (" + h.getExec().getCommand() + ") for Container \"" + c.getName()
                    + "\" failed - error: " + r.message();
        }
        return "HTTP lifecycle hook (" + (h.getHttpGet() != null ? h.getHttpGet().getPath() : "tcp") + ") for Container \""
                + c.getName() + "\" failed - error: " + r.message();
    }
}
