package io.kybernetes.controllers;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "kybernetes")
public interface ControllersConfig {

    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    /** As upstream's --controllers: "*" all, "foo" enables foo, "-foo" disables foo. */
    @WithDefault("*")
    List<String> controllers();

    /** Workers per controller. */
    @WithDefault("2")
    int workers();

    Gc gc();

    interface Gc {
        /** Dependents the garbage collector watches, as plural resource names the informers know. */
        @WithDefault("pods,replicasets,jobs,controllerrevisions,endpointslices")
        List<String> dependents();
    }
}
