package io.kybernetes.proxy.iptables;

import java.util.List;
import java.util.Locale;

import io.kybernetes.proxy.exec.HostCommand;

/**
 * Runs {@code iptables-save} and {@code iptables-restore} (waiting for the xtables lock, as kube-proxy does) of one
 * backend: the host's default {@code iptables}, or explicitly {@code iptables-nft} or {@code iptables-legacy}.
 */
public final class ExecIptables implements Iptables {

    /** {@code --iptables-backend}: which iptables binaries program the rules. */
    public enum Backend {
        /** Whatever {@code iptables} is on the host (Debian 12: nf_tables). */
        DEFAULT("iptables"),
        /** iptables rules in nf_tables ({@code iptables-nft}). */
        NFT("iptables-nft"),
        /**
         * The x_tables kernel interface ({@code iptables-legacy}): a restore replaces a whole table in one call, which
         * keeps a 10,000-Service ruleset to seconds where the nf_tables backend takes many minutes.
         */
        LEGACY("iptables-legacy");

        private final String binary;

        Backend(String binary) {
            this.binary = binary;
        }

        public String binary() {
            return binary;
        }

        /** From the flag's value: empty (the host's default), {@code nft} or {@code legacy}. */
        public static Backend parse(String value) {
            if (value == null || value.isBlank()) {
                return DEFAULT;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "nft" -> NFT;
                case "legacy" -> LEGACY;
                default -> throw new IllegalArgumentException("unsupported --iptables-backend \"" + value
                        + "\" (supported: nft, legacy; empty for the host's default iptables)");
            };
        }
    }

    private final HostCommand host;
    private final Backend backend;

    public ExecIptables() {
        this(new HostCommand(List.of()));
    }

    public ExecIptables(HostCommand host) {
        this(host, Backend.DEFAULT);
    }

    public ExecIptables(HostCommand host, Backend backend) {
        this.host = host;
        this.backend = backend;
    }

    /** The save command of this backend. */
    List<String> saveCommand() {
        return List.of(backend.binary() + "-save");
    }

    /** The restore command of this backend. */
    List<String> restoreCommand() {
        return List.of(backend.binary() + "-restore", "--noflush", "--wait", "5");
    }

    @Override
    public String save() throws IptablesException {
        try {
            return host.run(saveCommand(), null);
        } catch (HostCommand.Failure e) {
            throw new IptablesException(e.getMessage(), e);
        }
    }

    @Override
    public void restore(String rules) throws IptablesException {
        try {
            host.run(restoreCommand(), rules);
        } catch (HostCommand.Failure e) {
            throw new IptablesException(e.getMessage(), e);
        }
    }
}
