package io.kybernetes.proxy.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.kybernetes.proxy.iptables.RuleSettings;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * nftables mode, externalTrafficPolicy Local, the only local endpoint gone and back (scale 1 -> 0 -> 1, then the pod
 * IP reused): the partial {@code nft -f} scripts, applied in order to a model of the table (chains and verdict map
 * elements), leave exactly what a fresh generation wants, and the node port moves from the no-endpoint map back
 * to the service map.
 */
class NftLocalPolicyTransitionTest {

    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    static final NftNames N = new NftNames("KUBE");
    static final ServicePortName SOLO = new ServicePortName("nettest", "solo-local", "http", Protocol.TCP);
    static final String PREFIX = "ip kube-proxy ";

    static ServicePort solo(Endpoint... eps) {
        return new ServicePort(SOLO, "10.96.0.30", 80, 31080, List.of(), List.of(), 0, true, false, 32555, List.of(eps));
    }

    /** The table as nft would hold it: chains and map elements. */
    record Table(Map<String, List<String>> chains, Map<String, Map<String, String>> elements) {
        static Table of(NftRuleset r) {
            Map<String, List<String>> chains = new TreeMap<>();
            r.chains().forEach((k, v) -> chains.put(k, new ArrayList<>(v)));
            Map<String, Map<String, String>> elements = new TreeMap<>();
            r.elements().forEach((k, v) -> elements.put(k, new TreeMap<>(v)));
            return new Table(chains, elements);
        }

        void apply(String script) {
            for (String line : script.split("\n")) {
                if (line.isBlank() || line.startsWith("add set ") || line.startsWith("delete set ")) {
                    continue;
                }
                String verb = line.substring(0, line.indexOf(PREFIX));
                String rest = line.substring(line.indexOf(PREFIX) + PREFIX.length());
                String name = rest.split(" ")[0];
                String tail = rest.substring(name.length()).strip();
                switch (verb.strip()) {
                    case "add chain" -> chains.putIfAbsent(name, new ArrayList<>());
                    case "flush chain" -> {
                        assertTrue(chains.containsKey(name), "flush of a missing chain " + name + ":\n" + script);
                        chains.get(name).clear();
                    }
                    case "add rule" -> {
                        assertTrue(chains.containsKey(name), "rule for a missing chain " + name + ":\n" + script);
                        chains.get(name).add(tail);
                    }
                    case "delete chain" -> {
                        for (var c : chains.entrySet()) {
                            assertFalse(!c.getKey().equals(name) && c.getValue().stream().anyMatch(r -> r.endsWith("goto " + name)
                                    || r.endsWith("jump " + name)), name + " deleted while " + c.getKey() + " uses it:\n" + script);
                        }
                        for (var m : elements.values()) {
                            assertFalse(m.values().stream().anyMatch(v -> v.endsWith(" " + name)), name + " deleted while a map uses it");
                        }
                        assertTrue(chains.remove(name).isEmpty(), "deleted a chain that was not flushed: " + name);
                    }
                    case "add element", "delete element" -> {
                        Map<String, String> map = elements.computeIfAbsent(name, k -> new TreeMap<>());
                        String body = tail.substring(tail.indexOf('{') + 1, tail.lastIndexOf('}')).strip();
                        for (String e : body.split(", ")) {
                            String[] kv = e.split(" : ", 2);
                            if (verb.startsWith("add")) {
                                assertFalse(map.containsKey(kv[0]), "element exists already: " + kv[0] + "\n" + script);
                                map.put(kv[0], kv.length > 1 ? kv[1] : "");
                            } else {
                                assertTrue(map.remove(kv[0]) != null, "no such element " + kv[0] + "\n" + script);
                            }
                        }
                    }
                    default -> throw new AssertionError("unexpected line " + line);
                }
            }
        }
    }

    @Test
    void scaledToZeroAndBackThenTheIpReused() {
        Endpoint old = new Endpoint("10.244.0.4", 8080).asLocal();
        Endpoint terminating = new Endpoint("10.244.0.4", 8080, true, false, true, true);
        Endpoint back = new Endpoint("10.244.0.9", 8080).asLocal();
        NftRuleGenerator generator = new NftRuleGenerator(SETTINGS, N); // memoizing, as NftProxier holds it
        List<NftRuleset> steps = List.of(generator.generate(List.of(solo(old))), generator.generate(List.of(solo(terminating))),
                generator.generate(List.of(solo())), generator.generate(List.of(solo(back))), generator.generate(List.of(solo())),
                generator.generate(List.of(solo(old))));
        Table table = Table.of(steps.get(0));
        for (int i = 1; i < steps.size(); i++) {
            String script = NftScript.partial("kube-proxy", steps.get(i - 1), steps.get(i));
            table.apply(script);
            assertEquals(Table.of(steps.get(i)), table, "step " + i + ":\n" + script);
            boolean endpoints = !steps.get(i).elements().get(NftRuleGenerator.slotMap(Protocol.TCP)).isEmpty();
            Map<String, String> nodePorts = table.elements().getOrDefault("service-nodeports", Map.of());
            Map<String, String> noEndpoints = table.elements().getOrDefault("no-endpoint-nodeports", Map.of());
            assertEquals(endpoints, nodePorts.containsKey("tcp . 31080"), "step " + i + " node port in service-nodeports: " + nodePorts);
            assertEquals(!endpoints, noEndpoints.containsKey("tcp . 31080"), "step " + i + " node port rejected: " + noEndpoints);
        }
        NftRuleset fresh = new NftRuleGenerator(SETTINGS, N).generate(List.of(solo(old)));
        assertEquals(Table.of(fresh), table, "the partial scripts end where a fresh generation does");
    }
}
