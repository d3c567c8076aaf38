package io.kybernetes.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An object returned by a write and the HTTP code upstream answers with (201 created, 202 deletion pending). */
public record Outcome(ObjectNode object, int code) {
}
