package io.kybernetes.apiserver.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PortRepairTest {

    @Test
    void aPortUnusedForThreePassesInARowIsReleased() {
        PortRepair r = new PortRepair(null, null);
        Set<Integer> claimed = Set.of(30001, 30002, 30003);
        Set<Integer> used = Set.of(30001);
        assertEquals(List.of(), r.leaked(claimed, used));
        assertEquals(List.of(), r.leaked(claimed, used));
        assertEquals(List.of(30002, 30003), r.leaked(claimed, used));
        assertEquals(List.of(), r.leaked(Set.of(30001), used), "released claims start over");
    }

    @Test
    void aCreateInFlightThatStoresItsServiceKeepsItsPort() {
        PortRepair r = new PortRepair(null, null);
        assertEquals(List.of(), r.leaked(Set.of(30005), Set.of()));
        assertEquals(List.of(), r.leaked(Set.of(30005), Set.of()));
        assertEquals(List.of(), r.leaked(Set.of(30005), Set.of(30005)), "now stored");
        assertEquals(List.of(), r.leaked(Set.of(30005), Set.of()));
        assertEquals(List.of(), r.leaked(Set.of(30005), Set.of()), "strikes started over when it was seen in use");
    }

    @Test
    void servicesHoldTheirNodePortsAndHealthCheckNodePort() {
        String svc = "{\"spec\":{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\",\"healthCheckNodePort\":32555,"
                + "\"ports\":[{\"port\":80,\"nodePort\":31080},{\"port\":443,\"nodePort\":31443},{\"port\":9}]}}";
        assertEquals(Set.of(31080, 31443, 32555), PortRepair.portsOf(svc.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Set.of(), PortRepair.portsOf("{\"spec\":{\"ports\":[{\"port\":80}]}}".getBytes(StandardCharsets.UTF_8)));
        assertNull(PortRepair.portsOf(new byte[] {0x6b, 0x38, 0x73, 0x00}), "unreadable: the pass releases nothing");
    }
}
