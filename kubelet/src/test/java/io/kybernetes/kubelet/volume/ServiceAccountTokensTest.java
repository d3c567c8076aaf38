package io.kybernetes.kubelet.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;

class ServiceAccountTokensTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest(name = "lifetime {0}s, {1}s after issue -> refresh {2}")
    @CsvSource({
        "3607,  0,     false",
        "3607,  2885,  false",   // 79.98% of the lifetime
        "3607,  2887,  true",    // past 80% (20% of 3607 s is 721 s, as upstream computes it)
        "3600,  2880,  false",
        "3600,  2881,  true",
        "600,   479,   false",
        "600,   481,   true",
        "31536000, 86399, false", // a year-long token: only the 24 h rule applies
        "31536000, 86401, true",
        "3600,  4000,  true",    // expired
    })
    void refreshTiming(long lifetime, long age, boolean refresh) {
        Instant expires = T0.plusSeconds(lifetime);
        assertEquals(refresh, ServiceAccountTokens.requiresRefresh(T0.plusSeconds(age), expires, lifetime));
    }

    static final class ManualClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void requestsBoundTokensAndReusesThemUntilRefresh() {
        ManualClock clock = new ManualClock();
        List<TokenRequest> sent = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        ServiceAccountTokens tokens = new ServiceAccountTokens((ns, sa, tr) -> {
            sent.add(tr);
            accounts.add(ns + "/" + sa);
            long s = tr.getSpec().getExpirationSeconds();
            return new TokenRequestBuilder(tr).withNewStatus().withToken("tok-" + sent.size())
                    .withExpirationTimestamp(clock.now.plusSeconds(s).toString()).endStatus().build();
        }, clock);
        Pod pod = new PodBuilder().withNewMetadata().withNamespace("ns1").withName("web").withUid("uid-1").endMetadata()
                .withNewSpec().withServiceAccountName("robot").endSpec().build();
        ServiceAccountTokenProjection p = new ServiceAccountTokenProjectionBuilder().withPath("token")
                .withExpirationSeconds(3607L).build();

        assertEquals("tok-1", tokens.token(pod, p));
        TokenRequest first = sent.get(0);
        assertEquals("ns1/robot", accounts.get(0));
        assertEquals(3607L, first.getSpec().getExpirationSeconds());
        assertTrue(first.getSpec().getAudiences().isEmpty(), "no audience: the API server's default");
        assertEquals("Pod", first.getSpec().getBoundObjectRef().getKind());
        assertEquals("web", first.getSpec().getBoundObjectRef().getName());
        assertEquals("uid-1", first.getSpec().getBoundObjectRef().getUid());

        clock.now = T0.plus(Duration.ofMinutes(40));
        assertEquals("tok-1", tokens.token(pod, p), "reused before 80% of the lifetime");
        clock.now = T0.plus(Duration.ofMinutes(49));
        assertEquals("tok-2", tokens.token(pod, p), "refreshed after 80%");

        ServiceAccountTokenProjection vault = new ServiceAccountTokenProjectionBuilder().withPath("vault")
                .withAudience("vault").build();
        assertEquals("tok-3", tokens.token(pod, vault), "another audience is another token");
        assertEquals(List.of("vault"), sent.get(2).getSpec().getAudiences());
        assertEquals(3600L, sent.get(2).getSpec().getExpirationSeconds(), "the API's default lifetime");

        Pod plain = new PodBuilder(pod).editMetadata().withUid("uid-2").endMetadata().editSpec()
                .withServiceAccountName(null).endSpec().build();
        tokens.token(plain, p);
        assertEquals("ns1/default", accounts.get(3), "no serviceAccountName: default");

        tokens.forget("uid-1");
        assertEquals(1, tokens.size());
        assertFalse(sent.isEmpty());
    }
}
