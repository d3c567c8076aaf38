package io.kybernetes.apiserver.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed API path: {@code /api/v1/...} or {@code /apis/{group}/{version}/...}, with an optional
 * {@code watch/} prefix, namespace, resource, name and subresource. Discovery paths have no resource.
 */
public record RequestInfo(String group, String version, boolean watchPath, String namespace, String resource,
        String name, String subresource) {

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** Parses {@code path}; null when it is not an API path. */
    public static RequestInfo parse(String path) {
        List<String> s = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                s.add(p);
            }
        }
        if (s.isEmpty()) {
            return null;
        }
        String group;
        int i;
        if (s.get(0).equals("api")) {
            group = "";
            i = 1;
        } else if (s.get(0).equals("apis")) {
            if (s.size() < 2) {
                return new RequestInfo(null, null, false, null, null, null, null);
            }
            group = s.get(1);
            i = 2;
        } else {
            return null;
        }
        if (s.size() <= i) {
            return new RequestInfo(group, null, false, null, null, null, null);
        }
        String version = s.get(i++);
        List<String> rest = s.subList(i, s.size());
        boolean watch = false;
        if (!rest.isEmpty() && rest.get(0).equals("watch")) {
            watch = true;
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) {
            return new RequestInfo(group, version, watch, null, null, null, null);
        }
        if (rest.get(0).equals("namespaces") && rest.size() >= 3
                && !(rest.size() == 3 && NAMESPACE_SUBRESOURCES.contains(rest.get(2)))) {
            return new RequestInfo(group, version, watch, rest.get(1), rest.get(2), at(rest, 3), rest.size() > 4
                    ? String.join("/", rest.subList(4, rest.size())) : null);
        }
        return new RequestInfo(group, version, watch, null, rest.get(0), at(rest, 1),
                rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : null);
    }

    private static String at(List<String> l, int i) {
        return l.size() > i ? l.get(i) : null;
    }

    public boolean isDiscovery() {
        return resource == null;
    }
}
