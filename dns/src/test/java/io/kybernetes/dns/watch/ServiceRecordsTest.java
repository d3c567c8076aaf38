package io.kybernetes.dns.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kybernetes.dns.zone.Endpoint;
import io.kybernetes.dns.zone.ServicePort;
import io.kybernetes.dns.zone.ServiceRecord;

class ServiceRecordsTest {

    static Service service(String name, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).addNewPort().withName("http").withProtocol("TCP")
                .withPort(80).endPort().endSpec().build();
    }

    static EndpointSlice slice(String svc, String name, String ip, Boolean ready, String hostname) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name)
                .addToLabels("kubernetes.io/service-name", svc).endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses(ip).withHostname(hostname).withNewConditions().withReady(ready)
                .endConditions().endEndpoint()
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort().build();
    }

    static Endpoints endpoints(String svc, String ready, String notReady) {
        return new EndpointsBuilder().withNewMetadata().withNamespace("default").withName(svc).endMetadata()
                .addNewSubset().addNewAddress().withIp(ready).withHostname("h0").endAddress()
                .addNewNotReadyAddress().withIp(notReady).endNotReadyAddress()
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort().endSubset().build();
    }

    @Test
    void slicesWinOverEndpointsAndNilReadyMeansReady() {
        List<ServiceRecord> out = ServiceRecords.build(List.of(service("db", "None")),
                List.of(slice("db", "db-a", "10.244.0.5", null, "db-0"), slice("db", "db-b", "10.244.0.6", false, null)),
                List.of(endpoints("db", "10.244.0.99", "10.244.0.98")));
        assertEquals(1, out.size());
        ServiceRecord r = out.get(0);
        assertEquals(ServiceRecord.Kind.HEADLESS, r.kind());
        List<ServicePort> ports = List.of(new ServicePort("http", "tcp", 8080));
        assertEquals(List.of(new Endpoint("10.244.0.5", "db-0", true, ports), new Endpoint("10.244.0.6", null, false, ports)),
                r.endpoints());
    }

    @Test
    void endpointsWhenThereAreNoSlices() {
        ServiceRecord r = ServiceRecords.build(List.of(service("db", "None")), List.of(),
                List.of(endpoints("db", "10.244.0.99", "10.244.0.98"))).get(0);
        List<ServicePort> ports = List.of(new ServicePort("http", "tcp", 8080));
        assertEquals(List.of(new Endpoint("10.244.0.99", "h0", true, ports), new Endpoint("10.244.0.98", null, false, ports)),
                r.endpoints());
        assertEquals(List.of(new Endpoint("10.244.0.99", "h0", true, ports)), r.published());
    }

    @Test
    void clusterIpExternalNameAndUnallocated() {
        Service ext = new ServiceBuilder().withNewMetadata().withNamespace("default").withName("ext").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.com").endSpec().build();
        Service dual = new ServiceBuilder(service("dual", "10.96.0.30")).editSpec()
                .withClusterIPs("10.96.0.30", "fd00::30").endSpec().build();
        List<ServiceRecord> out = ServiceRecords.build(List.of(service("web", "10.96.0.20"), ext, dual,
                service("pending", null)), List.of(), List.of());
        assertEquals(3, out.size(), "a Service without a cluster IP yet has no records");
        assertEquals(ServiceRecord.Kind.CLUSTER_IP, out.get(0).kind());
        assertEquals(List.of("10.96.0.20"), out.get(0).clusterIps());
        assertEquals(List.of(new ServicePort("http", "tcp", 80)), out.get(0).ports());
        assertEquals(ServiceRecord.Kind.EXTERNAL_NAME, out.get(1).kind());
        assertEquals("example.com", out.get(1).externalName());
        assertEquals(List.of("10.96.0.30", "fd00::30"), out.get(2).clusterIps());
        assertTrue(out.get(2).endpoints().isEmpty());
    }
}
