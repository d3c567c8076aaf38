package io.kybernetes.kubelet.env;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Where ConfigMaps and Secrets come from (the API server; a map in tests). Null when the object does not exist. */
public interface ObjectSource {

    ConfigMap configMap(String namespace, String name);

    Secret secret(String namespace, String name);

    static ObjectSource of(KubernetesClient client) {
        return new ObjectSource() {
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
