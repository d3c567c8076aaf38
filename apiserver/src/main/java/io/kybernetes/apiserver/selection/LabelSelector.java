package io.kybernetes.apiserver.selection;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed label selector in the query-string form: {@code a=b, a==b, a!=b, a in (x,y), a notin (x,y), a, !a}.
 * Hand-written: the grammar is tiny and no Java library implements Kubernetes' variant.
 */
public final class LabelSelector {

    enum Op { EQ, NE, IN, NOTIN, EXISTS, NOT_EXISTS }

    record Requirement(String key, Op op, Set<String> values) {

        boolean matches(JsonNode labels) {
            JsonNode v = labels == null ? null : labels.get(key);
            boolean has = v != null && !v.isNull();
            String value = has ? v.asText() : null;
            return switch (op) {
                case EXISTS -> has;
                case NOT_EXISTS -> !has;
                case EQ, IN -> has && values.contains(value);
                case NE, NOTIN -> !has || !values.contains(value);
            };
        }
    }

    private static final Pattern KEY = Pattern.compile("([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?");
    private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    /** Parses the selector; throws IllegalArgumentException with a readable message when it is malformed. */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        for (String part : splitTopLevel(selector)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("unable to parse requirement: empty requirement in \"" + selector + "\"");
            }
            reqs.add(requirement(p));
        }
        return new LabelSelector(List.copyOf(reqs));
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static Requirement requirement(String p) {
        if (p.startsWith("!")) {
            return new Requirement(key(p.substring(1).trim()), Op.NOT_EXISTS, Set.of());
        }
        int ne = p.indexOf("!=");
        if (ne > 0) {
            return new Requirement(key(p.substring(0, ne).trim()), Op.NE, Set.of(value(p.substring(ne + 2).trim())));
        }
        int eq = p.indexOf("==");
        if (eq > 0) {
            return new Requirement(key(p.substring(0, eq).trim()), Op.EQ, Set.of(value(p.substring(eq + 2).trim())));
        }
        eq = p.indexOf('=');
        if (eq > 0) {
            return new Requirement(key(p.substring(0, eq).trim()), Op.EQ, Set.of(value(p.substring(eq + 1).trim())));
        }
        String[] words = p.split("\\s+", 2);
        if (words.length == 2) {
            String rest = words[1].trim();
            Op op;
            if (rest.startsWith("notin")) {
                op = Op.NOTIN;
                rest = rest.substring(5).trim();
            } else if (rest.startsWith("in")) {
                op = Op.IN;
                rest = rest.substring(2).trim();
            } else {
                throw new IllegalArgumentException("unable to parse requirement: found '" + rest + "', expected: in, notin, =, ==, !=, gt, lt");
            }
            if (!rest.startsWith("(") || !rest.endsWith(")")) {
                throw new IllegalArgumentException("unable to parse requirement: found '" + rest + "', expected: '('");
            }
            List<String> values = new ArrayList<>();
            for (String v : rest.substring(1, rest.length() - 1).split(",")) {
                values.add(value(v.trim()));
            }
            return new Requirement(key(words[0]), op, Set.copyOf(values));
        }
        return new Requirement(key(p), Op.EXISTS, Set.of());
    }

    private static String key(String k) {
        if (!KEY.matcher(k).matches()) {
            throw new IllegalArgumentException("unable to parse requirement: invalid label key \"" + k + "\"");
        }
        return k;
    }

    private static String value(String v) {
        if (v.length() > 63 || !VALUE.matcher(v).matches()) {
            throw new IllegalArgumentException("unable to parse requirement: invalid label value: \"" + v + "\"");
        }
        return v;
    }

    /** Whether an object's metadata.labels satisfy every requirement. */
    public boolean matches(JsonNode labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Builds the selector of a meta/v1 LabelSelector object (matchLabels and matchExpressions). */
    public static LabelSelector fromObject(JsonNode selector) {
        List<Requirement> reqs = new ArrayList<>();
        if (selector == null || selector.isNull() || selector.isMissingNode()) {
            return EVERYTHING;
        }
        JsonNode ml = selector.get("matchLabels");
        if (ml != null) {
            ml.fields().forEachRemaining(e -> reqs.add(new Requirement(e.getKey(), Op.EQ, Set.of(e.getValue().asText()))));
        }
        JsonNode me = selector.get("matchExpressions");
        if (me != null) {
            for (JsonNode e : me) {
                Set<String> vals = new java.util.HashSet<>();
                JsonNode vs = e.get("values");
                if (vs != null) {
                    vs.forEach(v -> vals.add(v.asText()));
                }
                Op op = switch (e.path("operator").asText()) {
                    case "In" -> Op.IN;
                    case "NotIn" -> Op.NOTIN;
                    case "Exists" -> Op.EXISTS;
                    case "DoesNotExist" -> Op.NOT_EXISTS;
                    default -> throw new IllegalArgumentException("invalid label selector operator " + e.path("operator").asText());
                };
                reqs.add(new Requirement(e.path("key").asText(), op, Set.copyOf(vals)));
            }
        }
        return new LabelSelector(List.copyOf(reqs));
    }

    /** The string form of a matchLabels/matchExpressions selector, as Scale.status.selector carries it. */
    public static String format(JsonNode selector) {
        List<String> parts = new ArrayList<>();
        if (selector == null) {
            return "";
        }
        JsonNode ml = selector.get("matchLabels");
        if (ml != null) {
            List<String> keys = new ArrayList<>();
            ml.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            for (String k : keys) {
                parts.add(k + "=" + ml.get(k).asText());
            }
        }
        JsonNode me = selector.get("matchExpressions");
        if (me != null) {
            for (JsonNode e : me) {
                List<String> vals = new ArrayList<>();
                e.path("values").forEach(v -> vals.add(v.asText()));
                vals.sort(null);
                String key = e.path("key").asText();
                switch (e.path("operator").asText()) {
                    case "In" -> parts.add(key + " in (" + String.join(",", vals) + ")");
                    case "NotIn" -> parts.add(key + " notin (" + String.join(",", vals) + ")");
                    case "Exists" -> parts.add(key);
                    case "DoesNotExist" -> parts.add("!" + key);
                    default -> { }
                }
            }
        }
        return String.join(",", parts);
    }
}
