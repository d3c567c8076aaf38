package io.kybernetes.controllers.hpa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorStringTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "app=web | app=web,tier=a | true",
            "app=web | app=db | false",
            "app==web | app=web | true",
            "app!=web | app=db | true",
            "app!=web | '' | true",
            "app=web,tier in (a, b) | app=web,tier=b | true",
            "app=web,tier in (a, b) | app=web,tier=c | false",
            "tier notin (a,b) | tier=c | true",
            "tier notin (a,b) | tier=a | false",
            "tier | tier=x | true",
            "!tier | tier=x | false",
            "!tier | app=x | true",
            "'' | app=x | true",
    })
    void matches(String selector, String labels, boolean expected) {
        Map<String, String> l = new HashMap<>();
        for (String kv : labels.split(",")) {
            if (!kv.isEmpty()) {
                l.put(kv.split("=")[0], kv.split("=")[1]);
            }
        }
        assertEquals(expected, SelectorString.parse(selector).test(l), selector + " on " + labels);
    }
}
