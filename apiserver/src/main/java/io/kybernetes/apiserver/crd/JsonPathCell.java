package io.kybernetes.apiserver.crd;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The simple JSONPath of additionalPrinterColumns: {@code .a.b}, {@code .a[0].b} and filters
 * {@code .a[?(@.type=="Ready")].status}. Hand-written: CRD columns use only this subset.
 */
final class JsonPathCell {

    private static final Pattern FILTER = Pattern.compile("\\?\\(@\\.([A-Za-z0-9_.-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)");

    private JsonPathCell() {
    }

    static JsonNode eval(JsonNode root, String path) {
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.startsWith("$")) {
            p = p.substring(1);
        }
        JsonNode cur = root;
        int i = 0;
        while (i < p.length() && cur != null && !cur.isMissingNode()) {
            char c = p.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
                    j++;
                }
                String field = p.substring(i + 1, j);
                if (!field.isEmpty()) {
                    cur = cur.path(field);
                }
                i = j;
            } else if (c == '[') {
                int j = p.indexOf(']', i);
                if (j < 0) {
                    return MissingNode.getInstance();
                }
                String inner = p.substring(i + 1, j);
                Matcher m = FILTER.matcher(inner);
                if (m.matches()) {
                    JsonNode found = MissingNode.getInstance();
                    for (JsonNode item : cur) {
                        JsonNode key = item;
                        for (String part : m.group(1).split("\\.")) {
                            key = key.path(part);
                        }
                        if (key.asText().equals(m.group(2))) {
                            found = item;
                            break;
                        }
                    }
                    cur = found;
                } else {
                    try {
                        cur = cur.path(Integer.parseInt(inner.trim()));
                    } catch (NumberFormatException e) {
                        return MissingNode.getInstance();
                    }
                }
                i = j + 1;
            } else {
                return MissingNode.getInstance();
            }
        }
        return cur == null ? MissingNode.getInstance() : cur;
    }
}
