package io.kybernetes.apiserver.authentication;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client-certificate users as upstream's x509 authenticator: the subject's CN is the user name, each O a group.
 * The certificate must chain to one of the client CAs (the TLS handshake verifies it too; this re-checks the
 * signature and validity so a handshake without a trust store never authenticates anyone).
 */
public final class X509Users {

    private final List<X509Certificate> cas;

    public X509Users(List<X509Certificate> cas) {
        this.cas = List.copyOf(cas);
    }

    /** The user of a verified leaf certificate, or null when it does not chain to a client CA or has no CN. */
    public UserInfo user(X509Certificate leaf) {
        if (leaf == null || !verified(leaf)) {
            return null;
        }
        return fromSubject(leaf.getSubjectX500Principal().getName());
    }

    private boolean verified(X509Certificate leaf) {
        try {
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return false;
        }
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                leaf.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // try the next CA
            }
        }
        return false;
    }

    /**
     * CN -> name, every O -> a group, in the certificate's order (an RFC 2253 string lists the RDNs last first;
     * LdapName indexes them in certificate order). Null without a CN.
     */
    static UserInfo fromSubject(String rfc2253) {
        String cn = null;
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(rfc2253).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && cn == null) {
                    cn = String.valueOf(rdn.getValue());
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return cn == null || cn.isEmpty() ? null : new UserInfo(cn, "", groups, Map.of());
    }
}
