package io.kybernetes.proxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePortName;

class ChainNamesTest {

    private final ChainNames kube = new ChainNames("KUBE");

    // Chain names a real kube-proxy shows for these well-known Services.
    @ParameterizedTest(name = "{0}/{1}:{2}/{3} -> {4}")
    @CsvSource({
            "default,     kubernetes, https,   TCP, KUBE-SVC-NPX46M4PTMTKRN6Y",
            "kube-system, kube-dns,   dns,     UDP, KUBE-SVC-TCOU7JCQXEZGVUNU",
            "kube-system, kube-dns,   dns-tcp, TCP, KUBE-SVC-ERIFXISQEP7F7OF4",
            "default,     nginx,      '',      TCP, KUBE-SVC-2CMXP7HKUVJN7L6M",
    })
    void servicePortChainMatchesUpstream(String ns, String name, String port, Protocol protocol, String expected) {
        assertEquals(expected, kube.servicePort(new ServicePortName(ns, name, port, protocol)));
    }

    @Test
    void endpointChainDependsOnEndpointAndFitsIptablesLimit() {
        ServicePortName spn = new ServicePortName("default", "web", "http", Protocol.TCP);
        String a = kube.endpoint(spn, new Endpoint("10.244.0.5", 80));
        String b = kube.endpoint(spn, new Endpoint("10.244.0.6", 80));
        assertTrue(a.startsWith("KUBE-SEP-"));
        assertEquals(25, a.length());
        assertFalse(a.equals(b));
        assertEquals(a, kube.endpoint(spn, new Endpoint("10.244.0.5", 80)));
    }

    @ParameterizedTest
    @CsvSource({
            "KUBE-SERVICES, true", "KUBE-POSTROUTING, true", "KUBE-MARK-MASQ, true", "KUBE-SVC-ABC, true",
            "KUBE-SEP-ABC, true", "KUBE-FIREWALL, false", "KUBE-KUBELET-CANARY, false", "OUTPUT, false",
            "KYBT-SERVICES, false",
    })
    void ownChains(String chain, boolean own) {
        assertEquals(own, kube.isOwn(chain));
    }

    @Test
    void rejectsBadPrefix() {
        assertThrows(IllegalArgumentException.class, () -> new ChainNames("kube"));
        assertThrows(IllegalArgumentException.class, () -> new ChainNames("WAYTOOLONGPREFIX"));
    }
}
