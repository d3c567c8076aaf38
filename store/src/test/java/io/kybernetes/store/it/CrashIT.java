package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * Crash durability, the packaged store and a real etcd 3.4 side by side: 8 writers put fresh keys for 20 s and
 * more, the server is killed with SIGKILL at a random moment, restarted on the same data; every write the server
 * acknowledged must be there with the revision it was acknowledged with, and the revisions must have no gap.
 */
class CrashIT {

    private static final int WRITERS = 8;
    private static final long RUN_MILLIS = 20_000;

    private Path dir;
    private Process process;

    @AfterEach
    void tearDown() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        StoreTestResource.deleteTree(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"store", "etcd"})
    void acknowledgedWritesSurviveKill9(String server) throws Exception {
        dir = Files.createTempDirectory("store-it-crash-" + server + "-");
        int client = StoreTestResource.freePort();
        int other = StoreTestResource.freePort();
        Function<Path, ProcessBuilder> command = "store".equals(server)
                ? data -> new ProcessBuilder("java", "-jar", System.getProperty("store.jar", "target/quarkus-app/quarkus-run.jar"),
                        "--data-dir=" + data, "--listen-client-urls=http://127.0.0.1:" + client,
                        "--listen-metrics-urls=http://127.0.0.1:" + other)
                : data -> new ProcessBuilder("etcd", "--name", "crash", "--data-dir", data.toString(),
                        "--listen-client-urls", "http://127.0.0.1:" + client,
                        "--advertise-client-urls", "http://127.0.0.1:" + client,
                        "--listen-peer-urls", "http://127.0.0.1:" + other,
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + other,
                        "--initial-cluster", "crash=http://127.0.0.1:" + other);
        Path data = dir.resolve("data");
        ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + client).usePlaintext()
                .maxInboundMessageSize(256 << 20).build();
        try {
            start(command.apply(data));
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
            long base = awaitReady(kv);

            Map<String, Long> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    for (int seq = 0; !stop.get(); seq++) {
                        String key = "/crash/" + id + "/" + seq;
                        try {
                            long rev = kv.withDeadlineAfter(5, TimeUnit.SECONDS).put(PutRequest.newBuilder()
                                    .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v" + seq))
                                    .build()).getHeader().getRevision();
                            acked.put(key, rev);
                        } catch (RuntimeException e) {
                            // not acknowledged: may or may not have been written
                        }
                    }
                }, "crash-writer-" + w);
                t.start();
                writers.add(t);
            }
            Thread.sleep(RUN_MILLIS + ThreadLocalRandom.current().nextLong(3_000));
            process.destroyForcibly(); // SIGKILL
            process.waitFor(10, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            int ackedCount = acked.size();
            assertTrue(ackedCount > 0, "no write was acknowledged");

            start(command.apply(data));
            awaitReady(kv);
            TreeMap<Long, String> present = new TreeMap<>();
            RangeResponse all = kv.withDeadlineAfter(60, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("/crash/")).setRangeEnd(ByteString.copyFromUtf8("/crash0"))
                    .setKeysOnly(true).build());
            for (KeyValue k : all.getKvsList()) {
                assertEquals(k.getCreateRevision(), k.getModRevision(), "each key is written once");
                present.put(k.getModRevision(), k.getKey().toStringUtf8());
            }
            int lost = 0;
            for (Map.Entry<String, Long> a : acked.entrySet()) {
                if (!a.getKey().equals(present.get(a.getValue()))) {
                    lost++;
                }
            }
            System.out.printf("%s crash test: %d writers, acked %d, lost %d (%d present after restart)%n",
                    server, WRITERS, ackedCount, lost, present.size());
            assertEquals(0, lost, "acknowledged writes lost");
            // no gap: the writes present are exactly the revisions base+1 .. current
            assertEquals(base + 1, present.firstKey());
            assertEquals(all.getHeader().getRevision(), present.lastKey());
            assertEquals(present.lastKey() - present.firstKey() + 1, present.size(), "gap in revisions");
        } finally {
            channel.shutdownNow();
        }
    }

    private void start(ProcessBuilder pb) throws Exception {
        process = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
                .start();
    }

    /** Waits until the server answers a read and returns its revision. */
    private long awaitReady(KVGrpc.KVBlockingStub kv) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return kv.withDeadlineAfter(2, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("/none")).build()).getHeader().getRevision();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("server did not start: " + Files.readString(dir.resolve("server.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }
}
