package io.kybernetes.proxy.nftables;

/** An nft command failed; the message carries its exit code and stderr. */
public class NftException extends Exception {

    public NftException(String message, Throwable cause) {
        super(message, cause);
    }
}
