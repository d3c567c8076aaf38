package io.kybernetes.controllers.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.discovery.ResourceType;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.Result;
import io.fabric8.mockwebserver.http.RecordedRequest;

class NamespaceControllerTest {

    final MockApi api = new MockApi();
    final Informers informers = new Informers(api.client);
    final NamespaceController controller = new NamespaceController(informers, api.client, () -> List.of(
            new ResourceType("", "v1", "pods", "Pod", true, List.of("list", "delete", "get")),
            new ResourceType("", "v1", "configmaps", "ConfigMap", true, List.of("list", "delete")),
            new ResourceType("", "v1", "nodes", "Node", false, List.of("list", "delete")),
            new ResourceType("", "v1", "bindings", "Binding", true, List.of("create"))),
            Clock.systemUTC(), 1);

    @AfterEach
    void close() {
        informers.stop();
        api.close();
    }

    @Test
    void deletesEveryNamespacedObjectThenFinalizes() throws Exception {
        api.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("doomed")
                .addToFinalizers("test/hold").endMetadata().withNewSpec()
                .withFinalizers("kubernetes").endSpec().withNewStatus().withPhase("Terminating").endStatus().build())
                .create();
        api.client.configMaps().inNamespace("doomed").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("cm").endMetadata().build()).create();
        api.client.pods().inNamespace("doomed").resource(new PodBuilder().withNewMetadata().withName("p")
                .endMetadata().build()).create();
        api.client.configMaps().inNamespace("other").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("keep").endMetadata().build()).create();
        // The mock server keeps an object with finalizers, setting its deletionTimestamp, as the API server does.
        api.client.namespaces().withName("doomed").delete();
        informers.synced(List.of(informers.of(Namespace.class))).get(10, TimeUnit.SECONDS);
        assertTrue(informers.of(Namespace.class).getIndexer().getByKey("doomed").getMetadata()
                .getDeletionTimestamp() != null);

        Result r = controller.reconcile("doomed");
        assertEquals(Result.done(), r, "everything was deleted in one pass");
        assertTrue(api.client.configMaps().inNamespace("doomed").list().getItems().isEmpty());
        assertTrue(api.client.pods().inNamespace("doomed").list().getItems().isEmpty());
        assertEquals(1, api.client.configMaps().inNamespace("other").list().getItems().size());
        boolean finalized = false;
        RecordedRequest req;
        while ((req = api.server.takeRequest(1, TimeUnit.SECONDS)) != null) {
            if (req.getMethod().equals("PUT") && req.getPath().equals("/api/v1/namespaces/doomed/finalize")) {
                finalized = true;
                assertTrue(!req.getUtf8Body().contains("\"kubernetes\""), req.getUtf8Body());
            }
        }
        assertTrue(finalized, "PUT /api/v1/namespaces/doomed/finalize was sent");
    }

    @Test
    void conditionsAsUpstream() {
        TreeMap<String, Integer> remaining = new TreeMap<>(Map.of("pods.", 2, "configmaps.", 1));
        TreeMap<String, Integer> held = new TreeMap<>(Map.of("kubernetes.io/pvc-protection", 1));
        List<NamespaceCondition> c = DeletionConditions.of(new DeletionConditions.Pass(null, List.of(), remaining,
                held), null, "2026-11-24T10:00:00Z");
        assertEquals(List.of("NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure",
                "NamespaceDeletionContentFailure", "NamespaceContentRemaining", "NamespaceFinalizersRemaining"),
                c.stream().map(NamespaceCondition::getType).toList());
        assertEquals(List.of("False", "False", "False", "True", "True"),
                c.stream().map(NamespaceCondition::getStatus).toList());
        assertEquals("Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource "
                + "instances", c.get(3).getMessage());
        assertEquals("SomeResourcesRemain", c.get(3).getReason());
        assertEquals("Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 "
                + "resource instances", c.get(4).getMessage());
        List<NamespaceCondition> empty = DeletionConditions.of(new DeletionConditions.Pass(null, List.of(),
                new TreeMap<>(), new TreeMap<>()), c, "2026-11-24T10:01:00Z");
        assertEquals("ContentRemoved", empty.get(3).getReason());
        assertEquals("All content successfully removed", empty.get(3).getMessage());
        assertEquals("2026-11-24T10:00:00Z", empty.get(0).getLastTransitionTime(), "unchanged status keeps its time");
        assertEquals("2026-11-24T10:01:00Z", empty.get(3).getLastTransitionTime());
    }
}
