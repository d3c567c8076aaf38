package io.kybernetes.kubelet.env;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/**
 * The Service environment variables upstream gives every container: for each Service with a cluster IP in the pod's
 * namespace (unless {@code enableServiceLinks} is false) and always for the {@code kubernetes} Service of the
 * default namespace, {@code NAME_SERVICE_HOST}, {@code NAME_SERVICE_PORT}, {@code NAME_SERVICE_PORT_PORTNAME} and
 * the Docker-link style {@code NAME_PORT}, {@code NAME_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]}.
 */
public final class ServiceEnv {

    static final String MASTER_NAMESPACE = "default";
    static final String MASTER_SERVICE = "kubernetes";

    private ServiceEnv() {
    }

    public static Map<String, String> of(Pod pod, List<Service> services) {
        String ns = pod.getMetadata().getNamespace();
        boolean links = pod.getSpec() == null || pod.getSpec().getEnableServiceLinks() == null
                || pod.getSpec().getEnableServiceLinks();
        Map<String, Service> chosen = new TreeMap<>();
        for (Service s : services) {
            if (!hasClusterIp(s)) {
                continue;
            }
            String name = s.getMetadata().getName();
            if (links && ns.equals(s.getMetadata().getNamespace())) {
                chosen.put(name, s);
            }
        }
        for (Service s : services) {
            if (hasClusterIp(s) && MASTER_NAMESPACE.equals(s.getMetadata().getNamespace())
                    && MASTER_SERVICE.equals(s.getMetadata().getName())) {
                chosen.putIfAbsent(MASTER_SERVICE, s); // the pod's own namespace's "kubernetes" wins, as upstream
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Service s : chosen.values()) {
            add(env, s);
        }
        return env;
    }

    private static boolean hasClusterIp(Service s) {
        String ip = s.getSpec() == null ? null : s.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !ip.equals("None");
    }

    private static String varName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static void add(Map<String, String> env, Service s) {
        String name = varName(s.getMetadata().getName());
        String ip = s.getSpec().getClusterIP();
        List<ServicePort> ports = s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts();
        env.put(name + "_SERVICE_HOST", ip);
        if (ports.isEmpty()) {
            return;
        }
        env.put(name + "_SERVICE_PORT", String.valueOf(ports.get(0).getPort()));
        for (ServicePort p : ports) {
            if (p.getName() != null && !p.getName().isEmpty()) {
                env.put(name + "_SERVICE_PORT_" + varName(p.getName()), String.valueOf(p.getPort()));
            }
        }
        ServicePort first = ports.get(0);
        env.put(name + "_PORT", protocol(first) + "://" + ip + ":" + first.getPort());
        for (ServicePort p : ports) {
            String proto = protocol(p);
            String prefix = name + "_PORT_" + p.getPort() + "_" + proto.toUpperCase(Locale.ROOT);
            env.put(prefix, proto + "://" + ip + ":" + p.getPort());
            env.put(prefix + "_PROTO", proto);
            env.put(prefix + "_PORT", String.valueOf(p.getPort()));
            env.put(prefix + "_ADDR", ip);
        }
    }

    private static String protocol(ServicePort p) {
        return p.getProtocol() == null || p.getProtocol().isEmpty() ? "tcp" : p.getProtocol().toLowerCase(Locale.ROOT);
    }
}
