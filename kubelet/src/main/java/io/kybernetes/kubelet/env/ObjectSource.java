package io.kybernetes.kubelet.env;

import java.util.List;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where ConfigMaps, Secrets and Services come from (the API server and a Service cache; maps in tests). Null when the
 * object does not exist.
 */
public interface ObjectSource {

    ConfigMap configMap(String namespace, String name);

    Secret secret(String namespace, String name);

    /**
     * Every Service of the cluster, for the containers' Service variables; null while they have not been read yet
     * (upstream does not start containers then).
     */
    default List<Service> services() {
        return List.of();
    }

    static ObjectSource of(KubernetesClient client, Supplier<List<Service>> services) {
        return new ObjectSource() {
            @Override
            public List<Service> services() {
                return services.get();
            }

            @Override
            public ConfigMap configMap(String namespace, String name) {
                return client.configMaps().inNamespace(namespace).withName(name).get();
            }

            @Override
            public Secret secret(String namespace, String name) {
                return client.secrets().inNamespace(namespace).withName(name).get();
            }
        };
    }

    ObjectSource NONE = new ObjectSource() {
        @Override
        public ConfigMap configMap(String namespace, String name) {
            return null;
        }

        @Override
        public Secret secret(String namespace, String name) {
            return null;
        }
    };
}
