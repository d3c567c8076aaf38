package io.kybernetes.dns.zone;

import java.util.List;

import io.kybernetes.dns.zone.ServiceRecord.Kind;

/** An in-memory cluster with one Service of every kind the zone distinguishes. */
public final class Fixtures {

    private Fixtures() {
    }

    public static List<ServiceRecord> services() {
        List<ServicePort> pg = List.of(new ServicePort("pg", "tcp", 5432));
        return List.of(
                new ServiceRecord("default", "web", Kind.CLUSTER_IP, List.of("10.96.0.20"), null,
                        List.of(new ServicePort("http", "tcp", 80), new ServicePort("dns", "udp", 53),
                                new ServicePort(null, "tcp", 8080)),
                        List.of(new Endpoint("10.244.0.21", null, true, List.of(new ServicePort("http", "tcp", 8080)))),
                        false),
                new ServiceRecord("default", "dual", Kind.CLUSTER_IP, List.of("10.96.0.30", "fd00::30"), null,
                        List.of(), List.of(), false),
                new ServiceRecord("kube-system", "kube-dns", Kind.CLUSTER_IP, List.of("10.96.0.10"), null,
                        List.of(new ServicePort("dns", "udp", 53)), List.of(), false),
                new ServiceRecord("default", "db", Kind.HEADLESS, List.of(), null, pg, List.of(
                        new Endpoint("10.244.0.5", "db-0", true, pg),
                        new Endpoint("10.244.0.6", "db-1", true, pg),
                        new Endpoint("10.244.0.7", null, true, pg),
                        new Endpoint("10.244.0.8", "db-3", false, pg)), false),
                new ServiceRecord("default", "notready", Kind.HEADLESS, List.of(), null, pg, List.of(
                        new Endpoint("10.244.0.8", null, false, pg)), true),
                new ServiceRecord("default", "empty", Kind.HEADLESS, List.of(), null, pg, List.of(), false),
                new ServiceRecord("default", "ext", Kind.EXTERNAL_NAME, List.of(), "example.com", List.of(), List.of(),
                        false));
    }
}
