package io.kybernetes.kubelet.hollow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HollowFleetTest {

    private final HollowFleet fleet = new HollowFleet("hollow-", 5000, 3, 4, 32L << 20);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "hollow-0, 0", "hollow-4999, 4999", "hollow-5000, -1", "hollow-, -1", "hollow-01, -1",
            "hollow-x, -1", "other-1, -1", "hollow-1a, -1", "hollow-123456, -1", "'', -1"})
    void index(String name, int want) {
        assertEquals(want, fleet.index(name));
    }

    @ParameterizedTest(name = "node {0}")
    @CsvSource({
            "0, 198.18.0.1, 100.64.0.0/24, 100.64.0.1, zone-0",
            "1, 198.18.0.2, 100.64.1.0/24, 100.64.1.1, zone-1",
            "255, 198.18.1.0, 100.64.255.0/24, 100.64.255.1, zone-0",
            "4999, 198.18.19.136, 100.83.135.0/24, 100.83.135.1, zone-1"})
    void addresses(int i, String nodeIp, String podCidr, String firstPod, String zone) {
        assertEquals(nodeIp, fleet.nodeIp(i));
        assertEquals(podCidr, fleet.podCidr(i));
        assertEquals(firstPod, fleet.podIp(i, 0));
        assertEquals(zone, fleet.zone(i));
        assertEquals(fleet.name(i), fleet.labels(i).get("kubernetes.io/hostname"));
    }

    @Test
    void podAddressesCycleInsideTheNodesRange() {
        assertEquals("100.64.1.254", fleet.podIp(1, 253));
        assertEquals("100.64.1.1", fleet.podIp(1, 254));
    }

    @Test
    void badSettingsAreClearErrors() {
        assertEquals("--hollow-nodes must be between 1 and 16384, not 0",
                assertThrows(IllegalArgumentException.class, () -> new HollowFleet("h-", 0, 1, 4, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HollowFleet("Hollow_", 3, 1, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new HollowFleet("h-", 3, 0, 4, 1));
    }
}
