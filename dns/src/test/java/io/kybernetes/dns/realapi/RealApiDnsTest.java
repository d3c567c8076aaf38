package io.kybernetes.dns.realapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.dns.server.DnsServer;
import io.kybernetes.dns.watch.ClusterWatcher;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The DNS server against the real kybernetes apiserver on etcd: HTTP watches, EndpointSlices found through API
 * discovery, and Services, Endpoints and slices written with the API as controllers would.
 */
@QuarkusTest
@QuarkusTestResource(value = RealApi.class, restrictToAnnotatedClass = true)
class RealApiDnsTest {

    @Inject
    DnsServer server;

    @Inject
    ClusterWatcher watcher;

    @Test
    void recordsFollowTheRealApi() throws Exception {
        assumeTrue(RealApi.available, "needs ../apiserver/target/quarkus-app and /usr/bin/etcd");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!watcher.synced() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(watcher.synced(), "informers synced with the real API");
        try (KubernetesClient c = RealApi.client()) {
            c.resource(new NamespaceBuilder().withNewMetadata().withName("dns-it").endMetadata().build()).create();
            c.resource(new ServiceBuilder().withNewMetadata().withNamespace("dns-it").withName("web").endMetadata()
                    .withNewSpec().withClusterIP("10.96.200.20").addNewPort().withName("http").withProtocol("TCP")
                    .withPort(80).endPort().endSpec().build()).create();
            c.resource(new ServiceBuilder().withNewMetadata().withNamespace("dns-it").withName("db").endMetadata()
                    .withNewSpec().withClusterIP("None").addNewPort().withName("pg").withProtocol("TCP")
                    .withPort(5432).endPort().endSpec().build()).create();
            // the apiserver may or may not serve EndpointSlices yet: the DNS server must have found out the same
            boolean slices = c.supports(EndpointSlice.class);
            assertEquals(slices, watcher.watchingSlices(), "EndpointSlices watched iff the API serves them");
            if (slices) {
                c.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("dns-it").withName("db-x")
                    .addToLabels("kubernetes.io/service-name", "db").endMetadata().withAddressType("IPv4")
                    .addNewEndpoint().withAddresses("10.244.0.41").withHostname("db-0").endEndpoint()
                    .addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort().build()).create();
            } else {
                c.resource(new EndpointsBuilder().withNewMetadata().withNamespace("dns-it").withName("db").endMetadata()
                        .addNewSubset().addNewAddress().withIp("10.244.0.41").withHostname("db-0").endAddress()
                        .addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort().endSubset().build())
                        .create();
            }
            c.resource(new ServiceBuilder().withNewMetadata().withNamespace("dns-it").withName("legacy").endMetadata()
                    .withNewSpec().withClusterIP("None").addNewPort().withName("http").withProtocol("TCP")
                    .withPort(80).endPort().endSpec().build()).create();
            c.resource(new EndpointsBuilder().withNewMetadata().withNamespace("dns-it").withName("legacy").endMetadata()
                    .addNewSubset().addNewAddress().withIp("10.244.0.51").withHostname("legacy-0").endAddress()
                    .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSubset().build())
                    .create();

            assertEquals(List.of("10.96.200.20"), await("web.dns-it.svc.cluster.local.", Type.A, Rcode.NOERROR));
            assertEquals(List.of("10.244.0.41"), await("db-0.db.dns-it.svc.cluster.local.", Type.A, Rcode.NOERROR));
            assertEquals(List.of("0 100 5432 db-0.db.dns-it.svc.cluster.local."),
                    await("_pg._tcp.db.dns-it.svc.cluster.local.", Type.SRV, Rcode.NOERROR));
            assertEquals(List.of("10.244.0.51"), await("legacy-0.legacy.dns-it.svc.cluster.local.", Type.A,
                    Rcode.NOERROR));

            c.services().inNamespace("dns-it").withName("web").delete();
            await("web.dns-it.svc.cluster.local.", Type.A, Rcode.NXDOMAIN);
        }
    }

    List<String> await(String name, int type, int rcode) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        r.setTimeout(Duration.ofSeconds(3));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Message m;
        do {
            m = r.send(q);
            if (m.getRcode() == rcode && (rcode != Rcode.NOERROR || !m.getSection(Section.ANSWER).isEmpty())) {
                return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + Rcode.string(rcode) + " for " + name + " within 30 s; last: " + m);
    }
}
