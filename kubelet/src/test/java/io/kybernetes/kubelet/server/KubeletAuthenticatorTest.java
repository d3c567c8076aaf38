package io.kybernetes.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class KubeletAuthenticatorTest {

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

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

    static final KubeletUser BOB = new KubeletUser("bob", "u1", List.of("dev"), Map.of());

    @Test
    void tokenAnswersAreCachedForTheTtl() {
        ManualClock clock = new ManualClock();
        AtomicInteger calls = new AtomicInteger();
        KubeletAuthenticator a = new KubeletAuthenticator(false, token -> {
            calls.incrementAndGet();
            return token.equals("good") ? BOB : null;
        }, Duration.ofMinutes(2), true, clock);

        var r = a.authenticate(null, "Bearer good");
        assertTrue(r.authenticated());
        assertEquals("bob", r.user().name());
        assertEquals(List.of("dev", "system:authenticated"), r.user().groups());
        a.authenticate(null, "Bearer good");
        assertEquals(1, calls.get(), "second request answered from the cache");

        assertFalse(a.authenticate(null, "Bearer bad").authenticated(), "a rejected token is 401 despite anonymous");
        assertFalse(a.authenticate(null, "Bearer bad").authenticated());
        assertEquals(2, calls.get(), "rejections are cached too");

        clock.now = clock.now.plus(Duration.ofMinutes(2));
        a.authenticate(null, "Bearer good");
        assertEquals(3, calls.get(), "expired entry asks again");
    }

    @Test
    void webhookErrorsAreNotCached() {
        AtomicInteger calls = new AtomicInteger();
        KubeletAuthenticator a = new KubeletAuthenticator(false, token -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("apiserver down");
            }
            return BOB;
        }, Duration.ofMinutes(2), true, new ManualClock());
        assertFalse(a.authenticate(null, "Bearer t").authenticated());
        assertTrue(a.authenticate(null, "Bearer t").authenticated());
    }

    @Test
    void anonymous() {
        KubeletAuthenticator on = new KubeletAuthenticator(true, null, Duration.ZERO, true, new ManualClock());
        assertEquals(KubeletUser.ANONYMOUS, on.authenticate(null, null).user());
        // without the token webhook a token is not looked at: anonymous, as upstream's union of authenticators
        assertEquals(KubeletUser.ANONYMOUS, on.authenticate(null, "Bearer x").user());
        KubeletAuthenticator off = new KubeletAuthenticator(true, null, Duration.ZERO, false, new ManualClock());
        assertFalse(off.authenticate(null, null).authenticated());
        assertFalse(off.authenticate(new java.security.cert.Certificate[0], "Basic abc").authenticated());
        assertTrue(new KubeletAuthenticator(false, null, Duration.ZERO, true, new ManualClock()).trivial());
        assertFalse(on.trivial());
    }

    @Test
    void bearer() {
        assertEquals("abc", KubeletAuthenticator.bearer("Bearer abc"));
        assertEquals("abc", KubeletAuthenticator.bearer("bearer  abc "));
        assertNull(KubeletAuthenticator.bearer("Bearer "));
        assertNull(KubeletAuthenticator.bearer("Basic abc"));
        assertNull(KubeletAuthenticator.bearer(null));
    }

    @Test
    void certificateSubject() throws Exception {
        TestPki.Issued ca = TestPki.ca("unit-ca");
        TestPki.Issued c = TestPki.issue(ca, "O=system:masters,O=ops,CN=kube-apiserver-kubelet-client", null, 1);
        KubeletAuthenticator a = new KubeletAuthenticator(true, null, Duration.ZERO, false, new ManualClock());
        var r = a.authenticate(new java.security.cert.Certificate[] {c.cert()}, null);
        assertTrue(r.authenticated());
        assertEquals("kube-apiserver-kubelet-client", r.user().name());
        assertEquals(List.of("system:masters", "ops", "system:authenticated"), r.user().groups());
        TestPki.Issued noCn = TestPki.issue(ca, "O=x", null, 1);
        assertFalse(a.authenticate(new java.security.cert.Certificate[] {noCn.cert()}, null).authenticated());
    }
}
