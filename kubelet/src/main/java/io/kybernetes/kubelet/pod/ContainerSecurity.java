package io.kybernetes.kubelet.pod;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.kybernetes.kubelet.cri.v1.Capability;
import io.kybernetes.kubelet.cri.v1.Int64Value;
import io.kybernetes.kubelet.cri.v1.LinuxContainerSecurityContext;
import io.kybernetes.kubelet.cri.v1.LinuxSandboxSecurityContext;
import io.kybernetes.kubelet.env.ContainerConfigException;

/**
 * Pod and container securityContext to CRI security contexts (pure). Container settings override the pod's;
 * fsGroup and supplementalGroups become supplemental groups of every container.
 */
public final class ContainerSecurity {

    private ContainerSecurity() {
    }

    static LinuxSandboxSecurityContext.Builder sandbox(Pod pod) {
        LinuxSandboxSecurityContext.Builder b = LinuxSandboxSecurityContext.newBuilder();
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        if (psc != null) {
            if (psc.getRunAsUser() != null) {
                b.setRunAsUser(Int64Value.newBuilder().setValue(psc.getRunAsUser()));
                if (psc.getRunAsGroup() != null) {
                    b.setRunAsGroup(Int64Value.newBuilder().setValue(psc.getRunAsGroup()));
                }
            }
            b.addAllSupplementalGroups(supplementalGroups(psc));
        }
        boolean privileged = ContainerSpecs.allContainers(pod).stream().anyMatch(c -> c.getSecurityContext() != null
                && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()));
        return b.setPrivileged(privileged);
    }

    private static List<Long> supplementalGroups(PodSecurityContext psc) {
        LinkedHashSet<Long> groups = new LinkedHashSet<>();
        if (psc == null) {
            return List.of();
        }
        if (psc.getFsGroup() != null) {
            groups.add(psc.getFsGroup());
        }
        if (psc.getSupplementalGroups() != null) {
            groups.addAll(psc.getSupplementalGroups());
        }
        return new ArrayList<>(groups);
    }

    /** The user the container runs as by its security contexts (container over pod), or null for the image's. */
    static Long runAsUser(Pod pod, Container c) {
        SecurityContext sc = c.getSecurityContext();
        if (sc != null && sc.getRunAsUser() != null) {
            return sc.getRunAsUser();
        }
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        return psc == null ? null : psc.getRunAsUser();
    }

    static Long runAsGroup(Pod pod, Container c) {
        SecurityContext sc = c.getSecurityContext();
        if (sc != null && sc.getRunAsGroup() != null) {
            return sc.getRunAsGroup();
        }
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        return psc == null ? null : psc.getRunAsGroup();
    }

    static boolean runAsNonRoot(Pod pod, Container c) {
        SecurityContext sc = c.getSecurityContext();
        if (sc != null && sc.getRunAsNonRoot() != null) {
            return sc.getRunAsNonRoot();
        }
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        return psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
    }

    public static LinuxContainerSecurityContext of(Pod pod, Container c) {
        LinuxContainerSecurityContext.Builder b = LinuxContainerSecurityContext.newBuilder()
                .setNamespaceOptions(ContainerSpecs.namespaces(pod));
        Long uid = runAsUser(pod, c);
        if (uid != null) {
            b.setRunAsUser(Int64Value.newBuilder().setValue(uid));
            Long gid = runAsGroup(pod, c);
            if (gid != null) {
                b.setRunAsGroup(Int64Value.newBuilder().setValue(gid));
            }
        }
        b.addAllSupplementalGroups(supplementalGroups(pod.getSpec().getSecurityContext()));
        SecurityContext sc = c.getSecurityContext();
        if (sc != null) {
            b.setPrivileged(Boolean.TRUE.equals(sc.getPrivileged()));
            b.setReadonlyRootfs(Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()));
            if (sc.getCapabilities() != null) {
                Capability.Builder cap = Capability.newBuilder();
                if (sc.getCapabilities().getAdd() != null) {
                    sc.getCapabilities().getAdd().forEach(x -> cap.addAddCapabilities(capability(x)));
                }
                if (sc.getCapabilities().getDrop() != null) {
                    sc.getCapabilities().getDrop().forEach(x -> cap.addDropCapabilities(capability(x)));
                }
                b.setCapabilities(cap);
            }
            // upstream sets no_new_privs only when privilege escalation is explicitly disallowed
            b.setNoNewPrivs(Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())
                    && !Boolean.TRUE.equals(sc.getPrivileged()));
        }
        return b.build();
    }

    /**
     * Capability names as CRI carries them: upper case without the CAP_ prefix, which the runtime adds (containerd
     * 1.6 prepends it unconditionally, so "CAP_NET_ADMIN" became the unknown "CAP_CAP_NET_ADMIN" and was lost).
     */
    static String capability(String name) {
        String n = name.toUpperCase(java.util.Locale.ROOT);
        return n.startsWith("CAP_") ? n.substring(4) : n;
    }

    /**
     * Enforces runAsNonRoot against the effective user: the configured runAsUser, else the image's user
     * ({@code imageUid} null with a non-empty {@code imageUser} means a user name that cannot be checked).
     */
    static void verifyNonRoot(Pod pod, Container c, Long imageUid, String imageUser) throws ContainerConfigException {
        if (!runAsNonRoot(pod, c)) {
            return;
        }
        String who = "(pod: \"" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                + pod.getMetadata().getUid() + ")\", container: " + c.getName() + ")";
        Long uid = runAsUser(pod, c);
        if (uid != null) {
            if (uid == 0) {
                throw new ContainerConfigException("container's runAsUser breaks non-root policy " + who);
            }
            return;
        }
        if (imageUid != null) {
            if (imageUid == 0) {
                throw new ContainerConfigException("container has runAsNonRoot and image will run as root " + who);
            }
            return;
        }
        if (imageUser != null && !imageUser.isEmpty()) {
            throw new ContainerConfigException("container has runAsNonRoot and image has non-numeric user ("
                    + imageUser + "), cannot verify user is non-root " + who);
        }
        throw new ContainerConfigException("container has runAsNonRoot and image will run as root " + who);
    }
}
