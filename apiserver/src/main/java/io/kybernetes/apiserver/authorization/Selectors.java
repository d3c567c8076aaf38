package io.kybernetes.apiserver.authorization;

import com.fasterxml.jackson.databind.JsonNode;

/** A meta/v1 LabelSelector object (matchLabels, matchExpressions with In, NotIn, Exists, DoesNotExist). */
final class Selectors {

    private Selectors() {
    }

    static boolean matches(JsonNode selector, JsonNode labels) {
        var it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!labels.path(e.getKey()).isTextual() || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        for (JsonNode ex : selector.path("matchExpressions")) {
            String key = ex.path("key").asText();
            boolean has = labels.has(key);
            String v = labels.path(key).asText();
            boolean in = false;
            for (JsonNode x : ex.path("values")) {
                in |= has && x.asText().equals(v);
            }
            boolean ok = switch (ex.path("operator").asText()) {
                case "In" -> in;
                case "NotIn" -> !in;
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return !selector.isMissingNode() && !selector.isNull();
    }
}
