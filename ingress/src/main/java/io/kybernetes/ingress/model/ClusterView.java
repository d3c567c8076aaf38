package io.kybernetes.ingress.model;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

/** What the configuration is built from: the informers' caches in the controller, plain lists in tests. */
public interface ClusterView {

    List<Ingress> ingresses();

    List<IngressClass> ingressClasses();

    Optional<Service> service(String namespace, String name);

    /** The EndpointSlices labelled {@code kubernetes.io/service-name=service} in the namespace. */
    List<EndpointSlice> endpointSlices(String namespace, String service);

    Optional<Secret> secret(String namespace, String name);
}
