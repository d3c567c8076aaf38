package io.kybernetes.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;

class SelectorTest {

    static final String LABELS = "{\"app\":\"web\",\"tier\":\"front\",\"env\":\"prod\"}";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'' | true",
        "app=web | true",
        "app==web | true",
        "app=db | false",
        "app!=db | true",
        "app!=web | false",
        "missing!=x | true",
        "app in (web,db) | true",
        "app in (db) | false",
        "app notin (db, cache) | true",
        "app notin (web) | false",
        "missing notin (web) | true",
        "tier | true",
        "missing | false",
        "!missing | true",
        "!tier | false",
        "app=web,tier=front | true",
        "app=web, env in (prod,staging), !canary | true",
        "app=web,tier=back | false",
    })
    void labelSelector(String selector, boolean matches) throws IOException {
        JsonNode labels = Json.parse(LABELS.getBytes());
        assertEquals(matches, LabelSelector.parse(selector).matches(labels));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"app=", "=x", "app in web", "a b c", "app=web,,x=y", "app=in valid"})
    void badLabelSelectors(String selector) {
        if (selector.equals("app=")) {
            // an empty value is allowed upstream
            LabelSelector.parse(selector);
            return;
        }
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(selector));
    }

    @Test
    void selectorObjectsAndFormat() throws IOException {
        JsonNode sel = Json.parse("{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"},\"matchExpressions\":[{\"key\":\"c\",\"operator\":\"In\",\"values\":[\"y\",\"x\"]}]}".getBytes());
        assertEquals("a=1,b=2,c in (x,y)", LabelSelector.format(sel));
        assertEquals(true, LabelSelector.fromObject(sel).matches(Json.parse("{\"a\":\"1\",\"b\":\"2\",\"c\":\"x\"}".getBytes())));
        assertEquals(false, LabelSelector.fromObject(sel).matches(Json.parse("{\"a\":\"1\",\"b\":\"2\"}".getBytes())));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "metadata.name=web | true",
        "metadata.name==web | true",
        "metadata.name!=web | false",
        "spec.nodeName=n1,status.phase=Running | true",
        "spec.nodeName= | false",
        "status.phase!=Pending | true",
    })
    void fieldSelector(String selector, boolean matches) throws IOException {
        JsonNode pod = Json.parse("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}".getBytes());
        FieldSelector f = FieldSelector.parse(selector, Set.of("metadata.name", "spec.nodeName", "status.phase"));
        assertEquals(matches, f.matches(field -> Json.str(pod, field)));
    }

    @Test
    void unsupportedFieldIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldSelector.parse("spec.foo=bar", Set.of("metadata.name")));
        assertEquals("field label not supported: spec.foo", e.getMessage());
    }
}
