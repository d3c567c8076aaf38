package io.kybernetes.kubelet.pod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.kubelet.env.ContainerConfigException;
import io.kybernetes.kubelet.env.ContainerEnv;
import io.kybernetes.kubelet.env.ObjectSource;
import io.kybernetes.kubelet.env.PodFacts;
import io.kybernetes.kubelet.cri.v1.ContainerConfig;
import io.kybernetes.kubelet.cri.v1.DNSConfig;
import io.kybernetes.kubelet.cri.v1.ContainerMetadata;
import io.kybernetes.kubelet.cri.v1.ImageSpec;
import io.kybernetes.kubelet.cri.v1.KeyValue;
import io.kybernetes.kubelet.cri.v1.LinuxContainerConfig;
import io.kybernetes.kubelet.cri.v1.LinuxContainerResources;
import io.kybernetes.kubelet.cri.v1.LinuxPodSandboxConfig;
import io.kybernetes.kubelet.cri.v1.NamespaceMode;
import io.kybernetes.kubelet.cri.v1.NamespaceOption;
import io.kybernetes.kubelet.cri.v1.PodSandboxConfig;
import io.kybernetes.kubelet.cri.v1.PodSandboxMetadata;
import io.kybernetes.kubelet.cri.v1.PortMapping;
import io.kybernetes.kubelet.cri.v1.Protocol;

/** Translates a Pod's spec into CRI sandbox and container configurations (pure functions). */
public final class ContainerSpecs {

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
        return sandboxConfig(pod, podLogRoot, attempt, null);
    }

    public static PodSandboxConfig sandboxConfig(Pod pod, Path podLogRoot, int attempt, DNSConfig dns) {
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
        if (dns != null) {
            b.setDnsConfig(dns);
        }
        b.setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(ContainerSecurity.sandbox(pod)
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

    /** Everything a container's CRI config needs besides the pod spec. */
    public record Inputs(Map<String, String> env, Map<String, String> volumes, String terminationMessageHostPath,
                         long nodeMemoryBytes) {
    }

    /** For tests: env from values and fieldRefs only. */
    public static ContainerConfig containerConfig(Pod pod, Container c, int attempt, boolean init, String podIP,
                                                  String hostIP) {
        return containerConfig(pod, c, attempt, init, podIP, hostIP, Map.of());
    }

    /** For tests: env from values and fieldRefs only; {@code volumes}: host path of each prepared volume. */
    public static ContainerConfig containerConfig(Pod pod, Container c, int attempt, boolean init, String podIP,
                                                  String hostIP, Map<String, String> volumes) {
        Map<String, String> env;
        try {
            env = ContainerEnv.resolve(pod, c, PodFacts.of(podIP, hostIP), ObjectSource.NONE);
        } catch (ContainerConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return containerConfig(pod, c, attempt, init, new Inputs(env, volumes, null, 0));
    }

    public static ContainerConfig containerConfig(Pod pod, Container c, int attempt, boolean init, Inputs in) {
        Map<String, String> env = in.env();
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
            c.getCommand().forEach(s -> b.addCommand(ContainerEnv.expand(s, env)));
        }
        if (c.getArgs() != null) {
            c.getArgs().forEach(s -> b.addArgs(ContainerEnv.expand(s, env)));
        }
        if (c.getWorkingDir() != null) {
            b.setWorkingDir(c.getWorkingDir());
        }
        env.forEach((k, v) -> b.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
        if (c.getVolumeMounts() != null) {
            for (var m : c.getVolumeMounts()) {
                String host = in.volumes().get(m.getName());
                if (host == null) {
                    continue;
                }
                String subPath = m.getSubPathExpr() != null && !m.getSubPathExpr().isEmpty()
                        ? ContainerEnv.expand(m.getSubPathExpr(), env) : m.getSubPath();
                String sub = subPath == null || subPath.isEmpty() ? "" : "/" + subPath;
                b.addMounts(io.kybernetes.kubelet.cri.v1.Mount.newBuilder().setContainerPath(m.getMountPath())
                        .setHostPath(host + sub)
                        .setReadonly(Boolean.TRUE.equals(m.getReadOnly()) || readOnlyVolume(pod, m.getName()))
                        .setPropagation(propagation(m.getMountPropagation())));
            }
        }
        if (in.terminationMessageHostPath() != null) {
            String path = c.getTerminationMessagePath() == null || c.getTerminationMessagePath().isEmpty()
                    ? "/dev/termination-log" : c.getTerminationMessagePath();
            b.addMounts(io.kybernetes.kubelet.cri.v1.Mount.newBuilder().setContainerPath(path)
                    .setHostPath(in.terminationMessageHostPath()));
        }
        LinuxContainerResources.Builder resources = resources(c).toBuilder()
                .setOomScoreAdj(oomScoreAdj(pod, c, in.nodeMemoryBytes()));
        b.setLinux(LinuxContainerConfig.newBuilder().setResources(resources)
                .setSecurityContext(ContainerSecurity.of(pod, c)));
        return b.build();
    }

    /** configMap, secret, downwardAPI and projected volumes are always mounted read-only, as upstream does. */
    static boolean readOnlyVolume(Pod pod, String name) {
        if (pod.getSpec().getVolumes() == null) {
            return false;
        }
        for (var v : pod.getSpec().getVolumes()) {
            if (v.getName().equals(name)) {
                return v.getConfigMap() != null || v.getSecret() != null || v.getDownwardAPI() != null
                        || v.getProjected() != null;
            }
        }
        return false;
    }

    private static io.kybernetes.kubelet.cri.v1.MountPropagation propagation(String p) {
        if ("HostToContainer".equals(p)) {
            return io.kybernetes.kubelet.cri.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
        }
        if ("Bidirectional".equals(p)) {
            return io.kybernetes.kubelet.cri.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL;
        }
        return io.kybernetes.kubelet.cri.v1.MountPropagation.PROPAGATION_PRIVATE;
    }

    /**
     * The OOM score adjustment by QoS class, as upstream: Guaranteed -997, BestEffort 1000, Burstable between 2 and
     * 999, lower the larger the container's memory request is relative to the node's memory.
     */
    static long oomScoreAdj(Pod pod, Container c, long nodeMemoryBytes) {
        String qos = PodStatusFactory.qosClass(pod);
        if ("Guaranteed".equals(qos)) {
            return -997;
        }
        if ("BestEffort".equals(qos)) {
            return 1000;
        }
        Quantity request = c.getResources() == null || c.getResources().getRequests() == null ? null
                : c.getResources().getRequests().get("memory");
        if (request == null && c.getResources() != null && c.getResources().getLimits() != null) {
            request = c.getResources().getLimits().get("memory");
        }
        long req = request == null ? 0 : Quantity.getAmountInBytes(request).longValue();
        long adj = nodeMemoryBytes <= 0 ? 1000 : 1000 - (1000 * req) / nodeMemoryBytes;
        if (adj < 2) {
            return 2;
        }
        return adj >= 1000 ? 999 : adj;
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

}
