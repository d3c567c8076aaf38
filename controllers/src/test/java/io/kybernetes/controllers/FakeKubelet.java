package io.kybernetes.controllers;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/** Stands in for the kubelet in tests: every new pod gets phase Running, Ready=True and a pod IP. */
public final class FakeKubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> informer;
    private final AtomicInteger nextIp = new AtomicInteger(2);
    private volatile boolean enabled = true;
    private final boolean assignNode;

    public FakeKubelet(KubernetesClient client) {
        this(client, true);
    }

    /** With {@code assignNode}, pods are also given spec.nodeName (the mock server allows that update). */
    public FakeKubelet(KubernetesClient client, boolean assignNode) {
        this.client = client;
        this.assignNode = assignNode;
        this.informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                run(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                run(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
            }
        });
    }

    public void pause() {
        enabled = false;
    }

    public void resume() {
        enabled = true;
        informer.getStore().list().forEach(this::run);
    }

    private void run(Pod pod) {
        if (!enabled || (pod.getStatus() != null && pod.getStatus().getPodIP() != null)) {
            return;
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Pod ready = pod;
        try {
            if (assignNode) {
                ready = client.pods().resource(new PodBuilder(pod).editSpec().withNodeName("node-1").endSpec()
                        .build()).update();
            }
            ready = new PodBuilder(ready).withNewStatus().withPhase("Running")
                    .withPodIP("10.244.0." + nextIp.getAndIncrement())
                    .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
                    .endStatus().build();
            client.pods().resource(ready).updateStatus();
        } catch (KubernetesClientException e) {
            // conflict or gone: the next event retries
        }
    }

    @Override
    public void close() {
        informer.stop();
    }
}
