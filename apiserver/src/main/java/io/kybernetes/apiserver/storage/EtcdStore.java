package io.kybernetes.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.netty.GrpcSslContexts;
import io.kybernetes.apiserver.authentication.Pem;
import io.kybernetes.apiserver.config.ApiserverConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * The narrow storage contract the apiserver needs (get, list, create-if-absent, update-if-revision,
 * delete-if-revision, watch) over the etcd v3 API through jetcd. Works against our store and real etcd 3.4.
 */
@ApplicationScoped
public class EtcdStore {

    private static final Logger LOG = Logger.getLogger(EtcdStore.class);

    private final Client client;
    private final KV kv;

    public EtcdStore(ApiserverConfig config) {
        String[] endpoints = Arrays.stream(config.etcdServers().split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toArray(String[]::new);
        // A list without a limit is one Range response: gRPC's default 4 MiB cap failed an informer's pod list at
        // ~900 pods (upstream's apiserver lifts the cap the same way).
        ClientBuilder builder = Client.builder().endpoints(endpoints).maxInboundMessageSize(Integer.MAX_VALUE);
        SslContext tls = sslContext(endpoints, config.etcdCafile(), config.etcdCertfile(), config.etcdKeyfile());
        if (tls != null) {
            builder.sslContext(tls);
        }
        LOG.infof("using etcd at %s%s", String.join(",", endpoints), tls == null ? ""
                : config.etcdCertfile().map(c -> " (TLS, client certificate " + c + ")").orElse(" (TLS)"));
        this.client = builder.build();
        this.kv = client.getKVClient();
    }

    /**
     * The client TLS context for {@code endpoints}: null for {@code http://} URLs (the certificate flags then do
     * nothing), else TLS that verifies the servers against {@code caFile} (the JDK's CAs without it) and presents
     * {@code certFile}/{@code keyFile} (PEM; PKCS#1, PKCS#8 or SEC1 keys) when given. Mixed schemes are refused.
     */
    public static SslContext sslContext(String[] endpoints, Optional<String> caFile, Optional<String> certFile,
            Optional<String> keyFile) {
        long https = Arrays.stream(endpoints).filter(e -> e.startsWith("https://")).count();
        if (https == 0) {
            if (caFile.isPresent() || certFile.isPresent() || keyFile.isPresent()) {
                LOG.warnf("--etcd-cafile/--etcd-certfile/--etcd-keyfile are ignored: --etcd-servers=%s is not https://",
                        String.join(",", endpoints));
            }
            return null;
        }
        if (https != endpoints.length) {
            throw new IllegalArgumentException("--etcd-servers mixes http:// and https:// URLs: "
                    + String.join(",", endpoints));
        }
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("--etcd-certfile and --etcd-keyfile go together");
        }
        try {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (caFile.isPresent()) {
                b.trustManager(Pem.certificates(Path.of(caFile.get())));
            }
            if (certFile.isPresent()) {
                b.keyManager(Pem.privateKey(Path.of(keyFile.get())),
                        Pem.certificates(Path.of(certFile.get())).toArray(X509Certificate[]::new));
            }
            return b.build();
        } catch (IOException e) {
            throw new IllegalArgumentException("etcd client TLS: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        client.close();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    private static StoredValue value(KeyValue kv) {
        return new StoredValue(kv.getKey().toString(UTF_8), kv.getValue().getBytes(), kv.getModRevision(),
                kv.getCreateRevision());
    }

    public CompletableFuture<Optional<StoredValue>> get(String key) {
        return kv.get(bytes(key)).thenApply(r -> r.getKvs().isEmpty() ? Optional.empty() : Optional.of(value(r.getKvs().get(0))));
    }

    /** All keys under {@code prefix} at the current revision. */
    public CompletableFuture<ListResult> list(String prefix) {
        return kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build()).thenApply(EtcdStore::listResult);
    }

    /**
     * At most {@code limit} keys (0: all) from {@code startKey} up to the end of {@code prefix}, at {@code revision}
     * (0: the newest). A revision that was compacted fails with {@link CompactedRevision}.
     */
    public CompletableFuture<Page> range(String prefix, String startKey, long limit, long revision) {
        GetOption.Builder option = GetOption.builder().withRange(bytes(prefixEnd(prefix)));
        if (limit > 0) {
            option.withLimit(limit);
        }
        if (revision > 0) {
            option.withRevision(revision);
        }
        return kv.get(bytes(startKey), option.build()).handle((r, t) -> {
            if (t != null) {
                Throwable cause = t;
                while (cause != null) {
                    if (cause.getMessage() != null && cause.getMessage().contains("required revision has been compacted")) {
                        throw new CompactedRevision(revision);
                    }
                    cause = cause.getCause();
                }
                throw t instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(t);
            }
            List<StoredValue> items = new ArrayList<>(r.getKvs().size());
            for (KeyValue k : r.getKvs()) {
                items.add(value(k));
            }
            return new Page(items, r.getHeader().getRevision(), r.isMore(), r.getCount());
        });
    }

    /** The first key after every key that starts with {@code prefix} (the prefix with its last byte incremented). */
    static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    /** A read at a revision the store has compacted away. */
    public static final class CompactedRevision extends RuntimeException {
        private final long revision;

        public CompactedRevision(long revision) {
            super("required revision " + revision + " has been compacted", null, false, false);
            this.revision = revision;
        }

        public long revision() {
            return revision;
        }
    }

    private static ListResult listResult(GetResponse r) {
        List<StoredValue> items = new ArrayList<>(r.getKvs().size());
        for (KeyValue k : r.getKvs()) {
            items.add(value(k));
        }
        return new ListResult(items, r.getHeader().getRevision());
    }

    /** The store's current revision. */
    public CompletableFuture<Long> revision() {
        return kv.get(bytes("/registry/kybernetes/revision-probe"), GetOption.builder().withCountOnly(true).build())
                .thenApply(r -> r.getHeader().getRevision());
    }

    /** Blocking probe used by the readiness check. */
    public boolean reachable() {
        try {
            revision().get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Puts {@code value} only if {@code key} does not exist. */
    public CompletableFuture<WriteResult> create(String key, byte[] value) {
        ByteSequence k = bytes(key);
        return kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit().thenApply(EtcdStore::writeResult);
    }

    /** Puts {@code value} only if {@code key} is still at {@code modRevision}. */
    public CompletableFuture<WriteResult> update(String key, byte[] value, long modRevision) {
        ByteSequence k = bytes(key);
        return kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit().thenApply(EtcdStore::writeResult);
    }

    /** Deletes {@code key} only if it is still at {@code modRevision}. */
    public CompletableFuture<WriteResult> delete(String key, long modRevision) {
        ByteSequence k = bytes(key);
        return kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit().thenApply(EtcdStore::writeResult);
    }

    /** Deletes every key under {@code prefix} (the objects of a deleted custom resource definition); the count. */
    public CompletableFuture<Long> deletePrefix(String prefix) {
        return kv.delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()).thenApply(r -> r.getDeleted());
    }

    /** Deletes {@code key} whatever its revision (used for bookkeeping keys such as allocated IPs). */
    public CompletableFuture<Void> deleteKey(String key) {
        return kv.delete(bytes(key)).thenApply(r -> null);
    }

    private static WriteResult writeResult(TxnResponse r) {
        long rev = r.getHeader().getRevision();
        if (r.isSucceeded()) {
            return new WriteResult(true, rev, Optional.empty());
        }
        Optional<StoredValue> current = r.getGetResponses().isEmpty() || r.getGetResponses().get(0).getKvs().isEmpty()
                ? Optional.empty()
                : Optional.of(value(r.getGetResponses().get(0).getKvs().get(0)));
        return new WriteResult(false, rev, current);
    }

    /** Watches every key under {@code prefix} from {@code fromRevision} (inclusive). Close the result to stop. */
    public AutoCloseable watch(String prefix, long fromRevision, WatchSink sink) {
        WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(fromRevision).build();
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(prefix), option, Watch.listener(response -> {
            for (WatchEvent e : response.getEvents()) {
                KeyValue cur = e.getKeyValue();
                KeyValue prev = e.getPrevKV();
                StoredValue prevValue = prev == null || prev.getKey().isEmpty() ? null : value(prev);
                if (e.getEventType() == WatchEvent.EventType.DELETE) {
                    sink.onChange(null, prevValue, cur.getModRevision(), true);
                } else if (e.getEventType() == WatchEvent.EventType.PUT) {
                    sink.onChange(value(cur), prevValue, cur.getModRevision(), false);
                }
            }
        }, error -> {
            Throwable cause = error;
            while (cause != null && !(cause instanceof CompactedException)) {
                cause = cause.getCause();
            }
            if (cause instanceof CompactedException c) {
                sink.onCompacted(c.getCompactedRevision());
            } else {
                sink.onError(error);
            }
        }));
        return watcher::close;
    }
}
