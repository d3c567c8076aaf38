package io.kybernetes.controllers.discovery;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Discovery over /api/v1 and each group's preferred version under /apis. */
public final class KubeResourceDiscovery implements ResourceDiscovery {

    private final KubernetesClient client;

    public KubeResourceDiscovery(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public List<ResourceType> serverResources() {
        List<ResourceType> out = new ArrayList<>();
        add(out, "", "v1", client.getApiResources("v1"));
        var groups = client.getApiGroups();
        if (groups != null && groups.getGroups() != null) {
            for (APIGroup g : groups.getGroups()) {
                String version = g.getPreferredVersion() != null ? g.getPreferredVersion().getVersion()
                        : g.getVersions().get(0).getVersion();
                add(out, g.getName(), version, client.getApiResources(g.getName() + "/" + version));
            }
        }
        return out;
    }

    private static void add(List<ResourceType> out, String group, String version, APIResourceList list) {
        if (list == null || list.getResources() == null) {
            return;
        }
        for (APIResource r : list.getResources()) {
            if (r.getName().contains("/")) {
                continue; // subresource
            }
            out.add(new ResourceType(group, version, r.getName(), r.getKind(), Boolean.TRUE.equals(r.getNamespaced()),
                    r.getVerbs() == null ? List.of() : r.getVerbs()));
        }
    }
}
