package io.kybernetes.controllers.nodeipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrSetTest {

    @ParameterizedTest(name = "{0} /{1}: {2} subnets, first {3}, second {4}")
    @CsvSource({
        "10.244.0.0/16, 24, 256,   10.244.0.0/24, 10.244.1.0/24",
        "10.244.0.0/16, 16, 1,     10.244.0.0/16, -",
        "10.244.0.0/16, 26, 1024,  10.244.0.0/26, 10.244.0.64/26",
        "10.0.0.0/8,    24, 65536, 10.0.0.0/24,   10.0.1.0/24",
        "192.168.7.9/24, 28, 16,   192.168.7.0/28, 192.168.7.16/28",
        "0.0.0.0/0,     16, 65536, 0.0.0.0/16,    0.1.0.0/16",
        "172.16.0.0/30, 32, 4,     172.16.0.0/32, 172.16.0.1/32",
    })
    void sizesAndOrder(String cluster, int mask, int count, String first, String second) {
        CidrSet set = new CidrSet(cluster, mask);
        assertEquals(count, set.size());
        assertEquals(Optional.of(first), set.allocateNext());
        assertEquals(second.equals("-") ? Optional.empty() : Optional.of(second), set.allocateNext());
    }

    @ParameterizedTest(name = "{0} /{1} refused: {2}")
    @CsvSource({
        "10.244.0.0/16, 15, must be between the cluster CIDR's prefix length (16) and 32",
        "10.244.0.0/16, 33, must be between the cluster CIDR's prefix length (16) and 32",
        "10.0.0.0/8,    25, is too big for 10.0.0.0/8: at most 16 bits more than the cluster prefix",
        "10.244.0.0,    24, invalid CIDR \"10.244.0.0\" (want e.g. 10.244.0.0/16)",
        "10.244.0/16,   24, invalid CIDR \"10.244.0/16\" (want e.g. 10.244.0.0/16)",
        "10.244.0.300/16, 24, invalid CIDR \"10.244.0.300/16\" (want e.g. 10.244.0.0/16)",
        "fd00::/48,     64, IPv6 CIDR \"fd00::/48\" is not supported (IPv4 only)",
    })
    void badSettings(String cluster, int mask, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> new CidrSet(cluster, mask));
        assertTrue(e.getMessage().endsWith(message), e.getMessage());
    }

    @ParameterizedTest(name = "occupy {0}: inside {1}, then {2} free of 256")
    @CsvSource({
        "10.244.5.0/24,  true,  255",
        "10.244.5.7/24,  true,  255",
        "10.244.5.128/25, true, 255",
        "10.244.4.0/23,  true,  254",
        "10.244.0.0/16,  true,  0",
        "10.0.0.0/8,     true,  0",
        "10.96.0.0/12,   false, 256",
        "10.245.0.0/24,  false, 256",
    })
    void occupy(String cidr, boolean inside, int free) {
        CidrSet set = new CidrSet("10.244.0.0/16", 24);
        assertEquals(inside, set.occupy(cidr));
        assertEquals(free, set.free());
        assertEquals(inside, set.release(cidr));
        assertEquals(256, set.free());
    }

    @Test
    void occupiedSubnetsAreSkippedAndAReleasedOneComesBackOnlyAfterTheRest() {
        CidrSet set = new CidrSet("10.244.0.0/22", 24);
        set.occupy("10.244.1.0/24");
        assertEquals(Optional.of("10.244.0.0/24"), set.allocateNext());
        assertEquals(Optional.of("10.244.2.0/24"), set.allocateNext());
        set.release("10.244.0.0/24");
        assertEquals(Optional.of("10.244.3.0/24"), set.allocateNext(), "round-robin: not the just-released one");
        assertEquals(Optional.of("10.244.0.0/24"), set.allocateNext());
        assertEquals(Optional.empty(), set.allocateNext(), "full");
        assertEquals(0, set.free());
        assertTrue(set.isUsed("10.244.2.0/24"));
        set.release("10.244.2.0/24");
        assertFalse(set.isUsed("10.244.2.0/24"));
        assertEquals(Optional.of("10.244.2.0/24"), set.allocateNext());
    }

    @Test
    void everySubnetIsHandedOutOnce() {
        CidrSet set = new CidrSet("10.0.0.0/8", 24);
        List<String> all = new ArrayList<>();
        for (Optional<String> c = set.allocateNext(); c.isPresent(); c = set.allocateNext()) {
            all.add(c.get());
        }
        assertEquals(65536, all.size());
        assertEquals(65536, all.stream().distinct().count());
        assertEquals("10.255.255.0/24", all.get(all.size() - 1));
    }

    @Test
    void theServiceRangeIsKeptOut() {
        CidrSet set = new RangeAllocator.Settings(true, "10.0.0.0/8", 16, "10.96.0.0/12").cidrs();
        assertEquals(256 - 16, set.free());
        assertTrue(set.isUsed("10.100.0.0/16"));
        assertThrows(IllegalArgumentException.class, () -> new RangeAllocator.Settings(true, "", 24, "").cidrs());
    }
}
