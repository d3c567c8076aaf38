package io.kybernetes.controllers.hpa;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.realapi.RealApiServer;

/**
 * The HPA controller against the real kybernetes apiserver on a real etcd (skipped when the apiserver jar has not
 * been built): the apiserver's metrics API scrapes a fake kubelet on loopback whose pods each burn 200m against a
 * 100m request, so a 50% target scales the Deployment (through its scale subresource) from 1 to the maximum, 3.
 */
class HpaRealApiServerTest {

    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running controllers;
    static SharedIndexInformer<Pod> kubelet;
    static HttpServer stats;
    static final Map<String, Instant> started = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        stats = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stats.createContext("/stats/summary", ex -> {
            Instant now = Instant.now();
            StringBuilder pods = new StringBuilder();
            started.forEach((name, since) -> {
                long cpu = Duration.between(since, now).toNanos() / 5; // 200m
                pods.append(pods.isEmpty() ? "" : ",").append("{\"podRef\":{\"name\":\"").append(name)
                        .append("\",\"namespace\":\"default\",\"uid\":\"").append(name).append("\"},\"containers\":[{")
                        .append("\"name\":\"c\",\"cpu\":{\"time\":\"").append(now).append("\",\"usageCoreNanoSeconds\":")
                        .append(cpu).append("},\"memory\":{\"workingSetBytes\":1048576}}]}");
            });
            byte[] b = ("{\"node\":{\"nodeName\":\"n1\",\"cpu\":{\"time\":\"" + now + "\",\"usageCoreNanoSeconds\":"
                    + now.toEpochMilli() * 1000 + "},\"memory\":{\"workingSetBytes\":1}},\"pods\":[" + pods + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        stats.start();
        api = new RealApiServer();
        client = api.client();
        var node = client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build())
                .create();
        client.nodes().resource(new NodeBuilder(node).withNewStatus().addNewAddress().withType("InternalIP")
                .withAddress("127.0.0.1").endAddress().withNewDaemonEndpoints().withNewKubeletEndpoint()
                .withPort(stats.getAddress().getPort()).endKubeletEndpoint().endDaemonEndpoints().endStatus().build())
                .updateStatus();
        controllers = ControllerManager.start(client, List.of("deployment", "replicaset", "horizontalpodautoscaling"),
                2, List.of(), new ControllerManager.HpaSettings(Duration.ofSeconds(1), 0.1, Duration.ofMinutes(5)));
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
                started.remove(p.getMetadata().getName());
            }
        });
    }

    /** Runs a pod: Running and Ready since ten minutes ago (past the HPA's CPU initialization period). */
    static synchronized void run(Pod p) {
        if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
            return;
        }
        String since = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.pods().resource(new PodBuilder(p).editOrNewStatus().withPhase("Running").withStartTime(since)
                    .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(since)
                    .endCondition().endStatus().build()).updateStatus();
            started.put(p.getMetadata().getName(), Instant.now());
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
        if (stats != null) {
            stats.stop(0);
        }
    }

    @Test
    void scalesADeploymentUpOnCpu() {
        client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withReplicas(1).withNewSelector()
                .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("busybox").withNewResources().addToRequests("cpu", new Quantity("100m")).endResources()
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("default").resource(
                new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                        .withNewScaleTargetRef("apps/v1", "Deployment", "web").withMinReplicas(1).withMaxReplicas(3)
                        .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                        .withType("Utilization").withAverageUtilization(50).endTarget().endResource().endMetric()
                        .endSpec().build()).create();
        // two scrapes (15 s apart) give the first rate; then one HPA sync scales
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertEquals(3, client.apps().deployments()
                .inNamespace("default").withName("web").get().getSpec().getReplicas()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HorizontalPodAutoscaler h = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("default")
                    .withName("web").get();
            var resource = h.getStatus().getCurrentMetrics().get(0).getResource();
            assertTrue(resource != null, () -> "status " + h.getStatus());
            var current = resource.getCurrent();
            assertTrue(current.getAverageUtilization() >= 180 && current.getAverageUtilization() <= 220,
                    () -> "status " + h.getStatus());
            assertTrue(h.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("ScalingActive")
                    && c.getStatus().equals("True") && c.getReason().equals("ValidMetricFound")), () -> "" + h.getStatus());
        });
        var events = client.v1().events().inNamespace("default").list().getItems();
        assertTrue(events.stream().anyMatch(e -> "SuccessfulRescale".equals(e.getReason())
                && e.getMessage().startsWith("New size: 3; reason: cpu resource utilization (percentage of request) "
                        + "above target")), () -> events.stream().map(e -> e.getReason() + ": " + e.getMessage()).toList()
                                .toString());
    }
}
