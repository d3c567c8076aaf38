package io.kybernetes.proxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

class RestoreTextTest {

    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    static final ChainNames N = SETTINGS.chains();
    static final ServicePortName WEB = new ServicePortName("default", "web", "", Protocol.TCP);
    static final ServicePortName API = new ServicePortName("default", "api", "", Protocol.TCP);
    static final Endpoint A = new Endpoint("10.244.0.5", 8080);
    static final Endpoint B = new Endpoint("10.244.0.6", 8080);

    static final String SAVED = """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :KUBE-SVC-GONEGONEGONEGONE - [0:0]
            :KUBE-SEP-GONEGONEGONEGONE - [0:0]
            :DOCKER - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            COMMIT
            """;

    @Test
    void fullDeclaresEverythingDeletesStaleChainsAndInsertsOnlyMissingJumps() {
        Ruleset r = RuleGenerator.generate(SETTINGS, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A))));
        String text = RestoreText.full(N, r, SavedRules.parse(SAVED));
        assertTrue(text.startsWith("*filter\n:KUBE-SERVICES - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n"), text);
        assertTrue(text.contains(":" + N.servicePort(WEB) + " - [0:0]\n"), text);
        assertTrue(text.contains(":KUBE-SVC-GONEGONEGONEGONE - [0:0]\n") && text.contains("-X KUBE-SVC-GONEGONEGONEGONE\n")
                && text.contains("-X KUBE-SEP-GONEGONEGONEGONE\n"), text);
        assertFalse(text.contains("DOCKER"), text);
        assertFalse(text.contains("-I OUTPUT 1 -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\""), text);
        assertFalse(text.contains("-I PREROUTING"), text);
        assertTrue(text.contains("-I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"), text);
        assertTrue(text.contains("-I OUTPUT 1 -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"), text);
        assertTrue(text.contains("-I POSTROUTING 1 -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"), text);
        assertEquals(2, text.split("COMMIT\n", -1).length - 1);
    }

    @Test
    void partialWritesOnlyTheChangedServicesChains() {
        ServicePort web = new ServicePort(WEB, "10.96.0.20", 80, List.of(A, B));
        ServicePort api = new ServicePort(API, "10.96.0.21", 80, List.of(A));
        Ruleset before = RuleGenerator.generate(SETTINGS, List.of(api, web));
        Ruleset after = RuleGenerator.generate(SETTINGS, List.of(api, new ServicePort(WEB, "10.96.0.20", 80, List.of(A))));
        String text = RestoreText.partial(before, after);
        assertEquals("*nat\n"
                + ":" + N.servicePort(WEB) + " - [0:0]\n"
                + ":" + N.endpoint(WEB, B) + " - [0:0]\n"
                + String.join("\n", after.table("nat").get(N.servicePort(WEB))) + "\n"
                + "-X " + N.endpoint(WEB, B) + "\n"
                + "COMMIT\n", text);
        assertEquals("", RestoreText.partial(after, after));
    }

    @Test
    void partialForALastEndpointGoneMovesTheServiceToReject() {
        ServicePort web = new ServicePort(WEB, "10.96.0.20", 80, List.of(A));
        Ruleset before = RuleGenerator.generate(SETTINGS, List.of(web));
        Ruleset after = RuleGenerator.generate(SETTINGS, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of())));
        String text = RestoreText.partial(before, after);
        assertTrue(text.startsWith("*filter\n:KUBE-SERVICES - [0:0]\n"), text);
        assertTrue(text.contains("has no endpoints"), text);
        assertTrue(text.contains("-X " + N.servicePort(WEB) + "\n") && text.contains("-X " + N.endpoint(WEB, A) + "\n"), text);
        assertTrue(text.contains("\n:KUBE-SERVICES - [0:0]\n"), "nat KUBE-SERVICES lost its jump: " + text);
    }

    @Test
    void periodicFullSyncTrustsTheLastWriteForStaleChainsAndJumps() {
        Ruleset before = RuleGenerator.generate(SETTINGS, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A)),
                new ServicePort(API, "10.96.0.21", 80, List.of(B))));
        Ruleset after = RuleGenerator.generate(SETTINGS, List.of(new ServicePort(WEB, "10.96.0.20", 80, List.of(A))));
        String text = RestoreText.full(N, after, SavedRules.fromWritten(before, N));
        assertFalse(text.contains("-I "), "jumps were inserted by the earlier full sync: " + text);
        assertTrue(text.contains("-X " + N.servicePort(API) + "\n") && text.contains("-X " + N.endpoint(API, B) + "\n"), text);
        assertTrue(text.contains(":" + N.servicePort(WEB) + " - [0:0]\n") && !text.contains("-X " + N.servicePort(WEB)), text);
    }
}
