package io.kybernetes.ingress.sync;

import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Writes {@code status.loadBalancer.ingress: [{ip: <address>}]} on the served Ingresses that lack it. */
public class StatusPublisher {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    private final KubernetesClient client;
    private final String address;

    public StatusPublisher(KubernetesClient client, String address) {
        this.client = client;
        this.address = address;
    }

    /** Returns false when some update failed (a conflict or the API being away): the caller retries later. */
    public boolean publish(List<Ingress> served) {
        if (address == null || address.isBlank()) {
            return true;
        }
        boolean ok = true;
        List<IngressLoadBalancerIngress> want = List.of(address.matches("[0-9.:a-fA-F]+")
                ? new IngressLoadBalancerIngressBuilder().withIp(address).build()
                : new IngressLoadBalancerIngressBuilder().withHostname(address).build());
        for (Ingress ing : served) {
            var status = ing.getStatus();
            List<IngressLoadBalancerIngress> have = status == null || status.getLoadBalancer() == null
                    ? List.of() : status.getLoadBalancer().getIngress();
            if (want.equals(have)) {
                continue;
            }
            // copy first: the informer's object is shared
            Ingress copy = new IngressBuilder(ing).editOrNewStatus().withNewLoadBalancer().withIngress(want)
                    .endLoadBalancer().endStatus().build();
            try {
                client.network().v1().ingresses().inNamespace(ing.getMetadata().getNamespace()).resource(copy)
                        .updateStatus();
                LOG.infof("Ingress %s/%s: status address %s", ing.getMetadata().getNamespace(),
                        ing.getMetadata().getName(), address);
            } catch (KubernetesClientException e) {
                LOG.debugf("updating the status of %s/%s: %s", ing.getMetadata().getNamespace(),
                        ing.getMetadata().getName(), e.getMessage());
                ok = false;
            }
        }
        return ok;
    }
}
