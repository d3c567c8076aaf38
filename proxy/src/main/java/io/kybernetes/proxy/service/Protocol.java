package io.kybernetes.proxy.service;

import java.util.Locale;
import java.util.Optional;

/** The transport protocols a Service port may use. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** Lower-case name as iptables' {@code -p} and upstream's chain-name hashes use it. */
    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The protocol of a Service or Endpoints port; absent means TCP, unknown values are empty. */
    public static Optional<Protocol> parse(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(TCP);
        }
        for (Protocol p : values()) {
            if (p.name().equalsIgnoreCase(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
