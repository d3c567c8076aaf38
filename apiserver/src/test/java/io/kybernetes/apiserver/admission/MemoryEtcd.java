package io.kybernetes.apiserver.admission;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.ListResult;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WriteResult;

/** The keys the admission plugins read and write, in memory (the jetcd client is built but never connects). */
public class MemoryEtcd extends EtcdStore {

    final Map<String, StoredValue> keys = new TreeMap<>();
    long revision = 1;

    public MemoryEtcd() {
        super(config(Map.of()));
    }

    /** A config whose Optional settings are {@code values} (else empty) and the rest their defaults. */
    public static ApiserverConfig config(Map<String, String> values) {
        return (ApiserverConfig) Proxy.newProxyInstance(ApiserverConfig.class.getClassLoader(),
                new Class<?>[] {ApiserverConfig.class}, (p, m, args) -> {
                    if (m.getReturnType() == Optional.class) {
                        return Optional.ofNullable(values.get(m.getName()));
                    }
                    return switch (m.getName()) {
                        case "etcdServers" -> "http://127.0.0.1:1";
                        case "toString" -> "config";
                        case "hashCode" -> 0;
                        case "equals" -> false;
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
    }

    public synchronized MemoryEtcd put(String key, String json) {
        try {
            ObjectNode o = (ObjectNode) Json.parse(json.replace('\'', '"').getBytes());
            keys.put(key, new StoredValue(key, Json.bytes(o), ++revision, revision));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    public synchronized ObjectNode object(String key) {
        try {
            return (ObjectNode) Json.parse(keys.get(key).value());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Optional<StoredValue>> get(String key) {
        return CompletableFuture.completedFuture(Optional.ofNullable(keys.get(key)));
    }

    @Override
    public synchronized CompletableFuture<ListResult> list(String prefix) {
        List<StoredValue> items = keys.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue).toList();
        return CompletableFuture.completedFuture(new ListResult(items, revision));
    }

    @Override
    public synchronized CompletableFuture<WriteResult> update(String key, byte[] value, long modRevision) {
        StoredValue cur = keys.get(key);
        if (cur == null || cur.modRevision() != modRevision) {
            return CompletableFuture.completedFuture(new WriteResult(false, revision, Optional.ofNullable(cur)));
        }
        keys.put(key, new StoredValue(key, value, ++revision, cur.createRevision()));
        return CompletableFuture.completedFuture(new WriteResult(true, revision, Optional.empty()));
    }

    @Override
    public synchronized CompletableFuture<WriteResult> create(String key, byte[] value) {
        if (keys.containsKey(key)) {
            return CompletableFuture.completedFuture(new WriteResult(false, revision, Optional.of(keys.get(key))));
        }
        keys.put(key, new StoredValue(key, value, ++revision, revision));
        return CompletableFuture.completedFuture(new WriteResult(true, revision, Optional.empty()));
    }
}
