package io.kybernetes.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.status.Cause;

class MetaValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Cause> labels(String key, String value) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("labels").put(key, value);
        return MetaValidation.validate(meta);
    }

    @ParameterizedTest(name = "label {0}={1}")
    @CsvSource(delimiter = '|', value = {
        "app|web|",
        "app.kubernetes.io/name|web|",
        "k|''|",
        "A_b.c-D|x|",
        "example.com/a|MyValue_1|",
        "bad key|v|name part must consist of alphanumeric characters",
        "-bad|v|name part must consist of alphanumeric characters",
        "a/b/c|v|a qualified name must consist of",
        "/name|v|prefix part must be non-empty",
        "Example.com/a|v|prefix part a lowercase RFC 1123 subdomain",
        "example.com/|v|name part must be non-empty",
        "k|-v|a valid label must be an empty string or consist of alphanumeric characters",
        "k|a b|a valid label must be an empty string",
    })
    void labelRules(String key, String value, String error) {
        List<Cause> causes = labels(key, value);
        if (error == null) {
            assertEquals(List.of(), causes);
        } else {
            assertTrue(causes.stream().anyMatch(c -> c.message().contains(error) && c.field().equals("metadata.labels")),
                    causes.toString());
        }
    }

    @ParameterizedTest(name = "lengths: key {0} chars, value {1} chars")
    @CsvSource({
        "63, 63, ",
        "64, 1, name part must be no more than 63 characters",
        "1, 64, must be no more than 63 characters",
    })
    void labelLengths(int keyLength, int valueLength, String error) {
        List<Cause> causes = labels("k".repeat(keyLength), "v".repeat(valueLength));
        if (error == null) {
            assertEquals(List.of(), causes);
        } else {
            assertTrue(causes.stream().anyMatch(c -> c.message().endsWith(error)), causes.toString());
        }
    }

    @ParameterizedTest(name = "annotation {0}")
    @CsvSource(delimiter = '|', value = {
        "kubectl.kubernetes.io/last-applied-configuration|",
        "Note|",
        "-bad|name part must consist of alphanumeric characters",
    })
    void annotationKeys(String key, String error) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("annotations").put(key, "any value at all: / spaces");
        List<Cause> causes = MetaValidation.validate(meta);
        if (error == null) {
            assertEquals(List.of(), causes);
        } else {
            assertTrue(causes.stream().anyMatch(c -> c.message().contains(error) && c.field().equals("metadata.annotations")),
                    causes.toString());
        }
    }

    @org.junit.jupiter.api.Test
    void annotationsOver256KiBAreTooLong() {
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("annotations").put("big", "x".repeat(256 * 1024));
        List<Cause> causes = MetaValidation.validate(meta);
        assertEquals("FieldValueTooLong", causes.get(0).reason());
    }

    @org.junit.jupiter.api.Test
    void aLongNameGetsTheLengthMessageOnly() {
        List<Cause> causes = Names.validate("metadata.name", "a".repeat(254), Strategy.NameRule.SUBDOMAIN);
        assertEquals(1, causes.size());
        assertTrue(causes.get(0).message().endsWith("must be no more than 253 characters"), causes.toString());
    }
}
