package io.kybernetes.proxy.nftables;

import io.kybernetes.proxy.iptables.ChainNames;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * Names in the nftables mode, shaped as upstream's: {@code service-HASH8-ns/name/proto/port},
 * {@code endpoint-HASH8-ns/name/proto/port__ip/port}, and the same base for {@code external-}, {@code local-} and
 * {@code affinity-}. The table is {@code kube-proxy} for the prefix {@code KUBE}, else {@code <prefix>-proxy}.
 */
public final class NftNames {

    private final String table;

    public NftNames(String chainPrefix) {
        this.table = chainPrefix.toLowerCase(java.util.Locale.ROOT) + "-proxy";
    }

    public String table() {
        return table;
    }

    static String base(ServicePortName spn) {
        String p = spn.protocol().lower();
        return ChainNames.hash(spn + p).substring(0, 8) + "-" + spn.namespace() + "/" + spn.name() + "/" + p + "/" + spn.port();
    }

    static String endpointBase(ServicePortName spn, Endpoint ep) {
        String p = spn.protocol().lower();
        return ChainNames.hash(spn + p + ep).substring(0, 8) + "-" + spn.namespace() + "/" + spn.name() + "/" + p + "/"
                + spn.port() + "__" + ep.ip() + "/" + ep.port();
    }

    public String service(ServicePortName spn) {
        return "service-" + base(spn);
    }

    public String local(ServicePortName spn) {
        return "local-" + base(spn);
    }

    public String external(ServicePortName spn) {
        return "external-" + base(spn);
    }

    public String endpoint(ServicePortName spn, Endpoint ep) {
        return "endpoint-" + endpointBase(spn, ep);
    }

    public String affinity(ServicePortName spn, Endpoint ep) {
        return "affinity-" + endpointBase(spn, ep);
    }
}
