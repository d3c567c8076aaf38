package io.kybernetes.controllers.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.MockApi;

/** The Job controller against the mock API server, with a fake kubelet that runs every pod to success. */
public class JobIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    MockApi api;
    KubernetesClient client;
    ControllerManager.Running controllers;
    SharedIndexInformer<Pod> kubelet;

    /** Every pod without a phase is marked Succeeded (or Failed when its image is "fail"). */
    public static SharedIndexInformer<Pod> finishingKubelet(KubernetesClient client) {
        return client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                finish(client, pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                finish(client, pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
            }
        });
    }

    static void finish(KubernetesClient client, Pod pod) {
        if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
            return;
        }
        boolean fail = "fail".equals(pod.getSpec().getContainers().get(0).getImage());
        try {
            client.pods().resource(new PodBuilder(pod).withNewStatus().withPhase(fail ? "Failed" : "Succeeded")
                    .endStatus().build()).updateStatus();
        } catch (KubernetesClientException e) {
            // the next event retries
        }
    }

    @BeforeEach
    void start() {
        api = new MockApi();
        client = api.client;
        controllers = ControllerManager.start(client, List.of("job"), 2, List.of());
        kubelet = finishingKubelet(client);
    }

    @AfterEach
    void stop() {
        kubelet.stop();
        controllers.stop();
        api.close();
    }

    static Job job(String name, int completions, int parallelism, String image) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata().withNewSpec()
                .withCompletions(completions).withParallelism(parallelism).withBackoffLimit(1).withNewTemplate()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().build();
    }

    Job get(String name) {
        return client.batch().v1().jobs().inNamespace("default").withName(name).get();
    }

    static boolean hasCondition(Job j, String type) {
        return j != null && j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus()
                .getConditions().stream().anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True"));
    }

    @Test
    void jobRunsToCompletionAndReleasesItsPods() {
        client.batch().v1().jobs().inNamespace("default").resource(job("pi", 3, 2, "busybox")).create();
        await().atMost(WAIT).untilAsserted(() -> {
            Job j = get("pi");
            assertTrue(hasCondition(j, "Complete"), () -> "status " + j.getStatus());
            assertTrue(hasCondition(j, "SuccessCriteriaMet"));
            assertEquals(3, j.getStatus().getSucceeded());
            assertNotNull(j.getStatus().getCompletionTime());
            assertNotNull(j.getStatus().getStartTime());
        });
        List<Pod> pods = client.pods().inNamespace("default").withLabel("job-name", "pi").list().getItems();
        assertEquals(3, pods.size());
        for (Pod p : pods) {
            assertTrue(p.getMetadata().getFinalizers() == null || p.getMetadata().getFinalizers().isEmpty(),
                    () -> "finalizers left on " + p.getMetadata().getName());
            assertEquals(get("pi").getMetadata().getUid(),
                    p.getMetadata().getLabels().get("batch.kubernetes.io/controller-uid"));
        }
    }

    @Test
    void failingPodsExhaustTheBackoffLimit() {
        client.batch().v1().jobs().inNamespace("default").resource(job("bad", 1, 1, "fail")).create();
        // backoffLimit 1: the second failure (after a 10 s back-off) fails the Job.
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            Job j = get("bad");
            assertTrue(hasCondition(j, "Failed"), () -> "status " + j.getStatus());
            assertEquals("BackoffLimitExceeded", j.getStatus().getConditions().stream()
                    .filter(c -> c.getType().equals("Failed")).findFirst().get().getReason());
            assertEquals(2, j.getStatus().getFailed());
        });
    }
}
