package io.kybernetes.apiserver.selection;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** A parsed field selector ({@code a=b,c!=d}, {@code ==} allowed) over the fields a kind supports. */
public final class FieldSelector {

    record Term(String field, boolean equals, String value) {
    }

    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** Parses and checks every field against {@code supported}; throws IllegalArgumentException otherwise. */
    public static FieldSelector parse(String selector, Set<String> supported) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : selector.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            Term t;
            int ne = p.indexOf("!=");
            int eqeq = p.indexOf("==");
            int eq = p.indexOf('=');
            if (ne > 0) {
                t = new Term(p.substring(0, ne).trim(), false, p.substring(ne + 2).trim());
            } else if (eqeq > 0) {
                t = new Term(p.substring(0, eqeq).trim(), true, p.substring(eqeq + 2).trim());
            } else if (eq > 0) {
                t = new Term(p.substring(0, eq).trim(), true, p.substring(eq + 1).trim());
            } else {
                throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + p + "'");
            }
            if (!supported.contains(t.field())) {
                throw new IllegalArgumentException("field label not supported: " + t.field());
            }
            terms.add(t);
        }
        return new FieldSelector(List.copyOf(terms));
    }

    /** The value a term requires of field {@code field} with "=", if any (used to narrow e.g. metadata.name). */
    public String required(String field) {
        for (Term t : terms) {
            if (t.equals() && t.field().equals(field)) {
                return t.value();
            }
        }
        return null;
    }

    /** Whether the object matches; {@code fieldValue} reads a supported field of an object ("" if unset). */
    public boolean matches(Function<String, String> fieldValue) {
        for (Term t : terms) {
            String v = fieldValue.apply(t.field());
            if (t.equals() != v.equals(t.value())) {
                return false;
            }
        }
        return true;
    }
}
