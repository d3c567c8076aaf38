package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.status.Cause;

/** ConfigMaps and Secrets with {@code immutable: true}: their content and the flag itself can no longer change. */
final class Immutability {

    private static final String MESSAGE = "field is immutable when `immutable` is set";

    private Immutability() {
    }

    static List<Cause> check(ObjectNode obj, ObjectNode old, String... fields) {
        List<Cause> causes = new ArrayList<>();
        if (!old.path("immutable").asBoolean(false)) {
            return causes;
        }
        if (!obj.path("immutable").asBoolean(false)) {
            causes.add(Cause.forbidden("immutable", MESSAGE));
        }
        for (String f : fields) {
            JsonNode now = obj.path(f);
            JsonNode before = old.path(f);
            if (!(now.isMissingNode() || now.isEmpty()) || !(before.isMissingNode() || before.isEmpty())) {
                if (!now.equals(before)) {
                    causes.add(Cause.forbidden(f, MESSAGE));
                }
            }
        }
        return causes;
    }
}
