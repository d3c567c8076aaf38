package io.kybernetes.proxy.iptables;

/** An iptables command failed; the message carries its exit code and stderr. */
public class IptablesException extends Exception {

    public IptablesException(String message) {
        super(message);
    }

    public IptablesException(String message, Throwable cause) {
        super(message, cause);
    }
}
