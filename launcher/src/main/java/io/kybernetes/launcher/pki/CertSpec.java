package io.kybernetes.launcher.pki;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a certificate says: subject common name and organizations (a Kubernetes user's name and groups), DNS and IP
 * subject alternative names, key usages in {@code certificates.k8s.io} names ({@link KeyUsages}) and how long it is
 * valid.
 */
public record CertSpec(String commonName, List<String> organizations, List<String> dnsNames,
        List<String> ipAddresses, List<String> usages, Duration validity) {

    /** kubeadm's leaf certificates: one year. */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    /** kubeadm's certificate authorities: ten years. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public CertSpec {
        organizations = List.copyOf(organizations);
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        usages = List.copyOf(usages);
        for (String u : usages) {
            if (!KeyUsages.known(u)) {
                throw new IllegalArgumentException("unknown key usage \"" + u + "\"");
            }
        }
    }

    /** A client certificate for user {@code cn} in the groups {@code organizations}. */
    public static CertSpec client(String cn, String... organizations) {
        return new CertSpec(cn, List.of(organizations), List.of(), List.of(), KeyUsages.CLIENT, LEAF_VALIDITY);
    }

    /** A serving certificate for {@code cn} with {@code sans}, each an IP literal or a DNS name. */
    public static CertSpec server(String cn, List<String> sans) {
        return withSans(cn, List.of(), sans, KeyUsages.SERVER);
    }

    /** A certificate whose {@code sans} are sorted into DNS names and IP addresses (duplicates dropped). */
    public static CertSpec withSans(String cn, List<String> organizations, List<String> sans, List<String> usages) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String s : sans) {
            String san = s.trim();
            List<String> into = isIpLiteral(san) ? ips : dns;
            if (!san.isEmpty() && !into.contains(san)) {
                into.add(san);
            }
        }
        return new CertSpec(cn, organizations, dns, ips, usages, LEAF_VALIDITY);
    }

    public CertSpec withValidity(Duration validity) {
        return new CertSpec(commonName, organizations, dnsNames, ipAddresses, usages, validity);
    }

    /** An IPv4 dotted quad or an IPv6 literal (anything with a colon): never resolved through DNS. */
    public static boolean isIpLiteral(String s) {
        return IPV4.matcher(s).matches() || s.contains(":");
    }
}
