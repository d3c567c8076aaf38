package io.kybernetes.proxy.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.kybernetes.proxy.exec.HostCommand;

/** The commands the overlay issues when Nodes are added, changed and deleted, against a recording shell. */
class OverlayAgentTest {

    static final String SELF_MAC = "0a:58:0a:f4:00:00";
    static final String PEER_MAC = "6e:11:22:33:44:55";

    /** Records commands; answers the show commands from {@code device} and {@code routes}. */
    static final class FakeShell implements OverlayAgent.Shell {
        final List<String> ran = new ArrayList<>();
        String device; // ip -d -o link show output, null: absent
        String routes = "";

        @Override
        public String run(List<String> c) throws HostCommand.Failure {
            String line = String.join(" ", c);
            if (line.startsWith("ip -d -o link show")) {
                if (device == null) {
                    throw new HostCommand.Failure("Device \"kyb.1\" does not exist.", null);
                }
                return device;
            }
            if (line.startsWith("ip -o link show")) {
                return "7: kyb.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT "
                        + "group default qlen 1000\\    link/ether " + SELF_MAC + " brd ff:ff:ff:ff:ff:ff\n";
            }
            if (line.startsWith("ip -o route show")) {
                return routes;
            }
            ran.add(line);
            if (line.startsWith("ip link add")) {
                device = "7: kyb.1: <> mtu 1450 \\    link/ether " + SELF_MAC + " vxlan id 1 local " + c.get(c.indexOf("local") + 1)
                        + " srcport 0 0 dstport 8472 nolearning ttl auto ageing 300";
            }
            return "";
        }
    }

    final FakeShell shell = new FakeShell();
    final Map<String, Map<String, String>> annotated = new HashMap<>();
    final OverlayAgent agent = new OverlayAgent("vm", new OverlayCommands("kyb.1"), shell,
            (n, a) -> annotated.computeIfAbsent(n, k -> new LinkedHashMap<>()).putAll(a));

    static Node node(String name, String cidr, String ip, String mac) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withPodCIDR(cidr).endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress().endStatus();
        if (mac != null) {
            b.editMetadata().addToAnnotations(VxlanPeer.BACKEND_TYPE, "vxlan")
                    .addToAnnotations(VxlanPeer.BACKEND_DATA, VxlanPeer.backendData(1, mac))
                    .addToAnnotations(VxlanPeer.PUBLIC_IP, ip).endMetadata();
        }
        return b.build();
    }

    static Node self() {
        return node("vm", "10.244.0.0/24", "192.0.2.2", SELF_MAC);
    }

    static Node peer() {
        return node("vm-w1", "10.244.1.0/24", "10.250.1.2", PEER_MAC);
    }

    @Test
    void firstSyncCreatesTheDevicePublishesItAndProgramsEveryPeer() {
        Node selfWithoutAnnotations = node("vm", "10.244.0.0/24", "192.0.2.2", null);
        assertTrue(agent.sync(List.of(selfWithoutAnnotations, peer()), false));
        assertEquals(List.of(
                "ip link add kyb.1 type vxlan id 1 local 192.0.2.2 dstport 8472 nolearning",
                "ip addr replace 10.244.0.0/32 dev kyb.1",
                "ip link set kyb.1 up",
                "ip neigh replace 10.244.1.0 lladdr " + PEER_MAC + " dev kyb.1 nud permanent",
                "bridge fdb replace " + PEER_MAC + " dev kyb.1 dst 10.250.1.2 self permanent",
                "ip route replace 10.244.1.0/24 via 10.244.1.0 dev kyb.1 onlink"), shell.ran);
        assertEquals(Map.of(VxlanPeer.BACKEND_TYPE, "vxlan", VxlanPeer.BACKEND_DATA,
                "{\"VNI\":1,\"VtepMAC\":\"" + SELF_MAC + "\"}", VxlanPeer.PUBLIC_IP, "192.0.2.2"), annotated.get("vm"));
    }

    @Test
    void nothingChangedNothingRuns() {
        agent.sync(List.of(self(), peer()), false);
        shell.ran.clear();
        annotated.clear();
        assertTrue(agent.sync(List.of(self(), peer()), false));
        assertEquals(List.of(), shell.ran);
        assertTrue(annotated.isEmpty(), "annotations already right: " + annotated);
    }

    @Test
    void anExistingDeviceIsKeptAndAFullSyncReissuesEveryReplace() {
        shell.device = "7: kyb.1: <> mtu 1450 vxlan id 1 local 192.0.2.2 srcport 0 0 dstport 8472 nolearning ttl auto";
        assertTrue(agent.sync(List.of(self(), peer()), true));
        assertEquals(List.of(
                "ip addr replace 10.244.0.0/32 dev kyb.1",
                "ip link set kyb.1 up",
                "ip neigh replace 10.244.1.0 lladdr " + PEER_MAC + " dev kyb.1 nud permanent",
                "bridge fdb replace " + PEER_MAC + " dev kyb.1 dst 10.250.1.2 self permanent",
                "ip route replace 10.244.1.0/24 via 10.244.1.0 dev kyb.1 onlink"), shell.ran);
    }

    @Test
    void aDeviceWithOtherSettingsIsRecreated() {
        shell.device = "7: kyb.1: <> mtu 1450 vxlan id 1 local 10.9.9.9 srcport 0 0 dstport 8472 nolearning ttl auto";
        assertTrue(agent.sync(List.of(self()), false));
        assertEquals(List.of("ip link delete kyb.1",
                "ip link add kyb.1 type vxlan id 1 local 192.0.2.2 dstport 8472 nolearning",
                "ip addr replace 10.244.0.0/32 dev kyb.1", "ip link set kyb.1 up"), shell.ran);
    }

    static Stream<Arguments> updates() {
        return Stream.of(
                Arguments.of("MAC changed (the peer recreated its device)",
                        node("vm-w1", "10.244.1.0/24", "10.250.1.2", "6e:00:00:00:00:01"), List.of(
                                "bridge fdb del " + PEER_MAC + " dev kyb.1 dst 10.250.1.2 self",
                                "ip neigh replace 10.244.1.0 lladdr 6e:00:00:00:00:01 dev kyb.1 nud permanent",
                                "bridge fdb replace 6e:00:00:00:00:01 dev kyb.1 dst 10.250.1.2 self permanent",
                                "ip route replace 10.244.1.0/24 via 10.244.1.0 dev kyb.1 onlink")),
                Arguments.of("public IP changed",
                        node("vm-w1", "10.244.1.0/24", "10.250.1.7", PEER_MAC), List.of(
                                "bridge fdb del " + PEER_MAC + " dev kyb.1 dst 10.250.1.2 self",
                                "ip neigh replace 10.244.1.0 lladdr " + PEER_MAC + " dev kyb.1 nud permanent",
                                "bridge fdb replace " + PEER_MAC + " dev kyb.1 dst 10.250.1.7 self permanent",
                                "ip route replace 10.244.1.0/24 via 10.244.1.0 dev kyb.1 onlink")),
                Arguments.of("pod CIDR changed",
                        node("vm-w1", "10.244.5.0/24", "10.250.1.2", PEER_MAC), List.of(
                                "ip route del 10.244.1.0/24 dev kyb.1",
                                "ip neigh del 10.244.1.0 dev kyb.1",
                                "ip neigh replace 10.244.5.0 lladdr " + PEER_MAC + " dev kyb.1 nud permanent",
                                "bridge fdb replace " + PEER_MAC + " dev kyb.1 dst 10.250.1.2 self permanent",
                                "ip route replace 10.244.5.0/24 via 10.244.5.0 dev kyb.1 onlink")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void aChangedPeerReplacesOnlyWhatMoved(String what, Node changed, List<String> expected) {
        agent.sync(List.of(self(), peer()), false);
        shell.ran.clear();
        assertTrue(agent.sync(List.of(self(), changed), false));
        assertEquals(expected, shell.ran);
    }

    @Test
    void aDeletedNodeLosesItsRouteNeighbourAndFdbEntry() {
        agent.sync(List.of(self(), peer()), false);
        shell.ran.clear();
        assertTrue(agent.sync(List.of(self()), false));
        assertEquals(List.of(
                "ip route del 10.244.1.0/24 dev kyb.1",
                "ip neigh del 10.244.1.0 dev kyb.1",
                "bridge fdb del " + PEER_MAC + " dev kyb.1 dst 10.250.1.2 self"), shell.ran);
        assertTrue(agent.programmed().isEmpty());
    }

    @Test
    void aPeerWithoutAnnotationsWaitsAndIsProgrammedOnceItPublishes() {
        agent.sync(List.of(self(), node("vm-w1", "10.244.1.0/24", "10.250.1.2", null)), false);
        assertFalse(shell.ran.stream().anyMatch(c -> c.contains("10.244.1.0")), shell.ran.toString());
        shell.ran.clear();
        agent.sync(List.of(self(), peer()), false);
        assertEquals(3, shell.ran.size(), shell.ran.toString());
    }

    @Test
    void afterARestartRoutesOfNodesThatWentAwayAreRemoved() {
        shell.device = "7: kyb.1: <> mtu 1450 vxlan id 1 local 192.0.2.2 srcport 0 0 dstport 8472 nolearning ttl auto";
        shell.routes = "10.244.1.0/24 via 10.244.1.0 onlink \n10.244.2.0/24 via 10.244.2.0 onlink \n";
        agent.sync(List.of(self(), peer()), false);
        assertTrue(shell.ran.contains("ip route del 10.244.2.0/24 dev kyb.1"), shell.ran.toString());
        assertFalse(shell.ran.contains("ip route del 10.244.1.0/24 dev kyb.1"), shell.ran.toString());
    }

    @Test
    void withoutItsOwnPodCidrTheAgentWaits() {
        assertTrue(agent.sync(List.of(node("vm", null, "192.0.2.2", null), peer()), false));
        assertEquals(List.of(), shell.ran);
    }

    @Test
    void backendDataParsing() {
        assertEquals("aa:bb:cc:dd:ee:ff", VxlanPeer.vtepMac("{\"VNI\":1,\"VtepMAC\":\"AA:BB:CC:DD:EE:FF\"}"));
        assertNull(VxlanPeer.vtepMac("{\"VNI\":1}"));
        assertNull(VxlanPeer.vtepMac("not json"));
        assertEquals(List.of("10.244.1.0/24", "10.244.2.0/24"),
                OverlayCommands.routedCidrs("10.244.1.0/24 via 10.244.1.0 onlink \n10.244.2.0/24 via 10.244.2.0 onlink\n"));
    }
}
