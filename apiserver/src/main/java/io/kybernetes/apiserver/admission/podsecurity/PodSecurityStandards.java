package io.kybernetes.apiserver.admission.podsecurity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The baseline and restricted checks of the Pod Security Standards, for the fields this cluster runs, each giving
 * upstream's reason and detail texts. Checks run in upstream's order (by check id); at restricted, the restricted
 * capabilities and seccomp checks replace the baseline ones.
 */
public final class PodSecurityStandards {

    /** A failed check: upstream's forbidden reason and detail. */
    public record Violation(String reason, String detail) {
        @Override
        public String toString() {
            return detail.isEmpty() ? reason : reason + " (" + detail + ")";
        }
    }

    public enum Level { PRIVILEGED, BASELINE, RESTRICTED }

    static final Set<String> BASELINE_CAPS = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    private PodSecurityStandards() {
    }

    /** The violations of {@code spec} (a pod spec) at {@code level}, in upstream's order. */
    public static List<Violation> check(Level level, JsonNode spec) {
        List<Violation> out = new ArrayList<>();
        if (level == Level.PRIVILEGED) {
            return out;
        }
        boolean restricted = level == Level.RESTRICTED;
        if (restricted) {
            add(out, "allowPrivilegeEscalation != false", containerNames(spec,
                    (c, sc) -> !sc.path("allowPrivilegeEscalation").isBoolean()
                            || sc.path("allowPrivilegeEscalation").asBoolean()),
                    names -> containers(names) + " must set securityContext.allowPrivilegeEscalation=false");
            capabilitiesRestricted(spec, out);
        } else {
            capabilitiesBaseline(spec, out);
        }
        List<String> hostNs = new ArrayList<>();
        for (String f : new String[] {"hostNetwork", "hostPID", "hostIPC"}) {
            if (spec.path(f).asBoolean(false)) {
                hostNs.add(f + "=true");
            }
        }
        if (!hostNs.isEmpty()) {
            out.add(new Violation("host namespaces", String.join(", ", hostNs)));
        }
        List<String> hostPaths = new ArrayList<>();
        for (JsonNode v : spec.path("volumes")) {
            if (v.has("hostPath")) {
                hostPaths.add(v.path("name").asText());
            }
        }
        if (!hostPaths.isEmpty()) {
            out.add(new Violation("hostPath volumes", plural("volume", "volumes", hostPaths) + " " + quoted(hostPaths)));
        }
        hostPorts(spec, out);
        add(out, "privileged", containerNames(spec, (c, sc) -> sc.path("privileged").asBoolean(false)),
                names -> containers(names) + " must not set securityContext.privileged=true");
        add(out, "procMount", containerNames(spec, (c, sc) -> sc.has("procMount")
                && !"Default".equals(sc.path("procMount").asText())),
                names -> containers(names) + " must not set securityContext.procMount to \"Unmasked\"");
        if (restricted) {
            List<String> bad = new ArrayList<>();
            for (JsonNode v : spec.path("volumes")) {
                v.fieldNames().forEachRemaining(f -> {
                    if (!f.equals("name") && !RESTRICTED_VOLUMES.contains(f)) {
                        bad.add("volume \"" + v.path("name").asText() + "\" uses restricted volume type \"" + f + "\"");
                    }
                });
            }
            if (!bad.isEmpty()) {
                out.add(new Violation("restricted volume types", String.join(", ", bad)));
            }
            runAsNonRoot(spec, out);
            List<String> root = new ArrayList<>();
            if (spec.path("securityContext").path("runAsUser").isNumber()
                    && spec.path("securityContext").path("runAsUser").asLong() == 0) {
                root.add("pod must not set runAsUser=0");
            }
            List<String> rootContainers = containerNames(spec, (c, sc) -> sc.path("runAsUser").isNumber()
                    && sc.path("runAsUser").asLong() == 0);
            if (!rootContainers.isEmpty()) {
                root.add(containers(rootContainers) + " must not set runAsUser=0");
            }
            if (!root.isEmpty()) {
                out.add(new Violation("runAsUser=0", String.join("; ", root)));
            }
            seccompRestricted(spec, out);
        } else {
            seccompBaseline(spec, out);
        }
        List<String> sysctls = new ArrayList<>();
        for (JsonNode s : spec.path("securityContext").path("sysctls")) {
            if (!SAFE_SYSCTLS.contains(s.path("name").asText())) {
                sysctls.add(s.path("name").asText());
            }
        }
        if (!sysctls.isEmpty()) {
            out.add(new Violation("forbidden sysctls", String.join(", ", sysctls)));
        }
        return out;
    }

    private static void capabilitiesBaseline(JsonNode spec, List<Violation> out) {
        List<String> details = new ArrayList<>();
        Set<String> caps = new LinkedHashSet<>();
        List<String> names = containerNames(spec, (c, sc) -> {
            boolean bad = false;
            for (JsonNode cap : sc.path("capabilities").path("add")) {
                if (!BASELINE_CAPS.contains(cap.asText())) {
                    caps.add(cap.asText());
                    bad = true;
                }
            }
            return bad;
        });
        if (!names.isEmpty()) {
            details.add(containers(names) + " must not include " + quoted(new ArrayList<>(caps))
                    + " in securityContext.capabilities.add");
            out.add(new Violation("non-default capabilities", String.join("; ", details)));
        }
    }

    private static void capabilitiesRestricted(JsonNode spec, List<Violation> out) {
        List<String> details = new ArrayList<>();
        List<String> noDrop = containerNames(spec, (c, sc) -> {
            for (JsonNode d : sc.path("capabilities").path("drop")) {
                if (d.asText().equals("ALL")) {
                    return false;
                }
            }
            return true;
        });
        if (!noDrop.isEmpty()) {
            details.add(containers(noDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }
        Set<String> caps = new LinkedHashSet<>();
        List<String> adds = containerNames(spec, (c, sc) -> {
            boolean bad = false;
            for (JsonNode cap : sc.path("capabilities").path("add")) {
                if (!cap.asText().equals("NET_BIND_SERVICE")) {
                    caps.add(cap.asText());
                    bad = true;
                }
            }
            return bad;
        });
        if (!adds.isEmpty()) {
            details.add(containers(adds) + " must not include " + quoted(new ArrayList<>(caps))
                    + " in securityContext.capabilities.add");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("unrestricted capabilities", String.join("; ", details)));
        }
    }

    private static void hostPorts(JsonNode spec, List<Violation> out) {
        List<String> names = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        eachContainer(spec, c -> {
            boolean any = false;
            for (JsonNode p : c.path("ports")) {
                if (p.path("hostPort").asInt(0) != 0) {
                    ports.add(p.path("hostPort").asText());
                    any = true;
                }
            }
            if (any) {
                names.add(c.path("name").asText());
            }
        });
        if (!names.isEmpty()) {
            out.add(new Violation("hostPort", containers(names) + (names.size() == 1 ? " uses " : " use ")
                    + plural("hostPort", "hostPorts", ports) + " " + String.join(", ", ports)));
        }
    }

    private static void runAsNonRoot(JsonNode spec, List<Violation> out) {
        JsonNode pod = spec.path("securityContext").path("runAsNonRoot");
        List<String> details = new ArrayList<>();
        if (pod.isBoolean() && !pod.asBoolean()) {
            details.add("pod must not set securityContext.runAsNonRoot=false");
        }
        List<String> falseContainers = containerNames(spec, (c, sc) -> sc.path("runAsNonRoot").isBoolean()
                && !sc.path("runAsNonRoot").asBoolean());
        if (!falseContainers.isEmpty()) {
            details.add(containers(falseContainers) + " must not set securityContext.runAsNonRoot=false");
        }
        if (!(pod.isBoolean() && pod.asBoolean())) {
            List<String> unset = containerNames(spec, (c, sc) -> !sc.path("runAsNonRoot").isBoolean());
            if (!unset.isEmpty()) {
                details.add("pod or " + containers(unset) + " must set securityContext.runAsNonRoot=true");
            }
        }
        if (!details.isEmpty()) {
            out.add(new Violation("runAsNonRoot != true", String.join("; ", details)));
        }
    }

    private static void seccompBaseline(JsonNode spec, List<Violation> out) {
        List<String> details = new ArrayList<>();
        if ("Unconfined".equals(spec.path("securityContext").path("seccompProfile").path("type").asText())) {
            details.add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
        }
        List<String> names = containerNames(spec, (c, sc) -> "Unconfined".equals(
                sc.path("seccompProfile").path("type").asText()));
        if (!names.isEmpty()) {
            details.add(containers(names) + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
        }
        if (!details.isEmpty()) {
            out.add(new Violation("seccompProfile", String.join("; ", details)));
        }
    }

    private static void seccompRestricted(JsonNode spec, List<Violation> out) {
        String podType = spec.path("securityContext").path("seccompProfile").path("type").asText("");
        boolean podOk = podType.equals("RuntimeDefault") || podType.equals("Localhost");
        List<String> details = new ArrayList<>();
        if (!podType.isEmpty() && !podOk) {
            details.add("pod must not set securityContext.seccompProfile.type to \"" + podType + "\"");
        }
        List<String> bad = containerNames(spec, (c, sc) -> {
            String t = sc.path("seccompProfile").path("type").asText("");
            return !t.isEmpty() && !t.equals("RuntimeDefault") && !t.equals("Localhost");
        });
        if (!bad.isEmpty()) {
            String types = bad.isEmpty() ? "" : "";
            details.add(containers(bad) + " must not set securityContext.seccompProfile.type to \""
                    + typeOf(spec, bad.get(0)) + "\"" + types);
        }
        if (!podOk) {
            List<String> unset = containerNames(spec, (c, sc) -> sc.path("seccompProfile").path("type").asText("")
                    .isEmpty());
            if (!unset.isEmpty()) {
                details.add("pod or " + containers(unset)
                        + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
            }
        }
        if (!details.isEmpty()) {
            out.add(new Violation("seccompProfile", String.join("; ", details)));
        }
    }

    private static String typeOf(JsonNode spec, String container) {
        String[] t = {""};
        eachContainer(spec, c -> {
            if (c.path("name").asText().equals(container)) {
                t[0] = c.path("securityContext").path("seccompProfile").path("type").asText();
            }
        });
        return t[0];
    }

    private static void add(List<Violation> out, String reason, List<String> names,
            java.util.function.Function<List<String>, String> detail) {
        if (!names.isEmpty()) {
            out.add(new Violation(reason, detail.apply(names)));
        }
    }

    private static void eachContainer(JsonNode spec, java.util.function.Consumer<JsonNode> f) {
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            spec.path(list).forEach(f);
        }
    }

    private static List<String> containerNames(JsonNode spec, BiFunction<JsonNode, JsonNode, Boolean> bad) {
        List<String> names = new ArrayList<>();
        eachContainer(spec, c -> {
            if (bad.apply(c, c.path("securityContext"))) {
                names.add(c.path("name").asText());
            }
        });
        return names;
    }

    static String containers(List<String> names) {
        return plural("container", "containers", names) + " " + quoted(names);
    }

    static String plural(String one, String many, List<?> items) {
        return items.size() == 1 ? one : many;
    }

    static String quoted(List<String> items) {
        return items.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "));
    }
}
