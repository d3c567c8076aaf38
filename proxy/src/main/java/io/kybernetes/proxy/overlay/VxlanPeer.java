package io.kybernetes.proxy.overlay;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Node;

/**
 * Another node as the overlay sees it, read from its Node object: its pod CIDR ({@code spec.podCIDR}), and flannel's
 * annotations: the VTEP's MAC ({@code backend-data} {@code VtepMAC}) and the address its VXLAN packets go to
 * ({@code public-ip}).
 */
public record VxlanPeer(String node, String podCidr, String publicIp, String vtepMac) {

    public static final String BACKEND_TYPE = "flannel.alpha.coreos.com/backend-type";
    public static final String BACKEND_DATA = "flannel.alpha.coreos.com/backend-data";
    public static final String PUBLIC_IP = "flannel.alpha.coreos.com/public-ip";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The pod CIDR's network address: the peer's VTEP address (flannel's design), the route's gateway. */
    public String vtepIp() {
        return podCidr.substring(0, podCidr.indexOf('/'));
    }

    /** The peer a Node describes; empty until it has a pod CIDR and vxlan annotations with a MAC and a public IP. */
    public static Optional<VxlanPeer> of(Node node) {
        if (node.getMetadata() == null || node.getSpec() == null) {
            return Optional.empty();
        }
        String cidr = node.getSpec().getPodCIDR();
        Map<String, String> a = node.getMetadata().getAnnotations();
        if (cidr == null || !cidr.contains("/") || a == null || !"vxlan".equals(a.get(BACKEND_TYPE))) {
            return Optional.empty();
        }
        String mac = vtepMac(a.get(BACKEND_DATA));
        String ip = a.get(PUBLIC_IP);
        if (mac == null || ip == null || ip.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new VxlanPeer(node.getMetadata().getName(), cidr, ip.strip(), mac));
    }

    /** {@code {"VNI":1,"VtepMAC":"aa:bb:.."}} -> the MAC (lower case); null when absent or malformed. */
    static String vtepMac(String backendData) {
        if (backendData == null || backendData.isBlank()) {
            return null;
        }
        try {
            JsonNode mac = JSON.readTree(backendData).path("VtepMAC");
            String s = mac.asText("").toLowerCase(java.util.Locale.ROOT);
            return s.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}") ? s : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The backend-data annotation value for a VTEP MAC. */
    public static String backendData(int vni, String mac) {
        return "{\"VNI\":" + vni + ",\"VtepMAC\":\"" + mac + "\"}";
    }
}
