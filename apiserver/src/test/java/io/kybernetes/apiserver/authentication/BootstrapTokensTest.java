package io.kybernetes.apiserver.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

class BootstrapTokensTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final BootstrapTokens.Parsed TOKEN = BootstrapTokens.parse("abcdef.0123456789abcdef");

    /** A token Secret; null values leave the key out. */
    static ObjectNode secret(String type, String id, String secret, String expiration, String usage, String groups) {
        ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Secret");
        s.putObject("metadata").put("name", "bootstrap-token-abcdef").put("namespace", "kube-system");
        s.put("type", type);
        ObjectNode data = s.putObject("data");
        put(data, "token-id", id);
        put(data, "token-secret", secret);
        put(data, "expiration", expiration);
        put(data, "usage-bootstrap-authentication", usage);
        put(data, "auth-extra-groups", groups);
        return s;
    }

    static void put(ObjectNode data, String key, String value) {
        if (value != null) {
            data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abcdef.0123456789abcdef", "000000.zzzzzzzzzzzzzzzz"})
    void parsesTheBootstrapFormat(String token) {
        assertNotNull(BootstrapTokens.parse(token));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ABCDEF.0123456789abcdef", "abcde.0123456789abcdef", "abcdef.0123456789abcde",
        "abcdef0123456789abcdef", "abcdef.0123456789abcdef0", "abc-ef.0123456789abcdef", "eyJhbGciOi.x.y", ""})
    void otherFormsAreNotBootstrapTokens(String token) {
        assertNull(BootstrapTokens.parse(token));
    }

    @Test
    void validTokenIsTheBootstrapUserWithItsGroups() {
        BootstrapTokens.Verdict v = BootstrapTokens.check(TOKEN, secret(BootstrapTokens.SECRET_TYPE, "abcdef",
                "0123456789abcdef", "2026-11-25T12:00:00Z", "true",
                "system:bootstrappers:kubeadm:default-node-token, system:bootstrappers:worker"), NOW);
        assertNull(v.refusal());
        assertEquals("system:bootstrap:abcdef", v.user().name());
        assertEquals(List.of("system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token",
                "system:bootstrappers:worker", "system:authenticated"), v.user().groups());
    }

    @Test
    void tokenWithoutExpirationOrExtraGroupsIsValid() {
        BootstrapTokens.Verdict v = BootstrapTokens.check(TOKEN, secret(BootstrapTokens.SECRET_TYPE, "abcdef",
                "0123456789abcdef", null, "true", null), NOW);
        assertEquals(List.of("system:bootstrappers", "system:authenticated"), v.user().groups());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "expired          | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdef | 2026-11-24T11:59:59Z | true  | -      | expired at",
        "expires now      | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdef | 2026-11-24T12:00:00Z | true  | -      | expired at",
        "bad expiration   | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdef | tomorrow             | true  | -      | unreadable expiration",
        "wrong secret     | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdeg | -                    | true  | -      | wrong secret",
        "no secret value  | bootstrap.kubernetes.io/token | abcdef | -                | -                    | true  | -      | wrong secret",
        "no usage         | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdef | -                    | -     | -      | not for authentication",
        "usage false      | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdef | -                    | false | -      | not for authentication",
        "other id         | bootstrap.kubernetes.io/token | abcdeg | 0123456789abcdef | -                    | true  | -      | token-id",
        "opaque secret    | Opaque                        | abcdef | 0123456789abcdef | -                    | true  | -      | not of type",
        "foreign group    | bootstrap.kubernetes.io/token | abcdef | 0123456789abcdef | -                    | true  | system:masters | invalid extra group",
    })
    void refused(String name, String type, String id, String tokenSecret, String expiration, String usage,
            String groups, String why) {
        BootstrapTokens.Verdict v = BootstrapTokens.check(TOKEN, secret(type, id, tokenSecret, expiration, usage,
                groups), NOW);
        assertNull(v.user(), name);
        assertTrue(v.refusal().contains(why), v.refusal());
    }

    @Test
    void missingOrDeletingSecretIsRefused() {
        assertNull(BootstrapTokens.check(TOKEN, null, NOW).user());
        ObjectNode s = secret(BootstrapTokens.SECRET_TYPE, "abcdef", "0123456789abcdef", null, "true", null);
        Json.with(s, "metadata").put("deletionTimestamp", "2026-11-24T11:00:00Z");
        assertTrue(BootstrapTokens.check(TOKEN, s, NOW).refusal().contains("being deleted"));
    }
}
