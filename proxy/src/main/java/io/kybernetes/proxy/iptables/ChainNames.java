package io.kybernetes.proxy.iptables;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * The chain names of the iptables proxier. With the default prefix {@code KUBE} they equal kube-proxy's:
 * {@code KUBE-SVC-} + the first 16 characters of base32(sha256(servicePortName + protocol)), and
 * {@code KUBE-SEP-} + the same over servicePortName + protocol + endpoint. Tests use another prefix so they never
 * touch a running cluster's chains.
 */
public final class ChainNames {

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final String prefix;

    public ChainNames(String prefix) {
        if (!prefix.matches("[A-Z][A-Z0-9]{0,7}")) {
            throw new IllegalArgumentException("chain prefix must be 1-8 upper-case letters or digits: " + prefix);
        }
        this.prefix = prefix;
    }

    public String services() {
        return prefix + "-SERVICES";
    }

    public String postrouting() {
        return prefix + "-POSTROUTING";
    }

    public String markMasq() {
        return prefix + "-MARK-MASQ";
    }

    public String nodePorts() {
        return prefix + "-NODEPORTS";
    }

    public String externalServices() {
        return prefix + "-EXTERNAL-SERVICES";
    }

    public String forward() {
        return prefix + "-FORWARD";
    }

    /** The external destinations chain (node ports, external IPs, load balancer IPs) of a Service port. */
    public String external(ServicePortName spn) {
        return prefix + "-EXT-" + hash(spn + spn.protocol().lower());
    }

    /** The local policy chain: balances over this node's endpoints only. */
    public String localPolicy(ServicePortName spn) {
        return prefix + "-SVL-" + hash(spn + spn.protocol().lower());
    }

    public String servicePort(ServicePortName spn) {
        return prefix + "-SVC-" + hash(spn + spn.protocol().lower());
    }

    public String endpoint(ServicePortName spn, Endpoint ep) {
        return prefix + "-SEP-" + hash(spn + spn.protocol().lower() + ep);
    }

    /** True for the per-service and per-endpoint chains, the ones that come and go with Services. */
    public boolean isServiceOrEndpointChain(String chain) {
        return chain.startsWith(prefix + "-SVC-") || chain.startsWith(prefix + "-SEP-")
                || chain.startsWith(prefix + "-EXT-") || chain.startsWith(prefix + "-SVL-")
                || chain.startsWith(prefix + "-FW-");
    }

    /** True for every chain this proxier creates. */
    public boolean isOwn(String chain) {
        return chain.equals(services()) || chain.equals(postrouting()) || chain.equals(markMasq())
                || chain.equals(nodePorts()) || chain.equals(externalServices()) || chain.equals(forward())
                || isServiceOrEndpointChain(chain);
    }

    // Base32 (RFC 4648 alphabet) of the digest, cut to 16 characters. Hand-written: the JDK has no base32 and
    // these 10 lines do not justify a dependency.
    public static String hash(String input) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder(16);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < digest.length && out.length() < 16; i++) {
            buffer = (buffer << 8) | (digest[i] & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < 16) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }
}
