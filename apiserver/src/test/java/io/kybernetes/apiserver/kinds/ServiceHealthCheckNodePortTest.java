package io.kybernetes.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.allocation.ServiceAllocator;
import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.ListResult;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WriteResult;

/** spec.healthCheckNodePort: allocated, honoured, validated, kept and released as upstream. */
class ServiceHealthCheckNodePortTest {

    private static final String PORTS = "/registry/kybernetes/servicenodeports/";

    /** The allocator's keys in memory (the jetcd client is built but never connects). */
    static final class MemoryStore extends EtcdStore {
        final Map<String, byte[]> keys = new TreeMap<>();

        MemoryStore() {
            super(CONFIG);
        }

        @Override
        public synchronized CompletableFuture<WriteResult> create(String key, byte[] value) {
            boolean absent = !keys.containsKey(key);
            if (absent) {
                keys.put(key, value);
            }
            return CompletableFuture.completedFuture(new WriteResult(absent, 1, Optional.empty()));
        }

        @Override
        public synchronized CompletableFuture<Void> deleteKey(String key) {
            keys.remove(key);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized CompletableFuture<ListResult> list(String prefix) {
            List<StoredValue> items = keys.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> new StoredValue(e.getKey(), e.getValue(), 1, 1)).toList();
            return CompletableFuture.completedFuture(new ListResult(items, 1));
        }

        List<Integer> ports() {
            return keys.keySet().stream().filter(k -> k.startsWith(PORTS)).map(k -> Integer.parseInt(k.substring(PORTS.length()))).toList();
        }
    }

    static final ApiserverConfig CONFIG = new ApiserverConfig() {
        public String etcdServers() {
            return "http://127.0.0.1:1";
        }

        public String serviceClusterIpRange() {
            return "10.96.0.0/12";
        }

        public String serviceNodePortRange() {
            return "30000-32767";
        }

        public int maxRequestsInflight() {
            return 400;
        }

        public int defaultWatchCacheSize() {
            return 2048;
        }

        public Duration watchCacheLinger() {
            return Duration.ofSeconds(60);
        }

        public Duration metricResolution() {
            return Duration.ofSeconds(15);
        }

        public Optional<String> advertiseAddress() {
            return Optional.empty();
        }

        public Optional<String> tlsCertFile() {
            return Optional.empty();
        }

        public Optional<String> tlsPrivateKeyFile() {
            return Optional.empty();
        }

        public Optional<String> clientCaFile() {
            return Optional.empty();
        }

        public Optional<String> tokenAuthFile() {
            return Optional.empty();
        }

        public Optional<String> serviceAccountKeyFile() {
            return Optional.empty();
        }

        public Optional<String> serviceAccountSigningKeyFile() {
            return Optional.empty();
        }

        public String serviceAccountIssuer() {
            return "https://kubernetes.default.svc.cluster.local";
        }

        public Optional<String> apiAudiences() {
            return Optional.empty();
        }

        public boolean anonymousAuth() {
            return true;
        }

        public java.util.Optional<Boolean> enableBootstrapTokenAuth() {
            return java.util.Optional.empty();
        }

        public String authorizationMode() {
            return "AlwaysAllow";
        }

        public Optional<String> etcdCafile() {
            return Optional.empty();
        }

        public Optional<String> etcdCertfile() {
            return Optional.empty();
        }

        public Optional<String> etcdKeyfile() {
            return Optional.empty();
        }

        public Optional<String> enableAdmissionPlugins() {
            return Optional.empty();
        }

        public Optional<String> disableAdmissionPlugins() {
            return Optional.empty();
        }
    };

    private final MemoryStore store = new MemoryStore();
    private final ServiceStrategy strategy = new ServiceStrategy(new ServiceAllocator(store, CONFIG));

    @AfterEach
    void close() throws Exception {
        var m = EtcdStore.class.getDeclaredMethod("close");
        m.setAccessible(true);
        m.invoke(store);
    }

    static ObjectNode service(String type, String policy, Integer healthCheckNodePort) throws IOException {
        ObjectNode s = (ObjectNode) Json.parse(("{'metadata':{'name':'web','namespace':'default'},'spec':{'type':'" + type
                + "','selector':{'app':'web'},'ports':[{'port':80,'targetPort':8080}]}}").replace('\'', '"').getBytes());
        ObjectNode spec = (ObjectNode) s.get("spec");
        if (policy != null) {
            spec.put("externalTrafficPolicy", policy);
        }
        if (healthCheckNodePort != null) {
            spec.put("healthCheckNodePort", healthCheckNodePort);
        }
        return s;
    }

    /** prepareForCreate, validate and beforeCreate, as the generic store runs them; the causes if invalid. */
    private List<Cause> create(ObjectNode s) {
        strategy.prepareForCreate(s);
        List<Cause> causes = strategy.validate(s);
        if (!causes.isEmpty()) {
            return causes;
        }
        try {
            strategy.beforeCreate(s).join();
            return List.of();
        } catch (CompletionException e) {
            ApiException api = assertInstanceOf(ApiException.class, e.getCause());
            return causesOf(api);
        }
    }

    private static List<Cause> causesOf(ApiException e) {
        List<Cause> out = new java.util.ArrayList<>();
        e.toStatus().path("details").path("causes").forEach(c -> out.add(new Cause(c.path("reason").asText(),
                c.path("field").asText(), c.path("message").asText())));
        return out;
    }

    private static int hc(ObjectNode s) {
        return s.path("spec").path("healthCheckNodePort").asInt(0);
    }

    /** An update as the generic store runs it: prepare, validate, the hook, the write (or not), the hook after. */
    private List<Cause> update(ObjectNode s, ObjectNode old, boolean written) {
        strategy.prepareForUpdate(s, old);
        List<Cause> causes = strategy.validateUpdate(s, old);
        if (!causes.isEmpty()) {
            return causes;
        }
        try {
            strategy.beforeUpdate(s, old).join();
        } catch (CompletionException e) {
            return causesOf(assertInstanceOf(ApiException.class, e.getCause()));
        }
        strategy.afterUpdate(s, old, written).join();
        return List.of();
    }

    @Test
    void loadBalancerWithLocalPolicyGetsAPortFromTheNodePortRange() throws IOException {
        ObjectNode s = service("LoadBalancer", "Local", null);
        assertEquals(List.of(), create(s));
        int port = hc(s);
        int nodePort = s.at("/spec/ports/0/nodePort").asInt();
        assertTrue(port >= 30000 && port <= 32767, "allocated " + port);
        assertTrue(port != nodePort);
        assertEquals(List.of(Math.min(port, nodePort), Math.max(port, nodePort)), store.ports());
    }

    @ParameterizedTest(name = "{0} {1}: no health check node port")
    @CsvSource({"LoadBalancer, Cluster", "NodePort, Local", "NodePort, Cluster", "ClusterIP, ''"})
    void otherServicesGetNone(String type, String policy) throws IOException {
        ObjectNode s = service(type, policy.isEmpty() ? null : policy, null);
        assertEquals(List.of(), create(s));
        assertFalse(s.path("spec").has("healthCheckNodePort"), s.toString());
    }

    @Test
    void aZeroPortMeansAllocate() throws IOException {
        ObjectNode s = service("LoadBalancer", "Local", 0);
        assertEquals(List.of(), create(s));
        assertTrue(hc(s) >= 30000);
    }

    @Test
    void aGivenPortIsHonouredAndClaimed() throws IOException {
        ObjectNode s = service("LoadBalancer", "Local", 32555);
        assertEquals(List.of(), create(s));
        assertEquals(32555, hc(s));
        assertTrue(store.ports().contains(32555));

        ObjectNode other = service("LoadBalancer", "Local", 32555);
        other.with("metadata").put("name", "other");
        assertEquals(List.of(Cause.invalid("spec.healthCheckNodePort", 32555, "provided port is already allocated")),
                create(other));
        assertEquals(1, store.ports().stream().filter(p -> p == 32555).count());
        assertEquals(2, store.ports().size(), "the failed create gave back its node port: " + store.ports());
    }

    @ParameterizedTest(name = "{0} {1} healthCheckNodePort {2}: {3}")
    @CsvSource(delimiter = '|', value = {
        "LoadBalancer | Local   | 80    | provided port is not in the valid range. The range of valid ports is 30000-32767",
        "LoadBalancer | Local   | 70000 | must be between 1 and 65535, inclusive",
        "LoadBalancer | Local   | -1    | must be between 1 and 65535, inclusive",
        "LoadBalancer | Cluster | 32000 | may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        "NodePort     | Local   | 32000 | may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    })
    void badPortsAreRejected(String type, String policy, int port, String message) throws IOException {
        ObjectNode s = service(type, policy, port);
        List<Cause> causes = create(s);
        assertEquals(List.of(Cause.invalid("spec.healthCheckNodePort", port, message)), causes);
        assertEquals(List.of(), store.ports(), "nothing stays claimed");
    }

    @Test
    void unknownPolicyIsNotSupported() throws IOException {
        ObjectNode s = service("LoadBalancer", "Nearby", null);
        assertEquals(List.of(Cause.notSupported("spec.externalTrafficPolicy", "Nearby", "supported values: \"Cluster\", \"Local\"")),
                create(s));
    }

    @Test
    void anUpdateThatLeavesItOutKeepsIt() throws IOException {
        ObjectNode old = service("LoadBalancer", "Local", null);
        create(old);
        ObjectNode replaced = service("LoadBalancer", "Local", null); // kubectl replace: no allocated fields
        assertEquals(List.of(), update(replaced, old, true));
        assertEquals(hc(old), hc(replaced));
        assertTrue(store.ports().contains(hc(old)));
    }

    @Test
    void changingItWhileNeededIsRejected() throws IOException {
        ObjectNode old = service("LoadBalancer", "Local", 32100);
        create(old);
        assertEquals(List.of(Cause.invalid("spec.healthCheckNodePort", 32101,
                "cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update")),
                update(service("LoadBalancer", "Local", 32101), old, true));
        assertTrue(store.ports().contains(32100));
        assertFalse(store.ports().contains(32101));
    }

    @ParameterizedTest(name = "to {0} {1}: released")
    @CsvSource({"LoadBalancer, Cluster", "NodePort, Local"})
    void leavingLocalOrLoadBalancerReleasesIt(String type, String policy) throws IOException {
        ObjectNode old = service("LoadBalancer", "Local", 32100);
        create(old);
        ObjectNode s = old.deepCopy();
        ((ObjectNode) s.get("spec")).put("type", type).put("externalTrafficPolicy", policy);
        assertEquals(List.of(), update(s, old, true));
        assertFalse(s.path("spec").has("healthCheckNodePort"), s.toString());
        assertFalse(store.ports().contains(32100), "released: " + store.ports());
    }

    @Test
    void becomingLocalAllocatesOneAndAFailedWriteGivesItBack() throws IOException {
        ObjectNode old = service("LoadBalancer", "Cluster", null);
        create(old);
        List<Integer> before = store.ports();

        ObjectNode s = old.deepCopy();
        ((ObjectNode) s.get("spec")).put("externalTrafficPolicy", "Local");
        assertEquals(List.of(), update(s, old, true));
        assertTrue(hc(s) >= 30000, s.toString());
        assertTrue(store.ports().contains(hc(s)));

        ObjectNode lost = old.deepCopy();
        ((ObjectNode) lost.get("spec")).put("externalTrafficPolicy", "Local").put("healthCheckNodePort", 32200);
        assertEquals(List.of(), update(lost, old, false));
        assertFalse(store.ports().contains(32200), "the write failed: the port is free again");
        assertEquals(before.size() + 1, store.ports().size());
    }

    @Test
    void deleteReleasesIt() throws IOException {
        ObjectNode s = service("LoadBalancer", "Local", null);
        create(s);
        strategy.afterDelete(s).join();
        assertEquals(List.of(), store.ports());
    }

    @Test
    void aTakenPortOnUpdateIsRejected() throws IOException {
        ObjectNode holder = service("NodePort", "Cluster", null);
        create(holder);
        int taken = holder.at("/spec/ports/0/nodePort").asInt();
        ObjectNode old = service("LoadBalancer", "Cluster", null);
        old.with("metadata").put("name", "lb");
        create(old);
        ObjectNode s = old.deepCopy();
        ((ObjectNode) s.get("spec")).put("externalTrafficPolicy", "Local").put("healthCheckNodePort", taken);
        assertEquals(List.of(Cause.invalid("spec.healthCheckNodePort", taken, "provided port is already allocated")),
                update(s, old, true));
    }
}
