package io.kybernetes.dns.it;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The API objects of the integration test: one Service of every kind DNS distinguishes. */
final class ClusterObjects {

    static final int MANY = 60;

    private ClusterObjects() {
    }

    static Service service(String ns, String name, String clusterIp, String portName, String protocol, int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withNewSpec()
                .withClusterIP(clusterIp).addNewPort().withName(portName).withProtocol(protocol).withPort(port)
                .endPort().endSpec().build();
    }

    static void create(KubernetesClient c) {
        Service web = service("default", "web", "10.96.0.20", "http", "TCP", 80);
        web.getSpec().getPorts().add(new io.fabric8.kubernetes.api.model.ServicePortBuilder().withName("dns")
                .withProtocol("UDP").withPort(53).build());
        c.resource(web).create();
        c.resource(new EndpointsBuilder().withNewMetadata().withNamespace("default").withName("web").endMetadata()
                .addNewSubset().addNewAddress().withIp("10.244.0.21").endAddress().addNewPort().withName("http")
                .withProtocol("TCP").withPort(8080).endPort().endSubset().build()).create();

        c.resource(service("kube-system", "kube-dns", "10.96.0.10", "dns", "UDP", 53)).create();

        c.resource(service("default", "db", "None", "pg", "TCP", 5432)).create();
        c.resource(new EndpointsBuilder().withNewMetadata().withNamespace("default").withName("db").endMetadata()
                .addNewSubset()
                .addNewAddress().withIp("10.244.0.5").withHostname("db-0").endAddress()
                .addNewAddress().withIp("10.244.0.6").withHostname("db-1").endAddress()
                .addNewAddress().withIp("10.244.0.7").endAddress()
                .addNewNotReadyAddress().withIp("10.244.0.8").withHostname("db-3").endNotReadyAddress()
                .addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort().endSubset().build()).create();

        c.resource(service("default", "sliced", "None", "http", "TCP", 80)).create();
        c.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName("sliced-abc")
                .addToLabels("kubernetes.io/service-name", "sliced").endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.244.0.31").withHostname("s-0").endEndpoint()
                .addNewEndpoint().withAddresses("10.244.0.32").withNewConditions().withReady(false).endConditions()
                .endEndpoint()
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort().build()).create();

        c.resource(new ServiceBuilder().withNewMetadata().withNamespace("default").withName("ext").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.com").endSpec().build()).create();
        c.resource(new ServiceBuilder().withNewMetadata().withNamespace("default").withName("alias").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("web.default.svc.cluster.local").endSpec()
                .build()).create();

        c.resource(service("default", "many", "None", "http", "TCP", 80)).create();
        EndpointsBuilder many = new EndpointsBuilder().withNewMetadata().withNamespace("default").withName("many")
                .endMetadata();
        var subset = many.addNewSubset();
        for (int i = 0; i < MANY; i++) {
            subset.addToAddresses(new EndpointAddressBuilder().withIp("10.244.1." + (i + 1)).build());
        }
        Endpoints built = subset.addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSubset()
                .build();
        c.resource(built).create();
    }
}
