package io.kybernetes.launcher.pki;

import java.util.regex.Pattern;

/**
 * A bootstrap token {@code <id>.<secret>} ({@code [a-z0-9]{6}.[a-z0-9]{16}}): the id names the Secret
 * kube-system/bootstrap-token-&lt;id&gt; and the cluster-info signature {@code jws-kubeconfig-<id>}; the whole token
 * is the bearer credential and the signature key.
 */
public record BootstrapToken(String id, String secret) {

    private static final Pattern FORMAT = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");

    public static BootstrapToken parse(String token) {
        var m = FORMAT.matcher(token == null ? "" : token.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("the token does not match the bootstrap token format "
                    + "[a-z0-9]{6}.[a-z0-9]{16}");
        }
        return new BootstrapToken(m.group(1), m.group(2));
    }

    public String value() {
        return id + "." + secret;
    }

    /** The token with its secret hidden, for messages. */
    @Override
    public String toString() {
        return id + ".****************";
    }
}
