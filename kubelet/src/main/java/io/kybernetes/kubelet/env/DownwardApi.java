package io.kybernetes.kubelet.env;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/** Values of fieldRef and resourceFieldRef selectors, shared by environment variables and downwardAPI volumes. */
public final class DownwardApi {

    private static final Pattern SUBSCRIPT = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private DownwardApi() {
    }

    /** The value of a fieldRef path; throws for paths the API does not allow. */
    public static String fieldRef(Pod pod, String path, PodFacts facts) throws ContainerConfigException {
        var meta = pod.getMetadata();
        switch (path) {
            case "metadata.name": return meta.getName();
            case "metadata.namespace": return meta.getNamespace();
            case "metadata.uid": return meta.getUid();
            case "metadata.labels": return formatMap(meta.getLabels());
            case "metadata.annotations": return formatMap(meta.getAnnotations());
            case "spec.nodeName": return nullToEmpty(pod.getSpec().getNodeName());
            case "spec.serviceAccountName": return nullToEmpty(pod.getSpec().getServiceAccountName());
            case "status.podIP": return facts.podIP();
            case "status.podIPs": return String.join(",", facts.podIPs());
            case "status.hostIP": return nullToEmpty(facts.hostIP());
            case "status.hostIPs": return nullToEmpty(facts.hostIP());
            default:
                Matcher m = SUBSCRIPT.matcher(path);
                if (m.matches()) {
                    Map<String, String> src = "labels".equals(m.group(1)) ? meta.getLabels() : meta.getAnnotations();
                    return src == null ? "" : src.getOrDefault(m.group(2), "");
                }
                throw new ContainerConfigException("unsupported fieldPath: " + path);
        }
    }

    /** {@code key="value"} lines sorted by key, as the downward API renders whole label/annotation maps. */
    static String formatMap(Map<String, String> m) {
        if (m == null || m.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> b.append(k).append("=\"").append(v.replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\n", "\\n")).append("\"\n"));
        return b.substring(0, b.length() - 1);
    }

    /**
     * The value of a resourceFieldRef ({@code limits.cpu}, {@code requests.memory}...) of a container, divided by
     * {@code divisor} and rounded up; unset limits are the node's allocatable amount, unset requests the limit.
     */
    public static String resourceFieldRef(Pod pod, String containerName, String resource, Quantity divisor,
                                          PodFacts facts) throws ContainerConfigException {
        Container c = null;
        for (Container x : io.kybernetes.kubelet.pod.ContainerSpecs.allContainers(pod)) {
            if (x.getName().equals(containerName)) {
                c = x;
            }
        }
        if (c == null) {
            throw new ContainerConfigException("container " + containerName + " not found in pod");
        }
        Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null
                ? Map.of() : c.getResources().getLimits();
        Map<String, Quantity> requests = c.getResources() == null || c.getResources().getRequests() == null
                ? Map.of() : c.getResources().getRequests();
        int dot = resource.indexOf('.');
        if (dot < 0) {
            throw new ContainerConfigException("unsupported container resource: " + resource);
        }
        String kind = resource.substring(0, dot);
        String name = resource.substring(dot + 1);
        Quantity q;
        if ("limits".equals(kind)) {
            q = limits.get(name);
        } else if ("requests".equals(kind)) {
            q = requests.getOrDefault(name, limits.get(name));
        } else {
            throw new ContainerConfigException("unsupported container resource: " + resource);
        }
        BigDecimal value;
        if (q != null) {
            value = Quantity.getAmountInBytes(q);
        } else if ("limits".equals(kind) && "cpu".equals(name)) {
            value = BigDecimal.valueOf(facts.nodeMilliCpu()).movePointLeft(3);
        } else if ("limits".equals(kind) && "memory".equals(name)) {
            value = BigDecimal.valueOf(facts.nodeMemoryBytes());
        } else if (name.equals("cpu") || name.equals("memory") || name.equals("ephemeral-storage")
                || name.startsWith("hugepages-")) {
            value = BigDecimal.ZERO;
        } else {
            throw new ContainerConfigException("unsupported container resource: " + resource);
        }
        BigDecimal div = divisor == null ? BigDecimal.ONE : Quantity.getAmountInBytes(divisor);
        if (div.signum() <= 0) {
            div = BigDecimal.ONE;
        }
        return value.divide(div, 0, RoundingMode.CEILING).toPlainString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
