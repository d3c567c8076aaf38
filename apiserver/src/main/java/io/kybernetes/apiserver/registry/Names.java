package io.kybernetes.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.kybernetes.apiserver.status.Cause;

/** Object name rules (DNS-1123 subdomain/label, DNS-1035 label) and generateName suffixes. */
public final class Names {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private Names() {
    }

    /** Field errors for {@code name} under {@code field} (empty when valid). */
    public static List<Cause> validate(String field, String name, Strategy.NameRule rule) {
        List<Cause> causes = new ArrayList<>();
        switch (rule) {
            case LABEL -> {
                if (name.length() > 63) {
                    causes.add(Cause.invalid(field, name, "must be no more than 63 characters"));
                }
                if (!LABEL.matcher(name).matches()) {
                    causes.add(Cause.invalid(field, name, "a lowercase RFC 1123 label must consist of lower case "
                            + "alphanumeric characters or '-', and must start and end with an alphanumeric character "
                            + "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
                }
            }
            case LABEL_1035 -> {
                if (name.length() > 63) {
                    causes.add(Cause.invalid(field, name, "must be no more than 63 characters"));
                }
                if (!LABEL_1035.matcher(name).matches()) {
                    causes.add(Cause.invalid(field, name, "a DNS-1035 label must consist of lower case alphanumeric "
                            + "characters or '-', start with an alphabetic character, and end with an alphanumeric "
                            + "character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                            + "'[a-z]([-a-z0-9]*[a-z0-9])?')"));
                }
            }
            case SUBDOMAIN -> {
                if (name.length() > 253) {
                    causes.add(Cause.invalid(field, name, "must be no more than 253 characters"));
                }
                if (!SUBDOMAIN.matcher(name).matches()) {
                    causes.add(Cause.invalid(field, name, "a lowercase RFC 1123 subdomain must consist of lower case "
                            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
                            + "(e.g. 'example.com', regex used for validation is "
                            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
                }
            }
            case PATH_SEGMENT -> {
                if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
                    causes.add(Cause.invalid(field, name, "may not be '.' or '..' and may not contain '/' or '%'"));
                }
            }
            default -> { }
        }
        return causes;
    }

    /** generateName + 5 random characters, as upstream's SimpleNameGenerator. */
    public static String generate(String base) {
        if (base.length() > 58) {
            base = base.substring(0, 58);
        }
        StringBuilder sb = new StringBuilder(base);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
