package io.kybernetes.controllers.realapi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.ControllerManager;

/**
 * Job, StatefulSet, DaemonSet, EndpointSlice, namespace and foreground deletion against the real kybernetes
 * apiserver on a real etcd (skipped when the apiserver jar has not been built). A fake kubelet runs Job pods to
 * success and makes other pods Running and Ready.
 */
class WorkloadsRealApiServerTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running controllers;
    static SharedIndexInformer<Pod> kubelet;
    static int ip = 2;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        api = new RealApiServer();
        client = api.client();
        controllers = ControllerManager.start(client, List.of("*"), 2,
                List.of("pods", "replicasets", "jobs", "controllerrevisions", "endpointslices"));
        kubelet = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                run(p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                run(p);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
            }
        });
    }

    static synchronized void run(Pod p) {
        if (p.getStatus() != null && p.getStatus().getPhase() != null && !"Pending".equals(p.getStatus().getPhase())
                || p.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        boolean job = p.getMetadata().getLabels() != null && p.getMetadata().getLabels().containsKey("job-name");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        PodBuilder b = new PodBuilder(p).editOrNewStatus().withPhase(job ? "Succeeded" : "Running")
                .withPodIP("10.244.0." + ip++).endStatus();
        if (!job) {
            b.editStatus().addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now)
                    .endCondition().endStatus();
        }
        try {
            client.pods().resource(b.build()).updateStatus();
        } catch (KubernetesClientException e) {
            // the next event retries
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.stop();
        }
        if (controllers != null) {
            controllers.stop();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static boolean condition(Job j, String type) {
        return j != null && j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus()
                .getConditions().stream().anyMatch(c -> c.getType().equals(type) && "True".equals(c.getStatus()));
    }

    @Test
    void jobCompletesAndReleasesItsPods() {
        client.batch().v1().jobs().inNamespace("default").resource(new JobBuilder().withNewMetadata().withName("pi")
                .endMetadata().withNewSpec().withCompletions(2).withParallelism(2).withNewTemplate().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox").endContainer().withRestartPolicy("Never")
                .endSpec().endTemplate().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            Job j = client.batch().v1().jobs().inNamespace("default").withName("pi").get();
            assertTrue(condition(j, "Complete"), () -> "status " + j.getStatus());
            assertEquals(2, j.getStatus().getSucceeded());
        });
        List<Pod> pods = client.pods().inNamespace("default").withLabel("job-name", "pi").list().getItems();
        assertEquals(2, pods.size());
        assertTrue(pods.stream().allMatch(p -> p.getMetadata().getFinalizers() == null
                || p.getMetadata().getFinalizers().isEmpty()));
        // Foreground deletion: the pods go first, then the Job.
        client.batch().v1().jobs().inNamespace("default").withName("pi")
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(client.pods().inNamespace("default").withLabel("job-name", "pi").list().getItems().isEmpty());
            assertEquals(null, client.batch().v1().jobs().inNamespace("default").withName("pi").get());
        });
    }

    @Test
    void statefulSetWithClaimsAndEndpointSlices() {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("db")
                .endMetadata().withNewSpec().withClusterIP("None").addToSelector("app", "db").addNewPort()
                .withName("pg").withPort(5432).withTargetPort(new IntOrString(5432)).endPort().endSpec().build())
                .create();
        client.apps().statefulSets().inNamespace("default").resource(new StatefulSetBuilder().withNewMetadata()
                .withName("db").endMetadata().withNewSpec().withReplicas(2).withServiceName("db").withNewSelector()
                .addToMatchLabels("app", "db").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "db").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().addNewVolumeClaimTemplate()
                .withNewMetadata().withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
                .endVolumeClaimTemplate().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> names = client.pods().inNamespace("default").withLabel("app", "db").list().getItems().stream()
                    .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
            assertEquals(Set.of("db-0", "db-1"), names);
            assertEquals(2, client.apps().statefulSets().inNamespace("default").withName("db").get().getStatus()
                    .getReadyReplicas());
            List<EndpointSlice> slices = client.resources(EndpointSlice.class).inNamespace("default")
                    .withLabel("kubernetes.io/service-name", "db").list().getItems();
            assertEquals(1, slices.size());
            assertEquals(2, slices.get(0).getEndpoints().size());
            assertEquals(Set.of("db-0", "db-1"), slices.get(0).getEndpoints().stream().map(e -> e.getHostname())
                    .collect(Collectors.toSet()));
        });
        assertEquals(Set.of("data-db-0", "data-db-1"), client.persistentVolumeClaims().inNamespace("default").list()
                .getItems().stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet()));
    }

    @Test
    void daemonSetRunsOnEveryNode() {
        for (String n : List.of("node-a", "node-b")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata().build()).create();
        }
        client.apps().daemonSets().inNamespace("default").resource(new DaemonSetBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "agent")
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            var ds = client.apps().daemonSets().inNamespace("default").withName("agent").get();
            assertNotNull(ds.getStatus());
            assertEquals(2, ds.getStatus().getDesiredNumberScheduled());
            assertEquals(2, ds.getStatus().getNumberReady());
        });
    }

    @Test
    void namespaceDeletionEmptiesAndRemovesIt() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("doomed").endMetadata()
                .build()).create();
        client.configMaps().inNamespace("doomed").resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
                .endMetadata().build()).create();
        await().atMost(WAIT).until(() -> client.serviceAccounts().inNamespace("doomed").withName("default")
                .get() != null);
        client.namespaces().withName("doomed").delete();
        await().atMost(WAIT).until(() -> client.namespaces().withName("doomed").get() == null);
    }
}
