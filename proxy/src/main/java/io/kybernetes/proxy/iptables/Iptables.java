package io.kybernetes.proxy.iptables;

/** The port to the kernel's rules: the two commands the proxier needs. Fakes implement it in tests. */
public interface Iptables {

    /** The output of {@code iptables-save} (all tables). */
    String save() throws IptablesException;

    /** Feeds {@code rules} to {@code iptables-restore --noflush}: applied atomically per table, or not at all. */
    void restore(String rules) throws IptablesException;
}
