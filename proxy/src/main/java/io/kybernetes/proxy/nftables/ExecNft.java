package io.kybernetes.proxy.nftables;

import java.util.List;

import io.kybernetes.proxy.exec.HostCommand;

/** Runs the {@code nft} binary. */
public final class ExecNft implements Nft {

    private final HostCommand host;

    public ExecNft(HostCommand host) {
        this.host = host;
    }

    @Override
    public String listChainsAndSets() throws NftException {
        try {
            return host.run(List.of("nft", "-t", "list", "chains", "ip"), null)
                    + host.run(List.of("nft", "-t", "list", "sets", "ip"), null);
        } catch (HostCommand.Failure e) {
            throw new NftException(e.getMessage(), e);
        }
    }

    @Override
    public void apply(String script) throws NftException {
        try {
            host.run(List.of("nft", "-f", "-"), script);
        } catch (HostCommand.Failure e) {
            throw new NftException(e.getMessage(), e);
        }
    }
}
