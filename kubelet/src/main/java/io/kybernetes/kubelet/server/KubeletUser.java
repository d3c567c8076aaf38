package io.kybernetes.kubelet.server;

import java.util.List;
import java.util.Map;

/** An authenticated caller of the kubelet's API. */
public record KubeletUser(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    public static final KubeletUser ANONYMOUS = new KubeletUser("system:anonymous", "",
            List.of("system:unauthenticated"), Map.of());
}
