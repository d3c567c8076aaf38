package io.kybernetes.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NodeStatus;

class NodeFactoryTest {

    static final MachineInfo M = new MachineInfo(2, 24_000_000, 100_000_000_000L, "6.1.0", "Debian GNU/Linux 12 (bookworm)",
            "mid", "bid", "uuid");

    @Test
    void statusReportsCapacityAddressesAndReady() {
        NodeStatus s = NodeFactory.status(M, "vm", "192.0.2.2", 10250, "containerd://1.6.20", null,
                Instant.parse("2026-11-24T07:00:00Z"));
        assertEquals("2", s.getCapacity().get("cpu").toString());
        assertEquals("24000000Ki", s.getCapacity().get("memory").toString());
        assertEquals("110", s.getAllocatable().get("pods").toString());
        assertEquals("192.0.2.2", s.getAddresses().get(0).getAddress());
        assertEquals("InternalIP", s.getAddresses().get(0).getType());
        assertEquals("Hostname", s.getAddresses().get(1).getType());
        assertEquals("v1.32.0", s.getNodeInfo().getKubeletVersion());
        assertEquals("containerd://1.6.20", s.getNodeInfo().getContainerRuntimeVersion());
        var ready = s.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
        assertEquals("True", ready.getStatus());
        assertEquals("kubelet is posting ready status", ready.getMessage());
    }

    @Test
    void heartbeatMovesButTransitionStays() {
        NodeStatus first = NodeFactory.status(M, "vm", "ip", 10250, "rt", null, Instant.parse("2026-11-24T07:00:00Z"));
        NodeStatus next = NodeFactory.status(M, "vm", "ip", 10250, "rt", first, Instant.parse("2026-11-24T07:00:10Z"));
        var c = next.getConditions().get(3);
        assertEquals("2026-11-24T07:00:10Z", c.getLastHeartbeatTime());
        assertEquals("2026-11-24T07:00:00Z", c.getLastTransitionTime());
    }

    @Test
    void parsesProcFiles() {
        assertEquals(24589640, MachineInfo.memTotalKi("MemTotal:       24589640 kB\nMemFree:  1 kB\n"));
        assertEquals("Debian GNU/Linux 12 (bookworm)",
                MachineInfo.osImage("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"));
    }
}
