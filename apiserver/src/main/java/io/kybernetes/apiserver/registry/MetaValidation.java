package io.kybernetes.apiserver.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.status.Cause;

/** Upstream's ObjectMeta rules for labels and annotations (keys are qualified names, label values are short). */
public final class MetaValidation {

    private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String QUALIFIED_FORMAT = "must consist of alphanumeric characters, '-', '_' or '.', and must "
            + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
            + "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private static final String SUBDOMAIN_FORMAT = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private static final String LABEL_VALUE_FORMAT = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    /** Upstream's limit on the total size of an object's annotations (keys and values). */
    static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

    private MetaValidation() {
    }

    /** Errors of metadata.labels and metadata.annotations of {@code meta} (empty when valid). */
    public static List<Cause> validate(JsonNode meta) {
        List<Cause> causes = new ArrayList<>();
        JsonNode labels = meta.path("labels");
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            causes.addAll(qualifiedName("metadata.labels", e.getKey()));
            String v = e.getValue().asText("");
            if (v.length() > 63) {
                causes.add(Cause.invalid("metadata.labels", v, "must be no more than 63 characters"));
            } else if (!v.isEmpty() && !QUALIFIED.matcher(v).matches()) {
                causes.add(Cause.invalid("metadata.labels", v, LABEL_VALUE_FORMAT));
            }
        }
        long size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("annotations").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            causes.addAll(qualifiedName("metadata.annotations", e.getKey().toLowerCase()));
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > ANNOTATIONS_MAX_BYTES) {
            causes.add(new Cause("FieldValueTooLong", "metadata.annotations",
                    "Too long: must have at most " + ANNOTATIONS_MAX_BYTES + " bytes"));
        }
        return causes;
    }

    /** A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    static List<Cause> qualifiedName(String field, String key) {
        List<Cause> causes = new ArrayList<>();
        String[] parts = key.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                causes.add(Cause.invalid(field, key, "prefix part must be non-empty"));
            } else if (prefix.length() > 253) {
                causes.add(Cause.invalid(field, key, "prefix part must be no more than 253 characters"));
            } else if (!SUBDOMAIN.matcher(prefix).matches()) {
                causes.add(Cause.invalid(field, key, "prefix part " + SUBDOMAIN_FORMAT));
            }
        } else {
            causes.add(Cause.invalid(field, key, "a qualified name " + QUALIFIED_FORMAT
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
            return causes;
        }
        if (name.isEmpty()) {
            causes.add(Cause.invalid(field, key, "name part must be non-empty"));
        } else if (name.length() > 63) {
            causes.add(Cause.invalid(field, key, "name part must be no more than 63 characters"));
        }
        if (!name.isEmpty() && !QUALIFIED.matcher(name).matches()) {
            causes.add(Cause.invalid(field, key, "name part " + QUALIFIED_FORMAT));
        }
        return causes;
    }
}
