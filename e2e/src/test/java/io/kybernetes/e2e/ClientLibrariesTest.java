package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Issue 6, Done-when 3: client libraries as their users use them. fabric8 (informers with resync, server-side apply,
 * a watch that survives an apiserver restart) and the official Python client (CRUD, list and watch with
 * resourceVersion, pagination, errors).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientLibrariesTest {

    private static final String NS = "clients";
    private static KubernetesClient client;

    @BeforeAll
    static void connect() throws Exception {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(Path.of(Cli.KUBECONFIG))))
                .build();
    }

    @AfterAll
    static void close() {
        client.close();
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    private static ConfigMap cm(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().withData(data).build();
    }

    @Test
    @Order(1)
    void fabric8InformerSeesAddsUpdatesDeletesAndResyncs() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger resyncs = new AtomicInteger();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                seen.add("add " + obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                if (oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
                    resyncs.incrementAndGet();
                } else {
                    seen.add("update " + newObj.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                seen.add("delete " + obj.getMetadata().getName());
            }
        }, 1000);
        try {
            client.resource(cm("inf", Map.of("a", "1"))).create();
            client.configMaps().inNamespace(NS).withName("inf").edit(c -> {
                c.getData().put("b", "2");
                return c;
            });
            client.configMaps().inNamespace(NS).withName("inf").delete();
            eventually(Duration.ofSeconds(30), () -> List.copyOf(seen), s -> s.contains("delete inf"));
            assertEquals(List.of("add inf", "update inf", "delete inf"),
                    seen.stream().filter(s -> s.endsWith(" inf")).toList());
            client.resource(cm("steady", Map.of())).create();
            int before = resyncs.get();
            eventually(Duration.ofSeconds(20), resyncs::get, n -> n >= before + 3);
            assertEquals(1, informer.getStore().list().size());
        } finally {
            informer.close();
        }
    }

    @Test
    @Order(2)
    void fabric8ServerSideApplyCreatesThenUpdates() {
        ConfigMap applied = client.resource(cm("ssa", Map.of("a", "1"))).fieldManager("e2e-fabric8").forceConflicts()
                .serverSideApply();
        assertEquals("1", applied.getData().get("a"));
        ConfigMap again = client.resource(cm("ssa", Map.of("a", "2", "b", "3"))).fieldManager("e2e-fabric8")
                .forceConflicts().serverSideApply();
        assertEquals(Map.of("a", "2", "b", "3"), again.getData());
        assertTrue(Long.parseLong(again.getMetadata().getResourceVersion())
                > Long.parseLong(applied.getMetadata().getResourceVersion()));
    }

    @Test
    @Order(3)
    void fabric8WatchReconnectsAfterAnApiserverRestart() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Watch watch = client.configMaps().inNamespace(NS).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                events.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add("closed " + cause);
            }
        });
        try {
            client.resource(cm("before-restart", Map.of())).create();
            eventually(Duration.ofSeconds(20), () -> List.copyOf(events), e -> e.contains("ADDED before-restart"));
            String pid = Files.readString(Path.of("/run/kybernetes/apiserver.pid")).trim();
            Cli.run(Duration.ofSeconds(30), "kill", pid).ok();
            eventually(Duration.ofSeconds(30), () -> Cli.run(Duration.ofSeconds(5), "kill", "-0", pid).exit(), rc -> rc != 0);
            // up starts what is not running (only the apiserver here), on the store this run uses
            Cli.run(Duration.ofSeconds(240), "../kybernetes", "up", "--store=" + System.getProperty("e2e.store", "kybernetes")).ok();
            kubectl("-n", NS, "create", "configmap", "after-restart").ok();
            eventually(Duration.ofSeconds(60), () -> List.copyOf(events), e -> e.contains("ADDED after-restart"));
            assertTrue(events.stream().noneMatch(e -> e.startsWith("closed")), events.toString());
        } finally {
            watch.close();
        }
    }

    @Test
    @Order(4)
    void pythonClient() {
        Path script = Path.of("src/test/python/client_check.py").toAbsolutePath();
        Cli.Result r = Cli.run(Duration.ofSeconds(300), "/usr/bin/python3", script.toString(), Cli.KUBECONFIG);
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> checks = r.out().lines().filter(l -> l.startsWith("ok ")).toList();
        assertEquals(13, checks.size(), r.out());
    }
}
