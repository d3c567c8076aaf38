package io.kybernetes.controllers.hpa;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A label selector in its string form, as a Scale's status.selector carries it ("app=web,tier in (a,b),!legacy").
 * Hand-written because fabric8 only parses selectors as objects, and the scale subresource gives the string.
 */
public final class SelectorString {

    private SelectorString() {
    }

    public static Predicate<Map<String, String>> parse(String selector) {
        List<Predicate<Map<String, String>>> terms = new ArrayList<>();
        for (String term : split(selector == null ? "" : selector)) {
            String t = term.trim();
            if (t.isEmpty()) {
                continue;
            }
            terms.add(term(t));
        }
        return labels -> {
            Map<String, String> l = labels == null ? Map.of() : labels;
            return terms.stream().allMatch(p -> p.test(l));
        };
    }

    private static Predicate<Map<String, String>> term(String t) {
        String[] words = t.split("\\s+", 3);
        if (words.length == 3 && (words[1].equals("in") || words[1].equals("notin"))) {
            String list = words[2].trim();
            if (!list.startsWith("(") || !list.endsWith(")")) {
                throw new IllegalArgumentException("invalid selector term: " + t);
            }
            Set<String> values = Set.of(list.substring(1, list.length() - 1).trim().split("\\s*,\\s*"));
            String key = words[0];
            return words[1].equals("in") ? l -> l.containsKey(key) && values.contains(l.get(key))
                    : l -> !l.containsKey(key) || !values.contains(l.get(key));
        }
        int ne = t.indexOf("!=");
        if (ne > 0) {
            String key = t.substring(0, ne).trim();
            String value = t.substring(ne + 2).trim();
            return l -> !value.equals(l.get(key));
        }
        int eq = t.indexOf('=');
        if (eq > 0) {
            String key = t.substring(0, eq).trim();
            String value = t.substring(t.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            return l -> value.equals(l.get(key));
        }
        if (t.startsWith("!")) {
            String key = t.substring(1).trim();
            return l -> !l.containsKey(key);
        }
        return l -> l.containsKey(t);
    }

    /** Splits on the commas outside parentheses. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
