package io.kybernetes.proxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * A LoadBalancer Service with externalTrafficPolicy Local whose only (local) endpoint goes away and comes back with a
 * new IP, as when its Deployment is scaled 1 -> 0 -> 1: the partial restore texts the proxier writes, applied in order
 * to a model of the kernel's chains (a chain declaration flushes it, -A appends, -X deletes: iptables-restore
 * --noflush), must leave exactly the chains a fresh generation wants, and the node port must go REJECT -> DNAT.
 */
class LocalPolicyTransitionTest {

    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    static final ChainNames N = SETTINGS.chains();
    static final ServicePortName SOLO = new ServicePortName("nettest", "solo-local", "http", Protocol.TCP);
    static final int NODE_PORT = 31080;
    static final int HCNP = 32555;

    static ServicePort solo(Endpoint... eps) {
        return new ServicePort(SOLO, "10.96.0.30", 80, NODE_PORT, List.of(), List.of(), 0, true, false, HCNP, List.of(eps));
    }

    /** table -> chain -> rules, as the kernel would hold them after the restore texts. */
    static Map<String, Map<String, List<String>>> apply(Map<String, Map<String, List<String>>> kernel, String text) {
        String table = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1);
                kernel.computeIfAbsent(table, t -> new TreeMap<>());
            } else if (line.startsWith(":")) {
                kernel.get(table).put(line.substring(1, line.indexOf(' ')), new ArrayList<>());
            } else if (line.startsWith("-A ")) {
                String chain = line.split(" ")[1];
                List<String> rules = kernel.get(table).get(chain);
                assertTrue(rules != null, "rule for an undeclared chain " + chain + " in\n" + text);
                rules.add(line);
            } else if (line.startsWith("-X ")) {
                String chain = line.substring(3);
                for (var e : kernel.get(table).entrySet()) {
                    if (!e.getKey().equals(chain)) {
                        assertFalse(e.getValue().stream().anyMatch(r -> r.endsWith(" -j " + chain)),
                                chain + " deleted while " + e.getKey() + " still jumps to it:\n" + text);
                    }
                }
                kernel.get(table).remove(chain);
            }
        }
        return kernel;
    }

    static Map<String, Map<String, List<String>>> model(Ruleset r) {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        r.tables().forEach((t, chains) -> out.put(t, new TreeMap<>(chains)));
        return out;
    }

    @Test
    void scaledToZeroAndBackTheNodePortRejectsThenReachesTheNewEndpoint() {
        Endpoint old = new Endpoint("10.244.0.4", 8080).asLocal();
        Endpoint back = new Endpoint("10.244.0.9", 8080).asLocal();
        RuleGenerator generator = new RuleGenerator(SETTINGS); // memoizing, as IptablesProxier holds it
        Ruleset one = generator.generate(List.of(solo(old)));
        Map<String, Map<String, List<String>>> kernel = apply(new TreeMap<>(), RestoreText.partial(new Ruleset(new LinkedHashMap<>()), one));
        assertEquals(model(one), kernel);

        Ruleset zero = generator.generate(List.of(solo()));
        String down = RestoreText.partial(one, zero);
        apply(kernel, down);
        assertEquals(model(zero), kernel);
        assertTrue(kernel.get("filter").get(N.externalServices()).contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment "
                + "\"nettest/solo-local:http has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 31080 -j REJECT"),
                kernel.toString());
        assertFalse(kernel.get("nat").containsKey(N.external(SOLO)), "no KUBE-EXT chain without endpoints");
        assertTrue(kernel.get("filter").get(N.nodePorts()).stream().anyMatch(r -> r.contains("--dport 32555 -j ACCEPT")),
                "the health check node port stays open (it answers 503)");

        Ruleset again = generator.generate(List.of(solo(back)));
        String up = RestoreText.partial(zero, again);
        apply(kernel, up);
        assertEquals(model(again), kernel);
        assertEquals(model(new RuleGenerator(SETTINGS).generate(List.of(solo(back)))), kernel,
                "the partial writes end where a fresh full generation does");
        assertFalse(kernel.get("filter").get(N.externalServices()).stream().anyMatch(r -> r.contains("31080")),
                "the node port's REJECT is gone: " + up);
        assertTrue(kernel.get("nat").get(N.nodePorts()).contains("-A KUBE-NODEPORTS -m comment --comment "
                + "\"nettest/solo-local:http\" -m tcp -p tcp --dport 31080 -j " + N.external(SOLO)), up);
        List<String> ext = kernel.get("nat").get(N.external(SOLO));
        assertEquals(List.of(
                "-A " + N.external(SOLO) + " -m comment --comment \"pod traffic for nettest/solo-local:http external destinations\" -s 10.244.0.0/16 -j " + N.servicePort(SOLO),
                "-A " + N.external(SOLO) + " -m comment --comment \"masquerade LOCAL traffic for nettest/solo-local:http external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                "-A " + N.external(SOLO) + " -m comment --comment \"route LOCAL traffic for nettest/solo-local:http external destinations\" -m addrtype --src-type LOCAL -j " + N.servicePort(SOLO),
                "-A " + N.external(SOLO) + " -j " + N.localPolicy(SOLO)), ext);
        assertEquals(List.of("-A " + N.localPolicy(SOLO) + " -m comment --comment \"nettest/solo-local:http -> 10.244.0.9:8080\" -j "
                + N.endpoint(SOLO, back)), kernel.get("nat").get(N.localPolicy(SOLO)));
        assertTrue(kernel.get("nat").get(N.endpoint(SOLO, back)).stream().anyMatch(r -> r.endsWith("-j DNAT --to-destination 10.244.0.9:8080")));
        assertFalse(kernel.get("nat").containsKey(N.endpoint(SOLO, old)), "the old endpoint's chain is gone");
    }

    @Test
    void terminatingThenGoneThenBack() {
        // scale-down first leaves the endpoint serving and terminating (still used: none is ready), then removes it
        Endpoint ready = new Endpoint("10.244.0.4", 8080).asLocal();
        Endpoint terminating = new Endpoint("10.244.0.4", 8080, true, false, true, true);
        Endpoint back = new Endpoint("10.244.0.4", 8080).asLocal(); // the pod IP reused by the next pod
        RuleGenerator generator = new RuleGenerator(SETTINGS);
        List<Ruleset> steps = List.of(generator.generate(List.of(solo(ready))), generator.generate(List.of(solo(terminating))),
                generator.generate(List.of(solo())), generator.generate(List.of(solo(back))));
        Map<String, Map<String, List<String>>> kernel = new TreeMap<>();
        Ruleset previous = new Ruleset(new LinkedHashMap<>());
        for (Ruleset step : steps) {
            apply(kernel, RestoreText.partial(previous, step));
            assertEquals(model(step), kernel);
            previous = step;
        }
        assertEquals(model(steps.get(0)), kernel, "back where it started");
    }
}
