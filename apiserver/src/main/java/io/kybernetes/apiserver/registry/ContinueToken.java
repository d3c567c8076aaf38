package io.kybernetes.apiserver.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

/**
 * The opaque {@code continue} token of a paged list, in upstream's form: unpadded URL-safe base64 of
 * {"v":"meta.k8s.io/v1","rv":REVISION,"start":KEY}, where KEY is the next key relative to the list's key prefix and
 * REVISION the revision the first page was read at (-1: continue at the newest revision, after an expiry).
 *
 * @param revision the revision to read the next page at
 * @param start    the next key, relative to the list's key prefix
 */
public record ContinueToken(long revision, String start) {

    static final String VERSION = "meta.k8s.io/v1";

    public String encode() {
        ObjectNode o = Json.object();
        o.put("v", VERSION);
        o.put("rv", revision);
        o.put("start", start);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
    }

    /** The token after {@code lastKey} (a full key under {@code prefix}). */
    public static ContinueToken after(long revision, String prefix, String lastKey) {
        return new ContinueToken(revision, lastKey.substring(prefix.length()) + "\u0000");
    }

    /** The full key to start the next page at. */
    public String startKey(String prefix) {
        return prefix + start;
    }

    /** Parses a token; IllegalArgumentException with upstream's wording when it is not one. */
    public static ContinueToken decode(String token) {
        JsonNode o;
        try {
            byte[] raw = Base64.getUrlDecoder().decode(token.replace("=", ""));
            o = Json.parse(raw);
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("continue key is not valid: " + e.getMessage());
        }
        if (o == null || !VERSION.equals(o.path("v").asText())) {
            throw new IllegalArgumentException("continue key is not valid: server does not recognize this encoded key");
        }
        String start = o.path("start").asText("");
        if (start.isEmpty() || start.startsWith("/") || start.contains("/../") || start.startsWith("../")) {
            throw new IllegalArgumentException("continue key is not valid: " + new String(
                    start.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
        if (!o.has("rv") || o.path("rv").asLong(0) == 0) {
            throw new IllegalArgumentException("continue key is not valid: incorrect encoded start resourceVersion "
                    + "(version meta.k8s.io/v1)");
        }
        return new ContinueToken(o.path("rv").asLong(), start);
    }
}
