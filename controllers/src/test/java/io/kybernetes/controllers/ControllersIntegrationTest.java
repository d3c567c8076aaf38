package io.kybernetes.controllers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kybernetes.controllers.deployment.PodTemplateHash;
import io.kybernetes.controllers.deployment.Rollout;

/** Every controller against fabric8's CRUD mock API server, with a fake kubelet marking pods ready. */
public class ControllersIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    KubernetesMockServer server;
    KubernetesClient client;
    ControllerManager.Running controllers;
    FakeKubelet kubelet;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        controllers = ControllerManager.start(client, List.of("*"), 2, List.of("pods", "replicasets"));
        kubelet = new FakeKubelet(client);
    }

    @AfterEach
    void stop() {
        kubelet.close();
        controllers.stop();
        client.close();
        server.destroy();
    }

    public static Deployment web(int replicas, String image) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage(image)
                .addNewPort().withName("http").withContainerPort(80).endPort().endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    List<Pod> pods() {
        return client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
    }

    List<ReplicaSet> replicaSets() {
        return client.apps().replicaSets().inNamespace("default").list().getItems();
    }

    Deployment deployment() {
        return client.apps().deployments().inNamespace("default").withName("web").get();
    }

    /** What `kubectl rollout status` checks to print "successfully rolled out". */
    public static boolean rolledOut(Deployment d) {
        var s = d.getStatus();
        if (s == null || s.getObservedGeneration() == null || d.getMetadata().getGeneration() > s.getObservedGeneration()) {
            return false;
        }
        int want = d.getSpec().getReplicas();
        int updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
        int replicas = s.getReplicas() == null ? 0 : s.getReplicas();
        int available = s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas();
        return updated >= want && replicas <= updated && available >= updated;
    }

    static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    @Test
    void deploymentReplicaSetEndpointsAndGarbageCollection() {
        client.apps().deployments().inNamespace("default").resource(web(2, "nginx:1")).create();

        // A Deployment produces one ReplicaSet <name>-<hash> with 2 pods.
        await().atMost(WAIT).untilAsserted(() -> {
            List<ReplicaSet> rs = replicaSets();
            assertEquals(1, rs.size());
            assertEquals(2, pods().size());
            assertTrue(rolledOut(deployment()), () -> "status: " + deployment().getStatus());
        });
        ReplicaSet rs = replicaSets().get(0);
        String hash = rs.getMetadata().getLabels().get(PodTemplateHash.LABEL);
        assertEquals("web-" + hash, rs.getMetadata().getName());
        assertEquals(hash, rs.getSpec().getSelector().getMatchLabels().get(PodTemplateHash.LABEL));
        assertEquals(hash, rs.getSpec().getTemplate().getMetadata().getLabels().get(PodTemplateHash.LABEL));
        assertEquals("1", rs.getMetadata().getAnnotations().get(Rollout.REVISION));
        assertEquals("2", rs.getMetadata().getAnnotations().get(Rollout.DESIRED_REPLICAS));
        assertEquals("3", rs.getMetadata().getAnnotations().get(Rollout.MAX_REPLICAS));
        var ref = rs.getMetadata().getOwnerReferences().get(0);
        assertEquals("Deployment", ref.getKind());
        assertTrue(ref.getController() && ref.getBlockOwnerDeletion());
        Pod first = pods().get(0);
        assertEquals("web-" + hash + "-", first.getMetadata().getGenerateName());
        assertEquals(rs.getMetadata().getUid(), first.getMetadata().getOwnerReferences().get(0).getUid());
        await().atMost(WAIT).untilAsserted(() -> {
            Deployment d = deployment();
            assertEquals("MinimumReplicasAvailable", condition(d, "Available").getReason());
            assertEquals("NewReplicaSetAvailable", condition(d, "Progressing").getReason());
            assertEquals(2, d.getStatus().getReadyReplicas());
            assertEquals("1", d.getMetadata().getAnnotations().get(Rollout.REVISION));
        });

        // Deleting a pod produces a replacement.
        client.pods().inNamespace("default").withName(first.getMetadata().getName()).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> names = pods().stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
            assertEquals(2, names.size());
            assertTrue(!names.contains(first.getMetadata().getName()));
        });

        // Scaling to 3 gives 3 pods, in the same ReplicaSet.
        client.apps().deployments().inNamespace("default").withName("web").scale(3);
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(3, pods().size());
            assertEquals(1, replicaSets().size());
            assertTrue(rolledOut(deployment()));
            assertEquals(3, deployment().getStatus().getAvailableReplicas());
        });

        // A Service selecting the ready pods gets Endpoints with 3 addresses on the named target port.
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(8080)
                .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> {
            Endpoints ep = client.endpoints().inNamespace("default").withName("web").get();
            assertNotNull(ep);
            assertEquals(1, ep.getSubsets().size());
            List<EndpointAddress> addrs = ep.getSubsets().get(0).getAddresses();
            assertEquals(3, addrs.size());
            assertEquals("Pod", addrs.get(0).getTargetRef().getKind());
            assertEquals("node-1", addrs.get(0).getNodeName());
            assertEquals(80, ep.getSubsets().get(0).getPorts().get(0).getPort());
            assertEquals("http", ep.getSubsets().get(0).getPorts().get(0).getName());
        });

        // Deleting the Deployment lets the garbage collector delete the ReplicaSet, then its pods.
        client.apps().deployments().inNamespace("default").withName("web").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(0, replicaSets().size());
            assertEquals(0, pods().size());
        });
        // ... and the Endpoints follow the pods.
        await().atMost(WAIT).untilAsserted(() -> {
            Endpoints ep = client.endpoints().inNamespace("default").withName("web").get();
            assertTrue(ep.getSubsets() == null || ep.getSubsets().isEmpty());
        });
        // Deleting the Service deletes its Endpoints.
        client.services().inNamespace("default").withName("web").delete();
        await().atMost(WAIT).until(() -> client.endpoints().inNamespace("default").withName("web").get() == null);
    }

    @Test
    void rollingUpdateReplacesEveryPodAndKeepsHistory() {
        client.apps().deployments().inNamespace("default").resource(web(3, "nginx:1")).create();
        await().atMost(WAIT).until(() -> rolledOut(deployment()) && pods().size() == 3);

        client.apps().deployments().inNamespace("default").withName("web")
                .edit(d -> new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
                        .withImage("nginx:2").endContainer().endSpec().endTemplate().endSpec().build());
        await().atMost(WAIT).untilAsserted(() -> {
            List<ReplicaSet> rs = replicaSets();
            assertEquals(2, rs.size());
            Map<String, Integer> replicas = rs.stream().collect(Collectors.toMap(
                    r -> r.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                    r -> r.getSpec().getReplicas()));
            assertEquals(Map.of("nginx:1", 0, "nginx:2", 3), replicas);
            List<Pod> pods = pods();
            assertEquals(3, pods.size());
            assertTrue(pods.stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("nginx:2")));
            Deployment d = deployment();
            assertTrue(rolledOut(d));
            assertEquals("2", d.getMetadata().getAnnotations().get(Rollout.REVISION));
            assertEquals("NewReplicaSetAvailable", condition(d, "Progressing").getReason());
        });
    }
}
