package io.kybernetes.controllers.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Secret;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.Result;

/** Which token Secrets the cleaner deletes at a fixed time, and when it looks again at the others. */
class TokenCleanerTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    final MockApi mock = new MockApi();

    @AfterEach
    void close() {
        mock.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "expired a minute ago    | bootstrap.kubernetes.io/token | 2026-11-24T11:59:00Z | true  | -",
        "expires right now       | bootstrap.kubernetes.io/token | 2026-11-24T12:00:00Z | true  | -",
        "expires in an hour      | bootstrap.kubernetes.io/token | 2026-11-24T13:00:00Z | false | PT1H0.1S",
        "never expires           | bootstrap.kubernetes.io/token | -                    | false | -",
        "unreadable expiration   | bootstrap.kubernetes.io/token | next week            | false | -",
        "expired but not a token | Opaque                        | 2026-11-24T11:59:00Z | false | -",
    })
    void deletesExpiredTokensOnly(String name, String type, String expiration, boolean deleted, String after)
            throws Exception {
        Secret s = BootstrapSignerTest.token("abcdef", "0123456789abcdef", type, expiration, "true");
        mock.client.secrets().inNamespace("kube-system").resource(s).create();
        Informers informers = new Informers(mock.client);
        TokenCleaner cleaner = new TokenCleaner(informers, mock.client, Clock.fixed(NOW, ZoneOffset.UTC), 1);
        informers.start().get(30, TimeUnit.SECONDS); // the queue's workers are not started

        Result r = cleaner.reconcile("kube-system/bootstrap-token-abcdef");

        assertEquals(after == null ? Result.done() : Result.requeueAfter(Duration.parse(after)), r, name);
        assertEquals(deleted, mock.client.secrets().inNamespace("kube-system").withName("bootstrap-token-abcdef")
                .get() == null, name);
        informers.stop();
    }
}
