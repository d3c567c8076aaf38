package io.kybernetes.controllers.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ExpectationsTest {

    final AtomicLong now = new AtomicLong();
    final Expectations e = new Expectations(now::get);

    @Test
    void unknownKeysAreSatisfied() {
        assertTrue(e.satisfied("ns/rs"));
    }

    @Test
    void creationsMustAllBeObserved() {
        e.expectCreations("ns/rs", 2);
        assertFalse(e.satisfied("ns/rs"));
        e.creationObserved("ns/rs");
        assertFalse(e.satisfied("ns/rs"));
        e.creationObserved("ns/rs");
        assertTrue(e.satisfied("ns/rs"));
    }

    @Test
    void deletionsMustAllBeObserved() {
        e.expectDeletions("ns/rs", 1);
        assertFalse(e.satisfied("ns/rs"));
        e.deletionObserved("ns/rs");
        assertTrue(e.satisfied("ns/rs"));
    }

    @Test
    void expectationsExpireSoALostEventCannotWedgeTheController() {
        e.expectCreations("ns/rs", 1);
        now.addAndGet(Expectations.TTL.toNanos() + 1);
        assertTrue(e.satisfied("ns/rs"));
    }
}
