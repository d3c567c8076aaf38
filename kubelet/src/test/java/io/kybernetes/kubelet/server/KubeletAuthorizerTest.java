package io.kybernetes.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KubeletAuthorizerTest {

    @Test
    void webhookAnswersAreCachedWithTheirOwnTtl() throws Exception {
        var clock = new KubeletAuthenticatorTest.ManualClock();
        List<RequestAttributes> asked = new ArrayList<>();
        KubeletAuthorizer z = KubeletAuthorizer.webhook((u, a) -> {
            asked.add(a);
            return u.name().equals("admin");
        }, Duration.ofMinutes(5), Duration.ofSeconds(30), clock);
        KubeletUser admin = new KubeletUser("admin", "", List.of("system:masters"), Map.of());
        KubeletUser jane = new KubeletUser("jane", "", List.of(), Map.of());
        RequestAttributes logs = RequestAttributes.of("GET", "/containerLogs/a/b/c", "n");

        assertTrue(z.authorize(admin, logs));
        assertFalse(z.authorize(jane, logs));
        assertTrue(z.authorize(admin, logs));
        assertFalse(z.authorize(jane, logs));
        assertEquals(2, asked.size());
        assertEquals("proxy", asked.get(0).subresource());

        clock.now = clock.now.plusSeconds(31);
        assertFalse(z.authorize(jane, logs));
        assertTrue(z.authorize(admin, logs));
        assertEquals(3, asked.size(), "the denial expired after 30 s, the allowance holds for 5 min");

        assertTrue(z.authorize(admin, RequestAttributes.of("GET", "/stats/summary", "n")));
        assertEquals(4, asked.size(), "another subresource is another question");
    }

    @Test
    void modes() throws Exception {
        assertTrue(KubeletAuthorizer.forMode("AlwaysAllow", null, Duration.ZERO, Duration.ZERO).alwaysAllows());
        assertFalse(KubeletAuthorizer.forMode("Webhook", (u, a) -> false, Duration.ZERO, Duration.ZERO).alwaysAllows());
        var e = assertThrows(IllegalArgumentException.class,
                () -> KubeletAuthorizer.forMode("RBAC", null, Duration.ZERO, Duration.ZERO));
        assertTrue(e.getMessage().contains("--authorization-mode"));
    }
}
