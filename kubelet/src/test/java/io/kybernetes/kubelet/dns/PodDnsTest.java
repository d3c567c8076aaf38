package io.kybernetes.kubelet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.kubelet.cri.v1.DNSConfig;

class PodDnsTest {

    static final PodDns.HostResolv HOST = PodDns.HostResolv.parse(
            "# generated\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch example.org corp.example.\noptions edns0\n");

    static Pod pod(String policy, boolean hostNet, boolean withConfig) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("p").withNamespace("team").endMetadata()
                .withNewSpec().withDnsPolicy(policy.isEmpty() ? null : policy).withHostNetwork(hostNet).endSpec();
        if (withConfig) {
            b.editSpec().withNewDnsConfig().addToNameservers("1.1.1.1").addToSearches("extra.local")
                    .addNewOption().withName("ndots").withValue("2").endOption()
                    .addNewOption().withName("single-request").endOption().endDnsConfig().endSpec();
        }
        return b.build();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // policy | hostNetwork | dnsConfig | servers | searches | options
            "''                       | false | false | 10.96.0.10 | team.svc.cluster.local svc.cluster.local cluster.local example.org corp.example | ndots:5",
            "ClusterFirst             | true  | false | 192.0.2.53 192.0.2.54 | example.org corp.example | edns0",
            "ClusterFirstWithHostNet  | true  | false | 10.96.0.10 | team.svc.cluster.local svc.cluster.local cluster.local example.org corp.example | ndots:5",
            "Default                  | false | false | 192.0.2.53 192.0.2.54 | example.org corp.example | edns0",
            "None                     | false | true  | 1.1.1.1 | extra.local | ndots:2 single-request",
            "ClusterFirst             | false | true  | 10.96.0.10 1.1.1.1 | team.svc.cluster.local svc.cluster.local cluster.local example.org corp.example extra.local | ndots:2 single-request",
    })
    void resolvConf(String policy, boolean hostNet, boolean withConfig, String servers, String searches, String options) {
        DNSConfig c = PodDns.config(pod(policy, hostNet, withConfig), List.of("10.96.0.10"), "cluster.local", HOST);
        assertEquals(List.of(servers.split(" ")), c.getServersList());
        assertEquals(List.of(searches.split(" ")), c.getSearchesList());
        assertEquals(List.of(options.split(" ")), c.getOptionsList());
    }
}
