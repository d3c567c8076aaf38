package io.kybernetes.controllers.discovery;

import java.util.List;

/** The resources the API server serves (preferred version of each group, no subresources). */
@FunctionalInterface
public interface ResourceDiscovery {

    List<ResourceType> serverResources();
}
