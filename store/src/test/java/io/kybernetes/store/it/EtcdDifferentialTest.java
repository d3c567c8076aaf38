package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One ordered table of cases (etcdctl 3.4 command lines and raw gRPC calls) run against a real etcd 3.4 (started
 * here on free ports) and against the store; each case's answer must be the same on both sides once member
 * identities and raft terms are dropped and revisions are taken relative to where each side started. Errors
 * compare as gRPC code plus message.
 */
@QuarkusTest
@QuarkusTestResource(value = StoreTestResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdDifferentialTest {

    /**
     * Dropped from etcdctl's JSON: member identities and the raft term, plus what only describes the engine
     * underneath (bbolt sizes, raft log indexes: etcd's count raft entries, the store has no raft log).
     */
    private static final Set<String> IDENTITY = Set.of("cluster_id", "member_id", "raft_term", "ID", "leader",
            "dbSize", "dbSizeInUse", "raftIndex", "raftAppliedIndex", "raftTerm");
    private static final Set<String> REVISIONS = Set.of("revision", "create_revision", "mod_revision",
            "compact_revision");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEXT_IDENTITY = Pattern.compile("(?m)^\\s*(cluster_id|member_id|raft_term): \\d+\\n");
    private static final Pattern TEXT_REVISION = Pattern.compile("(?m)^(\\s*)(revision|create_revision|mod_revision|compact_revision): (\\d+)$");

    /** One endpoint under test: etcdctl and raw gRPC stubs, and the revision it stood at before the first case. */
    static final class Side {
        final Etcdctl ctl;
        final ManagedChannel channel;
        final KVGrpc.KVBlockingStub kv;
        final LeaseGrpc.LeaseBlockingStub lease;
        final MaintenanceGrpc.MaintenanceBlockingStub maintenance;
        final ClusterGrpc.ClusterBlockingStub cluster;
        long base;

        Side(String endpoint) {
            ctl = new Etcdctl(endpoint);
            channel = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
            kv = KVGrpc.newBlockingStub(channel);
            lease = LeaseGrpc.newBlockingStub(channel);
            maintenance = MaintenanceGrpc.newBlockingStub(channel);
            cluster = ClusterGrpc.newBlockingStub(channel);
        }

        long rev(long relative) {
            return base + relative;
        }

        /** An etcdctl run: JSON answers normalised, other output (errors) as text. */
        String ctl(String... cmd) throws Exception {
            List<String> args = new ArrayList<>();
            for (String a : cmd) {
                int i = a.indexOf("R+");
                args.add(i < 0 ? a : a.substring(0, i) + (base + Long.parseLong(a.substring(i + 2))));
            }
            return normalize(ctl.run(args.toArray(String[]::new)).out(), base).toString();
        }

        String ctlInput(String stdin, String... cmd) throws Exception {
            return normalize(ctl.runWithInput(stdin, cmd).out(), base).toString();
        }

        /** A protobuf answer as text, identities dropped, revisions relative. */
        String text(MessageOrBuilder m) {
            String t = TEXT_IDENTITY.matcher(m.toString()).replaceAll("");
            Matcher r = TEXT_REVISION.matcher(t);
            StringBuilder out = new StringBuilder();
            while (r.find()) {
                long v = Long.parseLong(r.group(3));
                r.appendReplacement(out, r.group(1) + r.group(2) + ": " + (v == 0 ? "0" : "R+" + (v - base)));
            }
            r.appendTail(out);
            return out.toString();
        }

        WatchSession watch() {
            return new WatchSession(this);
        }
    }

    /** One Watch stream; responses are collected as they come. */
    static final class WatchSession implements AutoCloseable {
        private final Side side;
        private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        private final StreamObserver<WatchRequest> requests;

        WatchSession(Side side) {
            this.side = side;
            requests = WatchGrpc.newStub(side.channel).watch(new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse value) {
                    responses.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    responses.add(t);
                }

                @Override
                public void onCompleted() {
                }
            });
        }

        WatchSession create(WatchCreateRequest.Builder create) {
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            return this;
        }

        WatchSession cancel(long id) {
            requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
            return this;
        }

        WatchSession progress() {
            requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
            return this;
        }

        /** The next {@code n} responses as normalised text. */
        String take(int n) throws InterruptedException {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                Object r = responses.poll(10, TimeUnit.SECONDS);
                if (r == null) {
                    return out + "TIMEOUT after " + i + " responses";
                }
                out.append(r instanceof WatchResponse w ? side.text(w) : "ERR " + r).append("----\n");
            }
            return out.toString();
        }

        /**
         * Responses until {@code events} events have come, one line each: revision, event types and keys,
         * whether prev_kv is there, the fragment flag (WatchResponse field 7), without the values.
         */
        String outline(int events) throws InterruptedException {
            StringBuilder out = new StringBuilder();
            int seen = 0;
            while (seen < events) {
                Object r = responses.poll(10, TimeUnit.SECONDS);
                if (r == null) {
                    return out + "TIMEOUT after " + seen + " events";
                }
                if (!(r instanceof WatchResponse w)) {
                    return out + "ERR " + r;
                }
                seen += w.getEventsCount();
                out.append("rev R+").append(w.getHeader().getRevision() - side.base).append(" fragment=")
                        .append(w.getUnknownFields().hasField(7)).append(':');
                for (io.etcd.jetcd.api.Event e : w.getEventsList()) {
                    out.append(' ').append(e.getType()).append(' ').append(e.getKv().getKey().toStringUtf8())
                            .append(e.hasPrevKv() ? "+prev" : "");
                }
                out.append('\n');
            }
            return out.toString();
        }

        /** Responses until {@code events} events have come (event batching must match too). */
        String events(int events) throws InterruptedException {
            StringBuilder out = new StringBuilder();
            int seen = 0;
            while (seen < events) {
                Object r = responses.poll(10, TimeUnit.SECONDS);
                if (r == null) {
                    return out + "TIMEOUT after " + seen + " events";
                }
                if (r instanceof WatchResponse w) {
                    seen += w.getEventsCount();
                    out.append(side.text(w)).append("----\n");
                } else {
                    return out + "ERR " + r;
                }
            }
            return out.toString();
        }

        @Override
        public void close() {
            requests.onCompleted();
        }
    }

    @FunctionalInterface
    interface Step {
        String run(Side s) throws Exception;
    }

    record Case(String name, Step step) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Process etcd;
    private Path etcdDir;
    private Side real;
    private Side ours;

    @BeforeAll
    void startEtcd() throws Exception {
        etcdDir = Files.createTempDirectory("store-it-etcd-");
        int client = StoreTestResource.freePort();
        int peer = StoreTestResource.freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        etcd = new ProcessBuilder("etcd", "--name", "default", "--data-dir", etcdDir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "default=" + peerUrl)
                .redirectErrorStream(true)
                .redirectOutput(etcdDir.resolve("etcd.log").toFile())
                .start();
        real = new Side("127.0.0.1:" + client);
        ours = new Side("127.0.0.1:" + StoreTestResource.grpcPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (real.ctl.run("endpoint", "health").exit() != 0) {
            if (System.nanoTime() > deadline || !etcd.isAlive()) {
                throw new AssertionError("etcd did not start: " + Files.readString(etcdDir.resolve("etcd.log")));
            }
            Thread.sleep(200);
        }
        for (Side s : List.of(real, ours)) {
            s.base = s.kv.range(RangeRequest.newBuilder().setKey(bs("/d/none")).build()).getHeader().getRevision();
        }
    }

    @AfterAll
    void stopEtcd() throws Exception {
        for (Side s : new Side[] {real, ours}) {
            if (s != null) {
                s.channel.shutdownNow();
            }
        }
        if (etcd != null) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
            }
        }
        StoreTestResource.deleteTree(etcdDir);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void sameAnswerAsEtcd(Case c) throws Exception {
        String want = answer(c, real);
        String got = answer(c, ours);
        assertEquals(want, got, c.name());
    }

    private static String answer(Case c, Side s) throws Exception {
        try {
            return c.step().run(s);
        } catch (StatusRuntimeException e) {
            return "ERR " + e.getStatus().getCode() + " " + e.getStatus().getDescription();
        }
    }

    static Stream<Case> cases() {
        List<Case> t = new ArrayList<>();
        // ---- Put / Range through etcdctl (R+1 .. R+6)
        t.add(ctl("put a", "put", "/d/a", "1", "-w", "json"));
        t.add(ctl("put a with prev-kv", "put", "/d/a", "2", "--prev-kv", "-w", "json"));
        t.add(ctl("put b", "put", "/d/b", "3", "-w", "json"));
        t.add(ctl("put c", "put", "/d/c", "0", "-w", "json"));
        t.add(ctl("put d", "put", "/d/d", "4", "-w", "json"));
        t.add(ctl("put a third time", "put", "/d/a", "5", "-w", "json"));
        t.add(ctl("get prefix", "get", "/d/", "--prefix", "-w", "json"));
        t.add(ctl("get at old revision", "get", "/d/a", "--rev=R+1", "-w", "json"));
        t.add(ctl("get prefix at old revision", "get", "/d/", "--prefix", "--rev=R+3", "-w", "json"));
        t.add(ctl("get limit (more)", "get", "/d/", "--prefix", "--limit=2", "-w", "json"));
        t.add(ctl("get limit equal to count", "get", "/d/", "--prefix", "--limit=4", "-w", "json"));
        t.add(ctl("get print-value-only", "get", "/d/", "--prefix", "--print-value-only"));
        t.add(ctl("get keys-only", "get", "/d/", "--prefix", "--keys-only", "-w", "json"));
        t.add(ctl("sort by value descending", "get", "/d/", "--prefix", "--sort-by=VALUE", "--order=DESCEND", "-w", "json"));
        t.add(ctl("sort by modify", "get", "/d/", "--prefix", "--sort-by=MODIFY", "-w", "json"));
        t.add(ctl("sort by create descending", "get", "/d/", "--prefix", "--sort-by=CREATE", "--order=DESCEND", "-w", "json"));
        t.add(ctl("sort by key descending", "get", "/d/", "--prefix", "--order=DESCEND", "-w", "json"));
        t.add(ctl("sort by version", "get", "/d/", "--prefix", "--sort-by=VERSION", "-w", "json"));
        t.add(ctl("sort with limit", "get", "/d/", "--prefix", "--sort-by=VALUE", "--limit=2", "-w", "json"));
        t.add(ctl("range with end", "get", "/d/a", "/d/c", "-w", "json"));
        t.add(ctl("missing key", "get", "/d/zz", "-w", "json"));
        t.add(ctl("serializable get", "get", "/d/a", "--consistency=s", "-w", "json"));
        t.add(ctl("future revision", "get", "/d/a", "--rev=R+1000"));
        t.add(ctl("plain output", "get", "/d/", "--prefix"));
        t.add(ctl("put ignore-value", "put", "/d/b", "--ignore-value", "-w", "json"));
        t.add(ctl("put ignore-value on a missing key", "put", "/d/nokey", "--ignore-value"));
        t.add(ctl("put ~ keys for from-key", "put", "~d/x", "1"));
        t.add(ctl("put ~ keys for from-key 2", "put", "~d/y", "2"));
        t.add(ctl("from-key", "get", "~d/", "--from-key", "-w", "json"));
        // ---- Range through raw gRPC
        t.add(kv("range min_mod_revision", s -> s.text(s.kv.range(prefix("/d/").setMinModRevision(s.rev(3)).build()))));
        t.add(kv("range max_mod_revision", s -> s.text(s.kv.range(prefix("/d/").setMaxModRevision(s.rev(3)).build()))));
        t.add(kv("range min_create_revision", s -> s.text(s.kv.range(prefix("/d/").setMinCreateRevision(s.rev(3)).build()))));
        t.add(kv("range max_create_revision", s -> s.text(s.kv.range(prefix("/d/").setMaxCreateRevision(s.rev(3)).build()))));
        t.add(kv("range \\0 end (from key)", s -> s.text(s.kv.range(RangeRequest.newBuilder().setKey(bs("~d/"))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0})).build()))));
        t.add(kv("range count with limit", s -> s.text(s.kv.range(prefix("/d/").setLimit(1).setCountOnly(false).build()))));
        t.add(kv("range empty key", s -> s.text(s.kv.range(RangeRequest.newBuilder().build()))));
        t.add(kv("range end before key", s -> s.text(s.kv.range(RangeRequest.newBuilder().setKey(bs("/d/c"))
                .setRangeEnd(bs("/d/a")).build()))));
        t.add(kv("range sort target without order", s -> s.text(s.kv.range(prefix("/d/")
                .setSortTarget(RangeRequest.SortTarget.MOD).build()))));
        t.add(kv("range serializable with revision", s -> s.text(s.kv.range(prefix("/d/").setSerializable(true)
                .setRevision(s.rev(2)).build()))));
        t.add(kv("range keys_only and count_only", s -> s.text(s.kv.range(prefix("/d/").setKeysOnly(true)
                .setCountOnly(true).build()))));
        // ---- Put / DeleteRange through raw gRPC (R+9 ..)
        t.add(kv("put empty key", s -> s.text(s.kv.put(PutRequest.newBuilder().setValue(bs("v")).build()))));
        t.add(kv("put with unknown lease", s -> s.text(s.kv.put(put("/d/e", "v").setLease(777).build()))));
        t.add(kv("put prev_kv on a new key", s -> s.text(s.kv.put(put("/d/e", "v").setPrevKv(true).build()))));
        t.add(kv("put ignore_lease without lease", s -> s.text(s.kv.put(put("/d/e", "w").setIgnoreLease(true).build()))));
        t.add(kv("put ignore_value with a value", s -> s.text(s.kv.put(put("/d/e", "w").setIgnoreValue(true).build()))));
        t.add(kv("put of 1.6 MiB: request too large", s -> s.text(s.kv.put(put("/d/big", "x".repeat(1_600_000)).build()))));
        t.add(kv("put of 3 MiB: over the gRPC limit", s -> {
            try {
                return s.text(s.kv.put(put("/d/big", "x".repeat(3_000_000)).build()));
            } catch (StatusRuntimeException e) {
                // the message names etcd's exact byte limit; the code is what clients act on
                return "ERR " + e.getStatus().getCode();
            }
        }));
        t.add(kv("delete prev_kv", s -> s.text(s.kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/d/e"))
                .setPrevKv(true).build()))));
        t.add(kv("delete missing", s -> s.text(s.kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/d/e")).build()))));
        t.add(kv("delete empty key", s -> s.text(s.kv.deleteRange(DeleteRangeRequest.newBuilder().build()))));
        t.add(ctl("del with prev-kv", "del", "/d/d", "--prev-kv", "-w", "json"));
        t.add(ctl("get a deleted key at its old revision", "get", "/d/d", "--rev=R+5", "-w", "json"));
        t.add(ctl("del range", "del", "~d/", "--from-key", "-w", "json"));
        // ---- Txn
        t.add(txn("txn version equal", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL, 3));
        t.add(txn("txn version greater", Compare.CompareTarget.VERSION, Compare.CompareResult.GREATER, 1));
        t.add(txn("txn version less", Compare.CompareTarget.VERSION, Compare.CompareResult.LESS, 1));
        t.add(txn("txn version not equal", Compare.CompareTarget.VERSION, Compare.CompareResult.NOT_EQUAL, 3));
        t.add(txn("txn create equal", Compare.CompareTarget.CREATE, Compare.CompareResult.EQUAL, 0));
        t.add(txn("txn mod greater", Compare.CompareTarget.MOD, Compare.CompareResult.GREATER, -2));
        t.add(txn("txn mod less", Compare.CompareTarget.MOD, Compare.CompareResult.LESS, -1));
        t.add(txn("txn value equal", Compare.CompareTarget.VALUE, Compare.CompareResult.EQUAL, 0));
        t.add(txn("txn value greater", Compare.CompareTarget.VALUE, Compare.CompareResult.GREATER, 0));
        t.add(txn("txn lease equal 0", LEASE, Compare.CompareResult.EQUAL, 0));
        t.add(kv("txn compare on a missing key (create 0)", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bs("/d/new")).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                .addSuccess(putOp("/d/new", "n")).addFailure(getOp("/d/new")).build()))));
        t.add(kv("txn compare with range_end", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bs("/d/")).setRangeEnd(bs("/d0")).setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.GREATER).setVersion(0))
                .addSuccess(getOp("/d/a")).build()))));
        t.add(kv("txn nested", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
                        .addCompare(Compare.newBuilder().setKey(bs("/d/a")).setTarget(Compare.CompareTarget.VALUE)
                                .setResult(Compare.CompareResult.EQUAL).setValue(bs("nope")))
                        .addSuccess(putOp("/d/n1", "x")).addFailure(putOp("/d/n2", "y")).addFailure(getOp("/d/n2"))))
                .addSuccess(putOp("/d/n3", "z")).build()))));
        t.add(kv("txn duplicate put", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("/d/dup", "1")).addSuccess(putOp("/d/dup", "2")).build()))));
        t.add(kv("txn put and delete of one key", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("/d/dup", "1")).addSuccess(RequestOp.newBuilder().setRequestDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(bs("/d/")).setRangeEnd(bs("/d0")))).build()))));
        t.add(kv("txn duplicate through a nested txn", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("/d/dup", "1")).addSuccess(RequestOp.newBuilder().setRequestTxn(
                        TxnRequest.newBuilder().addSuccess(putOp("/d/dup", "2")))).build()))));
        t.add(kv("txn same key in success and failure", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("/d/dup", "1")).addFailure(putOp("/d/dup", "2")).build()))));
        t.add(kv("txn put and get of one key", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("/d/dup", "1")).addSuccess(getOp("/d/dup")).build()))));
        t.add(kv("txn too many ops", s -> {
            TxnRequest.Builder b = TxnRequest.newBuilder();
            for (int i = 0; i < 129; i++) {
                b.addSuccess(putOp("/d/many/" + i, "v"));
            }
            return s.text(s.kv.txn(b.build()));
        }));
        t.add(kv("txn empty key in an op", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("", "v")).build()))));
        t.add(kv("txn with unknown lease", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("/d/l", "v").setLease(4242))).build()))));
        t.add(kv("txn empty", s -> s.text(s.kv.txn(TxnRequest.newBuilder().build()))));
        t.add(new Case("etcdctl txn create/put", s -> s.ctlInput(
                "create(\"/d/t\") = \"0\"\n\nput /d/t v1\n\nget /d/t\n\n", "txn", "-w", "json")));
        t.add(new Case("etcdctl txn value", s -> s.ctlInput(
                "value(\"/d/t\") = \"v1\"\n\nput /d/t v2\nget /d/t\n\nget /d/t\n\n", "txn", "-w", "json")));
        t.add(new Case("etcdctl txn failure branch", s -> s.ctlInput(
                "version(\"/d/t\") > \"5\"\n\nput /d/t v3\n\ndel /d/t\nget /d/t\n\n", "txn", "-w", "json")));
        // ---- Watch
        t.add(kv("watch history of one key with prev_kv", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a")).setStartRevision(s.rev(1)).setPrevKv(true))
                        .events(3);
            }
        }));
        t.add(kv("watch history of a prefix", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/")).setRangeEnd(bs("/d0"))
                        .setStartRevision(s.rev(1))).events(8);
            }
        }));
        t.add(kv("watch history with NOPUT", s -> {
            try (WatchSession w = s.watch()) {
                String created = w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/")).setRangeEnd(bs("/d0"))
                        .setStartRevision(s.rev(1)).addFilters(WatchCreateRequest.FilterType.NOPUT)).events(1);
                return created;
            }
        }));
        t.add(kv("watch history with NODELETE", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/d")).setStartRevision(s.rev(1))
                        .addFilters(WatchCreateRequest.FilterType.NODELETE)).events(1);
            }
        }));
        t.add(kv("watch from now, then writes", s -> {
            try (WatchSession w = s.watch()) {
                String created = w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/w"))).take(1);
                s.kv.put(put("/d/w", "1").build());
                s.kv.put(put("/d/w", "2").build());
                s.kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/d/w")).build());
                return created + w.events(3);
            }
        }));
        t.add(kv("watch future start revision", s -> {
            long now = s.kv.range(RangeRequest.newBuilder().setKey(bs("/d/w")).build()).getHeader().getRevision();
            try (WatchSession w = s.watch()) {
                String created = w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/w")).setStartRevision(now + 2)).take(1);
                s.kv.put(put("/d/w", "skipped").build());
                s.kv.put(put("/d/w", "seen").build());
                return created + w.events(1);
            }
        }));
        t.add(kv("two watches on one stream", s -> {
            try (WatchSession w = s.watch()) {
                String created = w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/w1"))).take(1)
                        + w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/w2"))).take(1);
                s.kv.put(put("/d/w2", "2").build());
                s.kv.put(put("/d/w1", "1").build());
                return created + w.events(2);
            }
        }));
        t.add(kv("watch with a chosen id", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a")).setUnknownFields(varint(7, 7))).take(1);
            }
        }));
        t.add(kv("watch cancel", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a"))).take(1) + w.cancel(0).take(1);
            }
        }));
        t.add(kv("watch progress request", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a")).setProgressNotify(true)).take(1)
                        + w.progress().take(1);
            }
        }));
        t.add(kv("watch fragment", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a")).setStartRevision(s.rev(1))
                        .setUnknownFields(varint(8, 1))).events(3);
            }
        }));
        for (boolean fragment : new boolean[] {true, false}) {
            // a delete of 4 keys of 600 KiB with prev_kv is one revision of about 2.4 MiB, over etcd's 2 MiB (1.5 MiB
            // request limit plus gRPC overhead) at which it splits a fragmenting watcher's response
            t.add(kv("watch " + (fragment ? "with" : "without") + " fragment: a revision over the request limit", s -> {
                String big = "x".repeat(600 * 1024);
                String prefix = "/frag" + fragment + "/";
                try (WatchSession w = s.watch()) {
                    WatchCreateRequest.Builder c = WatchCreateRequest.newBuilder().setKey(bs(prefix))
                            .setRangeEnd(bs(prefix.substring(0, prefix.length() - 1) + "0")).setPrevKv(true);
                    if (fragment) {
                        c.setUnknownFields(varint(8, 1));
                    }
                    String created = w.create(c).take(1);
                    for (int i = 0; i < 4; i++) {
                        s.kv.put(put(prefix + i, big).build());
                    }
                    s.kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(c.getKey()).setRangeEnd(c.getRangeEnd()).build());
                    return created + w.outline(8);
                }
            }));
        }
        t.add(kv("watch prev_kv on live deletes", s -> {
            try (WatchSession w = s.watch()) {
                String created = w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/pk")).setPrevKv(true)).take(1);
                s.kv.put(put("/d/pk", "1").build());
                s.kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/d/pk")).build());
                return created + w.events(2);
            }
        }));
        t.add(new Case("etcdctl watch replay", s -> {
            try (Etcdctl.Running watch = s.ctl.start("watch", "/d/a", "--rev=" + s.rev(1), "--prev-kv", "-w", "json")) {
                return normalize(watch.take(1).get(0), s.base).toString();
            }
        }));
        // ---- Compaction
        t.add(kv("compact", s -> s.text(s.kv.compact(CompactionRequest.newBuilder().setRevision(s.rev(4)).setPhysical(true).build()))));
        t.add(ctl("get a compacted revision", "get", "/d/a", "--rev=R+2"));
        t.add(ctl("get at the compaction revision", "get", "/d/", "--prefix", "--rev=R+4", "-w", "json"));
        t.add(kv("compact again at the same revision", s -> s.text(s.kv.compact(CompactionRequest.newBuilder().setRevision(s.rev(4)).build()))));
        t.add(kv("compact an older revision", s -> s.text(s.kv.compact(CompactionRequest.newBuilder().setRevision(s.rev(2)).build()))));
        t.add(kv("compact a future revision", s -> s.text(s.kv.compact(CompactionRequest.newBuilder().setRevision(s.rev(100_000)).build()))));
        t.add(ctl("etcdctl compaction", "compaction", "R+5"));
        t.add(kv("watch from a compacted revision", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a")).setStartRevision(s.rev(2))).take(2);
            }
        }));
        t.add(kv("watch from the compaction revision", s -> {
            try (WatchSession w = s.watch()) {
                return w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/a")).setStartRevision(s.rev(5))).take(2);
            }
        }));
        // ---- Lease (chosen IDs so both sides agree)
        t.add(kv("lease grant with id", s -> s.text(s.lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1d1).setTTL(60).build()))));
        t.add(kv("lease grant same id", s -> s.text(s.lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1d1).setTTL(60).build()))));
        t.add(kv("lease grant second", s -> s.text(s.lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1d2).setTTL(120).build()))));
        t.add(kv("put with lease", s -> s.text(s.kv.put(put("/d/l1", "v").setLease(0x1d1).build()))));
        t.add(kv("put with lease, second key", s -> s.text(s.kv.put(put("/d/l2", "v").setLease(0x1d1).build()))));
        t.add(kv("put ignore_lease keeps the lease", s -> s.text(s.kv.put(put("/d/l2", "w").setIgnoreLease(true).build()))
                + s.text(s.kv.range(RangeRequest.newBuilder().setKey(bs("/d/l2")).build()))));
        t.add(kv("put ignore_lease with a lease", s -> s.text(s.kv.put(put("/d/l2", "w").setIgnoreLease(true).setLease(0x1d1).build()))));
        t.add(kv("txn compare lease", s -> s.text(s.kv.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bs("/d/l1")).setTargetValue(4)
                        .setResult(Compare.CompareResult.EQUAL).setUnknownFields(varint(8, 0x1d1)))
                .addSuccess(getOp("/d/l1")).build()))));
        t.add(kv("lease time-to-live with keys", s -> ttl(s.lease.leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(0x1d1).setKeys(true).build()))));
        t.add(kv("lease time-to-live without keys", s -> ttl(s.lease.leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(0x1d2).build()))));
        t.add(kv("lease time-to-live unknown", s -> ttl(s.lease.leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(0x999).build()))));
        t.add(kv("leases", s -> leases(s).stream().filter(l -> l >= 0x1d0 && l < 0x1e0).map(Long::toHexString).sorted()
                .toList().toString()));
        t.add(kv("lease keepalive", s -> keepAlive(s, 0x1d2)));
        t.add(kv("lease keepalive unknown", s -> keepAlive(s, 0x998)));
        t.add(kv("lease revoke", s -> s.text(s.lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x1d1).build()))));
        t.add(ctl("keys of a revoked lease are gone", "get", "/d/l", "--prefix", "-w", "json"));
        t.add(kv("lease revoke again", s -> s.text(s.lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x1d1).build()))));
        t.add(kv("put with a revoked lease", s -> s.text(s.kv.put(put("/d/l1", "v").setLease(0x1d1).build()))));
        t.add(kv("lease grant negative ttl", s -> s.text(s.lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1d3).setTTL(-5).build()))));
        t.add(kv("lease expiry deletes keys as delete events", s -> {
            String grant = s.text(s.lease.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1d4).setTTL(1).build()));
            s.kv.put(put("/d/exp", "v").setLease(0x1d4).build());
            try (WatchSession w = s.watch()) {
                return grant + w.create(WatchCreateRequest.newBuilder().setKey(bs("/d/exp")).setPrevKv(true)).take(1) + w.events(1);
            }
        }));
        t.add(ctl("etcdctl lease timetolive unknown", "lease", "timetolive", "999"));
        t.add(ctl("etcdctl lease revoke unknown", "lease", "revoke", "abc"));
        t.add(ctl("etcdctl lease keep-alive unknown", "lease", "keep-alive", "--once", "abc"));
        // ---- Maintenance / Cluster
        t.add(kv("status", s -> {
            StatusResponse st = s.maintenance.status(StatusRequest.getDefaultInstance());
            return st.getVersion() + " leader=self:" + (st.getLeader() == st.getHeader().getMemberId())
                    + " learner=" + st.getUnknownFields().getField(10).getVarintList()
                    + " errors=" + st.getUnknownFields().getField(8).getLengthDelimitedList()
                    + " dbSize>0:" + (st.getDbSize() > 0) + " index>0:" + (st.getRaftIndex() > 0);
        }));
        t.add(kv("alarm list", s -> s.text(s.maintenance.alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.GET).build()))));
        t.add(kv("defragment", s -> s.text(s.maintenance.defragment(DefragmentRequest.getDefaultInstance()))));
        t.add(kv("hashkv compact revision", s -> "compact=R+" + (s.maintenance.hashKV(HashKVRequest.getDefaultInstance())
                .getCompactRevision() - s.base)));
        t.add(kv("member list", s -> {
            var members = s.cluster.memberList(MemberListRequest.getDefaultInstance());
            return members.getMembersCount() + " " + members.getMembers(0).getName() + " learner="
                    + members.getMembers(0).getIsLearner() + " clientURLs=" + members.getMembers(0).getClientURLsCount()
                    + " self=" + (members.getMembers(0).getID() == members.getHeader().getMemberId());
        }));
        t.add(ctl("etcdctl endpoint health", "endpoint", "health"));
        t.add(ctl("etcdctl endpoint status", "endpoint", "status", "-w", "json"));
        t.add(ctl("etcdctl member list", "member", "list", "-w", "json"));
        t.add(ctl("etcdctl alarm list", "alarm", "list"));
        t.add(ctl("etcdctl defrag", "defrag"));
        t.add(ctl("last: prefix after everything", "get", "/d/", "--prefix", "-w", "json"));
        return t.stream();
    }

    private static Case ctl(String name, String... cmd) {
        return new Case(name, s -> s.ctl(cmd));
    }

    private static Case kv(String name, Step step) {
        return new Case(name, step);
    }

    /** A txn comparing /d/a (value "5", version 3, created R+1, modified R+6) against a value near its own. */
    private static Case txn(String name, Compare.CompareTarget target, Compare.CompareResult result, long delta) {
        return new Case(name, s -> {
            Compare.Builder c = Compare.newBuilder().setKey(bs("/d/a")).setResult(result);
            if (target == LEASE) {
                c.setTargetValue(4).setUnknownFields(varint(8, 0));
            } else switch (c.setTarget(target).getTarget()) {
                case VERSION -> c.setVersion(delta);
                case CREATE -> c.setCreateRevision(s.rev(1));
                case MOD -> c.setModRevision(s.rev(6) + delta);
                case VALUE -> c.setValue(bs(result == Compare.CompareResult.GREATER ? "4" : "5"));
                default -> throw new IllegalArgumentException(target.toString());
            }
            return s.text(s.kv.txn(TxnRequest.newBuilder().addCompare(c)
                    .addSuccess(getOp("/d/a")).addFailure(getOp("/d/b")).build()));
        });
    }

    private static final Compare.CompareTarget LEASE = null; // LEASE (4) is unknown to the bundled proto

    private static UnknownFieldSet varint(int field, long value) {
        return UnknownFieldSet.newBuilder().addField(field, UnknownFieldSet.Field.newBuilder().addVarint(value).build()).build();
    }

    /** LeaseLeases is missing from jetcd-grpc's proto: called with raw bytes, answer decoded field by field. */
    private static List<Long> leases(Side s) throws Exception {
        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(LeaseGrpc.SERVICE_NAME, "LeaseLeases"))
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        byte[] answer = ClientCalls.blockingUnaryCall(s.channel, m, CallOptions.DEFAULT, new byte[0]);
        List<Long> ids = new ArrayList<>();
        for (ByteString l : UnknownFieldSet.parseFrom(answer).getField(2).getLengthDelimitedList()) {
            ids.addAll(UnknownFieldSet.parseFrom(l).getField(1).getVarintList());
        }
        return ids;
    }

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    private static String ttl(LeaseTimeToLiveResponse r) {
        // the remaining TTL ticks with the clock: compare whether it is live, not the exact second; etcd lists a
        // lease's keys from a Go map, in no fixed order, so they compare as a sorted list
        return "ID=" + r.getID() + " granted=" + r.getGrantedTTL() + " live=" + (r.getTTL() > 0 ? "yes" : r.getTTL())
                + " keys=" + r.getKeysList().stream().map(k -> k.toStringUtf8()).sorted().toList();
    }

    private static String keepAlive(Side s, long id) throws InterruptedException {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> req = LeaseGrpc.newStub(s.channel).leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                got.add(value);
            }

            @Override
            public void onError(Throwable t) {
                got.add(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        req.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
        Object r = got.poll(10, TimeUnit.SECONDS);
        req.onCompleted();
        return r instanceof LeaseKeepAliveResponse k ? s.text(k) : "ERR " + r;
    }

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static RangeRequest.Builder prefix(String p) {
        return RangeRequest.newBuilder().setKey(bs(p)).setRangeEnd(bs(p.substring(0, p.length() - 1) + (char) (p.charAt(p.length() - 1) + 1)));
    }

    private static PutRequest.Builder put(String k, String v) {
        return PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v));
    }

    private static RequestOp putOp(String k, String v) {
        return RequestOp.newBuilder().setRequestPut(put(k, v)).build();
    }

    private static RequestOp getOp(String k) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs(k))).build();
    }

    /** JSON answers lose identities and get relative revisions; other output (errors) is compared as text. */
    static JsonNode normalize(String out, long base) throws Exception {
        // drop the client's retry log lines (they embed a random client id and a time); keep the error itself
        String trimmed = out.replaceAll("(?m)^\\{\"level\".*$\\n?", "").trim()
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                .replaceAll("took = [0-9.]+[µm]?s", "took = T");
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return JSON.getNodeFactory().textNode(trimmed);
        }
        JsonNode node = JSON.readTree(trimmed);
        strip(node, base);
        return node;
    }

    private static void strip(JsonNode node, long base) {
        if (node instanceof ObjectNode o) {
            o.remove(IDENTITY);
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<String> revs = new ArrayList<>();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (REVISIONS.contains(e.getKey()) && e.getValue().isNumber()) {
                    revs.add(e.getKey());
                } else {
                    strip(e.getValue(), base);
                }
            }
            for (String r : revs) {
                long v = o.get(r).asLong();
                o.put(r, v == 0 ? 0 : v - base);
            }
        } else if (node.isArray()) {
            node.forEach(n -> strip(n, base));
        }
    }

    @org.junit.jupiter.api.Test
    void atLeastEightyCases() {
        long n = cases().count();
        System.out.println("etcd differential: " + n + " cases");
        assertTrue(n >= 80, n + " cases");
    }

    static {
        // etcdctl and etcd must be on PATH (Debian: etcd-client, etcd-server)
        for (String bin : List.of("etcd", "etcdctl")) {
            boolean found = false;
            for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
                found |= new File(dir, bin).canExecute();
            }
            if (!found) {
                throw new IllegalStateException(bin + " not found on PATH");
            }
        }
    }
}
