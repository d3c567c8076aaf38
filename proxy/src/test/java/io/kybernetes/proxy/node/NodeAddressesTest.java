package io.kybernetes.proxy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeAddressesTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({"10.0.0.0/8, 10.1.2.3, true", "10.0.0.0/8, 11.0.0.1, false", "192.0.2.2/32, 192.0.2.2, true",
            "192.0.2.2, 192.0.2.3, false", "0.0.0.0/0, 8.8.8.8, true", "127.0.0.0/8, 127.0.0.1, true"})
    void contains(String cidr, String ip, boolean expected) {
        assertEquals(expected, NodeAddresses.contains(cidr, ip));
    }

    @Test
    void loopbackIsFoundAndNoCidrsMeansAll() {
        assertEquals(List.of("127.0.0.1"), NodeAddresses.matching(List.of("127.0.0.0/8")));
        assertTrue(NodeAddresses.matching(List.of()).isEmpty());
    }

    @Test
    void hostnameOverrideIsLowerCased() {
        assertEquals("node-1", NodeAddresses.nodeName(" Node-1 "));
    }
}
