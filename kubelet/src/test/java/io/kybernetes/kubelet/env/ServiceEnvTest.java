package io.kybernetes.kubelet.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

class ServiceEnvTest {

    static Service svc(String ns, String name, String ip, String... ports) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withClusterIP(ip).endSpec();
        for (String p : ports) {
            String[] f = p.split("/"); // name/port/protocol
            b.editSpec().addNewPort().withName(f[0].isEmpty() ? null : f[0]).withPort(Integer.parseInt(f[1]))
                    .withProtocol(f[2]).endPort().endSpec();
        }
        return b.build();
    }

    static final List<Service> CLUSTER = List.of(
            svc("default", "kubernetes", "10.96.0.1", "https/443/TCP"),
            svc("shop", "web-front", "10.96.3.4", "http/80/TCP", "dns/53/UDP"),
            svc("shop", "headless", "None", "/80/TCP"),
            svc("other", "db", "10.96.9.9", "/5432/TCP"));

    static Pod pod(String ns, Boolean links) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName("p").endMetadata().withNewSpec()
                .withEnableServiceLinks(links).endSpec().build();
    }

    /** No ConfigMaps or Secrets; {@code services} as the Service cache holds them (null: not read yet). */
    static ObjectSource withServices(List<Service> services) {
        return new ObjectSource() {
            @Override
            public ConfigMap configMap(String ns, String name) {
                return null;
            }

            @Override
            public Secret secret(String ns, String name) {
                return null;
            }

            @Override
            public List<Service> services() {
                return services;
            }
        };
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "KUBERNETES_SERVICE_HOST,           10.96.0.1",
            "KUBERNETES_SERVICE_PORT,           443",
            "KUBERNETES_SERVICE_PORT_HTTPS,     443",
            "KUBERNETES_PORT,                   tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP,           tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP_PROTO,     tcp",
            "KUBERNETES_PORT_443_TCP_PORT,      443",
            "KUBERNETES_PORT_443_TCP_ADDR,      10.96.0.1",
            "WEB_FRONT_SERVICE_HOST,            10.96.3.4",
            "WEB_FRONT_SERVICE_PORT,            80",
            "WEB_FRONT_SERVICE_PORT_HTTP,       80",
            "WEB_FRONT_SERVICE_PORT_DNS,        53",
            "WEB_FRONT_PORT,                    tcp://10.96.3.4:80",
            "WEB_FRONT_PORT_53_UDP,             udp://10.96.3.4:53",
            "WEB_FRONT_PORT_53_UDP_PROTO,       udp",
    })
    void variablesOfTheNamespaceAndTheMasterService(String name, String value) {
        assertEquals(value, ServiceEnv.of(pod("shop", null), CLUSTER).get(name));
    }

    @Test
    void headlessAndOtherNamespacesAreLeftOut() {
        Map<String, String> env = ServiceEnv.of(pod("shop", null), CLUSTER);
        assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("HEADLESS_") || k.startsWith("DB_")), env.toString());
    }

    @Test
    void withoutServiceLinksOnlyTheMasterService() {
        Map<String, String> env = ServiceEnv.of(pod("shop", false), CLUSTER);
        assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
        assertFalse(env.containsKey("WEB_FRONT_SERVICE_HOST"), env.toString());
    }

    @Test
    void explicitVariablesWinAndMayReferToServiceVariables() throws Exception {
        ObjectSource objects = withServices(CLUSTER);
        Pod p = pod("shop", null);
        var c = new ContainerBuilder().withName("c").addNewEnv().withName("WEB_FRONT_SERVICE_PORT").withValue("8080")
                .endEnv().addNewEnv().withName("URL").withValue("http://$(WEB_FRONT_SERVICE_HOST):$(WEB_FRONT_SERVICE_PORT)")
                .endEnv().build();
        Map<String, String> env = ContainerEnv.resolve(p, c, ContainerEnvTest.FACTS, objects);
        assertEquals("8080", env.get("WEB_FRONT_SERVICE_PORT"));
        assertEquals("http://10.96.3.4:8080", env.get("URL"));
        assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    }

    @Test
    void containersWaitUntilServicesWereRead() {
        ObjectSource notYet = withServices(null);
        var e = assertThrows(ContainerConfigException.class, () -> ContainerEnv.resolve(pod("shop", null),
                new ContainerBuilder().withName("c").build(), ContainerEnvTest.FACTS, notYet));
        assertEquals("services have not yet been read at least once, cannot construct envvars", e.getMessage());
    }
}
