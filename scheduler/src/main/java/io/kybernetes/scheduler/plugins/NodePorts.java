package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.FilterPlugin;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.Status;

/** Rejects nodes where a pod already uses one of the pod's host ports (same protocol, overlapping host IP). */
public final class NodePorts implements FilterPlugin {

    public static final String NAME = "NodePorts";
    public static final String REASON = "node(s) didn't have free ports for the requested pod ports";

    record HostPort(String ip, String protocol, int port) {
        boolean conflicts(HostPort o) {
            return port == o.port && protocol.equals(o.protocol)
                    && (ip.equals(o.ip) || ip.equals("0.0.0.0") || o.ip.equals("0.0.0.0"));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<HostPort> wanted = state.memo(NAME + "/wanted", () -> hostPorts(pod));
        if (wanted.isEmpty()) {
            return Status.success();
        }
        for (Pod other : node.pods()) {
            for (HostPort used : hostPorts(other)) {
                for (HostPort w : wanted) {
                    if (w.conflicts(used)) {
                        return Status.unschedulable(NAME, REASON);
                    }
                }
            }
        }
        return Status.success();
    }

    static List<HostPort> hostPorts(Pod pod) {
        List<HostPort> out = new ArrayList<>();
        List<Container> all = new ArrayList<>();
        if (pod.getSpec().getContainers() != null) {
            all.addAll(pod.getSpec().getContainers());
        }
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        for (Container c : all) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP();
                    String proto = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
                    out.add(new HostPort(ip, proto, p.getHostPort()));
                }
            }
        }
        return out;
    }
}
