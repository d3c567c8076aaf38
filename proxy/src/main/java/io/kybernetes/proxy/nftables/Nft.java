package io.kybernetes.proxy.nftables;

/** The port to the kernel: list what exists and run one transaction. Fakes implement it in tests. */
public interface Nft {

    /** {@code nft -t list chains ip} and {@code nft -t list sets ip}, concatenated (no rules, no elements). */
    String listChainsAndSets() throws NftException;

    /** {@code nft -f -}: the whole script is one transaction. */
    void apply(String script) throws NftException;
}
