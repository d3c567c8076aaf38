package io.kybernetes.launcher.leases;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Releasing a leader-election Lease, shared by the scheduler and the controller manager. */
public final class LeaseRelease {

    private static final Logger LOG = Logger.getLogger(LeaseRelease.class);

    private LeaseRelease() {
    }

    /**
     * Gives the lease up as upstream does (no holder, a 1 s duration, renewed now), so that a standby acquires it
     * on its next try. Written here because fabric8's release sends the empty holder as a JSON merge patch that
     * omits nulls, which leaves the holder in place; an update with the read resourceVersion cannot clobber a new
     * holder. Does nothing when {@code identity} no longer holds it.
     */
    public static void release(KubernetesClient client, String namespace, String name, String identity) {
        try {
            var leases = client.leases().inNamespace(namespace);
            Lease lease = leases.withName(name).get();
            if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            lease.getSpec().setHolderIdentity("");
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            leases.resource(lease).update();
            LOG.infof("%s released lease %s/%s", identity, namespace, name);
        } catch (KubernetesClientException e) {
            LOG.warnf("could not release lease %s/%s: %s", namespace, name, e.getMessage());
        }
    }
}
