package io.kybernetes.scheduler;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "kybernetes")
public interface SchedulerConfig {

    /** Path of the kubeconfig file used to reach the API server. */
    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    Profile profile();

    /** The plugins of the (single) scheduling profile, as upstream's KubeSchedulerProfile lists them. */
    interface Profile {
        @WithDefault("default-scheduler")
        String schedulerName();

        @WithDefault("NodeUnschedulable,NodeReady,NodeName,TaintToleration,NodeAffinity,NodePorts,NodeResourcesFit")
        List<String> filters();

        /** Score plugins as {@code Name=weight}. */
        @WithDefault("NodeResourcesLeastAllocated=1,TaintToleration=1")
        List<String> scores();
    }
}
