package io.kybernetes.kubelet.pod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.kubelet.cri.v1.ContainerConfig;
import io.kybernetes.kubelet.cri.v1.ContainerMetadata;
import io.kybernetes.kubelet.cri.v1.ImageSpec;
import io.kybernetes.kubelet.cri.v1.KeyValue;
import io.kybernetes.kubelet.cri.v1.LinuxContainerConfig;
import io.kybernetes.kubelet.cri.v1.LinuxContainerResources;
import io.kybernetes.kubelet.cri.v1.LinuxPodSandboxConfig;
import io.kybernetes.kubelet.cri.v1.LinuxSandboxSecurityContext;
import io.kybernetes.kubelet.cri.v1.NamespaceMode;
import io.kybernetes.kubelet.cri.v1.NamespaceOption;
import io.kybernetes.kubelet.cri.v1.PodSandboxConfig;
import io.kybernetes.kubelet.cri.v1.PodSandboxMetadata;
import io.kybernetes.kubelet.cri.v1.PortMapping;
import io.kybernetes.kubelet.cri.v1.Protocol;

/** Translates a Pod's spec into CRI sandbox and container configurations (pure functions). */
public final class ContainerSpecs {

    private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    private ContainerSpecs() {
    }

    /** {@code <podLogDir>/<ns>_<pod>_<uid>} */
    public static Path podLogDirectory(Path podLogRoot, Pod pod) {
        return podLogRoot.resolve(pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName() + "_"
                + pod.getMetadata().getUid());
    }

    public static Map<String, String> podLabels(Pod pod) {
        Map<String, String> l = new LinkedHashMap<>();
        if (pod.getMetadata().getLabels() != null) {
            l.putAll(pod.getMetadata().getLabels());
        }
        l.put(CriLabels.POD_NAME, pod.getMetadata().getName());
        l.put(CriLabels.POD_NAMESPACE, pod.getMetadata().getNamespace());
        l.put(CriLabels.POD_UID, pod.getMetadata().getUid());
        l.put(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE);
        return l;
    }

    public static boolean hostNetwork(Pod pod) {
        return Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    }

    public static PodSandboxConfig sandboxConfig(Pod pod, Path podLogRoot, int attempt) {
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder()
                        .setName(pod.getMetadata().getName())
                        .setNamespace(pod.getMetadata().getNamespace())
                        .setUid(pod.getMetadata().getUid())
                        .setAttempt(attempt))
                .setLogDirectory(podLogDirectory(podLogRoot, pod).toString())
                .putAllLabels(podLabels(pod));
        if (pod.getMetadata().getAnnotations() != null) {
            b.putAllAnnotations(pod.getMetadata().getAnnotations());
        }
        boolean hostNet = hostNetwork(pod);
        if (!hostNet) {
            // runc refuses a hostname without a private UTS namespace, which host-network pods share with the node
            String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : pod.getMetadata().getName();
            b.setHostname(hostname.length() > 63 ? hostname.substring(0, 63) : hostname);
        }
        for (Container c : allContainers(pod)) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (p.getHostPort() == null || p.getHostPort() <= 0) {
                    continue;
                }
                b.addPortMappings(PortMapping.newBuilder()
                        .setProtocol(protocol(p.getProtocol()))
                        .setContainerPort(p.getContainerPort())
                        .setHostPort(p.getHostPort())
                        .setHostIp(p.getHostIP() == null ? "" : p.getHostIP()));
            }
        }
        b.setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(namespaces(pod))));
        return b.build();
    }

    static NamespaceOption namespaces(Pod pod) {
        return NamespaceOption.newBuilder()
                .setNetwork(hostNetwork(pod) ? NamespaceMode.NODE : NamespaceMode.POD)
                .setPid(Boolean.TRUE.equals(pod.getSpec().getHostPID()) ? NamespaceMode.NODE
                        : Boolean.TRUE.equals(pod.getSpec().getShareProcessNamespace()) ? NamespaceMode.POD
                        : NamespaceMode.CONTAINER)
                .setIpc(Boolean.TRUE.equals(pod.getSpec().getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD)
                .build();
    }

    private static Protocol protocol(String p) {
        if ("UDP".equals(p)) {
            return Protocol.UDP;
        }
        return "SCTP".equals(p) ? Protocol.SCTP : Protocol.TCP;
    }

    public static List<Container> allContainers(Pod pod) {
        List<Container> all = new ArrayList<>();
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        all.addAll(pod.getSpec().getContainers());
        return all;
    }

    /** {@code <container>/<restartCount>.log}, relative to the sandbox's log directory. */
    public static String logPath(String container, int attempt) {
        return container + "/" + attempt + ".log";
    }

    public static ContainerConfig containerConfig(Pod pod, Container c, int attempt, boolean init, String podIP,
                                                  String hostIP) {
        return containerConfig(pod, c, attempt, init, podIP, hostIP, Map.of());
    }

    /** {@code volumes}: host path of each prepared volume, by name. */
    public static ContainerConfig containerConfig(Pod pod, Container c, int attempt, boolean init, String podIP,
                                                  String hostIP, Map<String, String> volumes) {
        Map<String, String> env = environment(pod, c, podIP, hostIP);
        ContainerConfig.Builder b = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(c.getName()).setAttempt(attempt))
                .setImage(ImageSpec.newBuilder().setImage(c.getImage()).setUserSpecifiedImage(c.getImage()))
                .setLogPath(logPath(c.getName(), attempt))
                .setStdin(Boolean.TRUE.equals(c.getStdin()))
                .setStdinOnce(Boolean.TRUE.equals(c.getStdinOnce()))
                .setTty(Boolean.TRUE.equals(c.getTty()))
                .putLabels(CriLabels.POD_NAME, pod.getMetadata().getName())
                .putLabels(CriLabels.POD_NAMESPACE, pod.getMetadata().getNamespace())
                .putLabels(CriLabels.POD_UID, pod.getMetadata().getUid())
                .putLabels(CriLabels.CONTAINER_NAME, c.getName())
                .putLabels(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE)
                .putAnnotations(CriLabels.GRACE_PERIOD, Long.toString(gracePeriod(pod)));
        if (init) {
            b.putAnnotations(CriLabels.CONTAINER_KIND, "init");
        }
        if (c.getCommand() != null) {
            c.getCommand().forEach(s -> b.addCommand(expand(s, env)));
        }
        if (c.getArgs() != null) {
            c.getArgs().forEach(s -> b.addArgs(expand(s, env)));
        }
        if (c.getWorkingDir() != null) {
            b.setWorkingDir(c.getWorkingDir());
        }
        env.forEach((k, v) -> b.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
        if (c.getVolumeMounts() != null) {
            for (var m : c.getVolumeMounts()) {
                String host = volumes.get(m.getName());
                if (host == null) {
                    continue;
                }
                String sub = m.getSubPath() == null || m.getSubPath().isEmpty() ? "" : "/" + m.getSubPath();
                b.addMounts(io.kybernetes.kubelet.cri.v1.Mount.newBuilder().setContainerPath(m.getMountPath())
                        .setHostPath(host + sub).setReadonly(Boolean.TRUE.equals(m.getReadOnly())));
            }
        }
        b.setLinux(LinuxContainerConfig.newBuilder().setResources(resources(c)));
        return b.build();
    }

    public static long gracePeriod(Pod pod) {
        Long g = pod.getSpec().getTerminationGracePeriodSeconds();
        return g == null ? 30 : g;
    }

    /** cgroup settings from requests/limits, converted as upstream does (shares from requests, quota from limits). */
    static LinuxContainerResources resources(Container c) {
        LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
        Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null
                ? Map.of() : c.getResources().getLimits();
        Map<String, Quantity> requests = c.getResources() == null || c.getResources().getRequests() == null
                ? Map.of() : c.getResources().getRequests();
        Quantity cpuRequest = requests.getOrDefault("cpu", limits.get("cpu"));
        long milli = cpuRequest == null ? 0 : Quantity.getAmountInBytes(cpuRequest).movePointRight(3).longValue();
        r.setCpuShares(Math.max(2, milli * 1024 / 1000));
        if (limits.containsKey("cpu")) {
            long limitMilli = Quantity.getAmountInBytes(limits.get("cpu")).movePointRight(3).longValue();
            r.setCpuPeriod(100_000).setCpuQuota(Math.max(1000, limitMilli * 100_000 / 1000));
        }
        if (limits.containsKey("memory")) {
            r.setMemoryLimitInBytes(Quantity.getAmountInBytes(limits.get("memory")).longValue());
        }
        return r.build();
    }

    /** Explicit env values and the cheap fieldRefs; $(VAR) references to earlier variables are expanded. */
    static Map<String, String> environment(Pod pod, Container c, String podIP, String hostIP) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnv() == null) {
            return env;
        }
        for (EnvVar e : c.getEnv()) {
            String value = null;
            if (e.getValue() != null) {
                value = expand(e.getValue(), env);
            } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                value = fieldRef(pod, e.getValueFrom().getFieldRef().getFieldPath(), podIP, hostIP);
            }
            env.put(e.getName(), value == null ? "" : value);
        }
        return env;
    }

    static String fieldRef(Pod pod, String path, String podIP, String hostIP) {
        switch (path) {
            case "metadata.name": return pod.getMetadata().getName();
            case "metadata.namespace": return pod.getMetadata().getNamespace();
            case "metadata.uid": return pod.getMetadata().getUid();
            case "spec.nodeName": return pod.getSpec().getNodeName();
            case "spec.serviceAccountName": return pod.getSpec().getServiceAccountName();
            case "status.podIP": return podIP;
            case "status.hostIP": return hostIP;
            default:
                Matcher m = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
                if (m.matches()) {
                    Map<String, String> src = "labels".equals(m.group(1)) ? pod.getMetadata().getLabels()
                            : pod.getMetadata().getAnnotations();
                    return src == null ? "" : src.getOrDefault(m.group(2), "");
                }
                return "";
        }
    }

    /** Expands {@code $(NAME)} from {@code env}; {@code $$} escapes; unknown references stay as written. */
    static String expand(String s, Map<String, String> env) {
        if (!s.contains("$")) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == '$' && i + 1 < s.length() && s.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (ch == '$' && i + 1 < s.length() && s.charAt(i + 1) == '(') {
                Matcher m = VAR_REF.matcher(s);
                if (m.find(i) && m.start() == i && env.containsKey(m.group(1))) {
                    out.append(env.get(m.group(1)));
                    i = m.end();
                    continue;
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }
}
