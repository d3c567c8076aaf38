package io.kybernetes.store.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

/** The loads, each run the same way against any etcd v3 endpoint through jetcd. */
final class Loads {

    static final int VALUE_SIZE = 1024;
    private static final long TIMEOUT_S = 30;

    /** ops in nanos of wall-clock time, with the per-op latencies. */
    record Rate(long ops, long nanos, Latencies latencies) {
        double perSecond() {
            return ops * 1e9 / nanos;
        }

        /** The rounds of one load as one: total ops over total time, all latencies. */
        static Rate combine(List<Rate> rounds) {
            return new Rate(rounds.stream().mapToLong(Rate::ops).sum(), rounds.stream().mapToLong(Rate::nanos).sum(),
                    Latencies.merge(rounds.stream().map(Rate::latencies).toList()));
        }
    }

    /** Fan-out: events written, watchers, time until every watcher had every event, delivery latencies. */
    record FanOut(int events, int watchers, long nanos, Latencies latencies, boolean complete) {
    }

    private final String endpoint;

    Loads(String endpoint) {
        this.endpoint = endpoint;
    }

    Client client() {
        return Client.builder().endpoints("http://" + endpoint).build();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static ByteSequence value(long stamp) {
        ByteBuffer b = ByteBuffer.allocate(VALUE_SIZE);
        b.putLong(stamp);
        while (b.hasRemaining()) {
            b.put((byte) ('a' + b.position() % 26));
        }
        return ByteSequence.from(b.array());
    }

    /** `clients` threads, each with its own connection, doing synchronous puts until `seconds` have passed. */
    Rate puts(String prefix, int clients, double seconds) throws Exception {
        List<Client> cs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            cs.add(client());
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            // one put per client first, so connection set-up is not measured
            for (Client c : cs) {
                c.getKVClient().put(bytes(prefix + "init"), value(0)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            AtomicLong ops = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Latencies>> fs = new ArrayList<>();
            long[] t0 = new long[1];
            for (int i = 0; i < clients; i++) {
                KV kv = cs.get(i).getKVClient();
                String p = prefix + i + "/";
                fs.add(pool.submit(() -> {
                    Latencies lat = new Latencies();
                    start.await();
                    long end = t0[0] + (long) (seconds * 1e9);
                    ByteSequence v = value(1);
                    for (int n = 0; ; n++) {
                        long s = System.nanoTime();
                        if (s >= end) {
                            return lat;
                        }
                        kv.put(bytes(p + (n % 1000)), v).get(TIMEOUT_S, TimeUnit.SECONDS);
                        lat.add(System.nanoTime() - s);
                        ops.incrementAndGet();
                    }
                }));
            }
            t0[0] = System.nanoTime();
            start.countDown();
            List<Latencies> parts = new ArrayList<>();
            for (Future<Latencies> f : fs) {
                parts.add(f.get());
            }
            long nanos = System.nanoTime() - t0[0];
            return new Rate(ops.get(), nanos, Latencies.merge(parts));
        } finally {
            pool.shutdownNow();
            cs.forEach(Client::close);
        }
    }

    /** Writes `keys` keys of VALUE_SIZE under prefix in txns of `perTxn` puts, `clients` txns in flight. */
    Rate bulkLoad(String prefix, int keys, int perTxn, int clients) throws Exception {
        try (Client c = client()) {
            KV kv = c.getKVClient();
            ByteSequence v = value(2);
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < clients; t++) {
                    fs.add(pool.submit(() -> {
                        for (int first = next.getAndAdd(perTxn); first < keys; first = next.getAndAdd(perTxn)) {
                            List<Op> ops = new ArrayList<>();
                            for (int k = first; k < Math.min(keys, first + perTxn); k++) {
                                ops.add(Op.put(bytes(String.format("%s%08d", prefix, k)), v, PutOption.DEFAULT));
                            }
                            kv.txn().Then(ops.toArray(Op[]::new)).commit().get(TIMEOUT_S, TimeUnit.SECONDS);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            return new Rate(keys, System.nanoTime() - t0, Latencies.merge(List.of()));
        }
    }

    /** One client ranging over the whole prefix (linearizable reads) for `seconds`. */
    Rate ranges(String prefix, int expected, double seconds) throws Exception {
        try (Client c = client()) {
            KV kv = c.getKVClient();
            ByteSequence key = bytes(prefix);
            GetOption opt = GetOption.builder().isPrefix(true).build();
            long got = kv.get(key, opt).get(TIMEOUT_S, TimeUnit.SECONDS).getKvs().size();
            if (got != expected) {
                throw new IllegalStateException("range returned " + got + " keys, expected " + expected);
            }
            Latencies lat = new Latencies();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            long n = 0;
            for (long s = System.nanoTime(); s < end; s = System.nanoTime()) {
                kv.get(key, opt).get(TIMEOUT_S, TimeUnit.SECONDS);
                lat.add(System.nanoTime() - s);
                n++;
            }
            return new Rate(n, System.nanoTime() - t0, Latencies.merge(List.of(lat)));
        }
    }

    /**
     * `watchers` watchers on one prefix (spread over `conns` connections) while `writers` threads put `events`
     * keys under it; each value carries its send time, so every delivery gives a latency sample.
     */
    FanOut fanOut(String prefix, int watchers, int conns, int events, int writers) throws Exception {
        List<Client> cs = new ArrayList<>();
        List<Watch.Watcher> ws = new ArrayList<>();
        try {
            for (int i = 0; i < conns; i++) {
                cs.add(client());
            }
            KV kv = cs.get(0).getKVClient();
            long rev = kv.put(bytes(prefix + "start"), value(0)).get(TIMEOUT_S, TimeUnit.SECONDS)
                    .getHeader().getRevision();
            CountDownLatch ready = new CountDownLatch(watchers);
            CountDownLatch done = new CountDownLatch(watchers);
            AtomicLong lastDelivery = new AtomicLong();
            List<Latencies> lats = new ArrayList<>();
            ByteSequence start = bytes(prefix + "start");
            for (int w = 0; w < watchers; w++) {
                Latencies lat = new Latencies();
                lats.add(lat);
                int[] seen = new int[1];
                WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(rev).build();
                ws.add(cs.get(w % conns).getWatchClient().watch(bytes(prefix), opt, response -> {
                    long now = System.nanoTime();
                    synchronized (lat) {
                        for (WatchEvent e : response.getEvents()) {
                            if (e.getKeyValue().getKey().equals(start)) {
                                ready.countDown(); // the replayed first event: the watcher is live
                                continue;
                            }
                            lat.add(now - ByteBuffer.wrap(e.getKeyValue().getValue().getBytes()).getLong());
                            if (++seen[0] == events) {
                                lastDelivery.accumulateAndGet(now, Math::max);
                                done.countDown();
                            }
                        }
                    }
                }));
            }
            if (!ready.await(TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException(ready.getCount() + " watchers did not start");
            }
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    KV wkv = cs.get(t % conns).getKVClient();
                    fs.add(pool.submit(() -> {
                        for (int k = next.getAndIncrement(); k < events; k = next.getAndIncrement()) {
                            wkv.put(bytes(prefix + "k" + k), value(System.nanoTime())).get(TIMEOUT_S, TimeUnit.SECONDS);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            boolean complete = done.await(60, TimeUnit.SECONDS);
            long nanos = (complete ? lastDelivery.get() : System.nanoTime()) - t0;
            List<Latencies> copies = new ArrayList<>();
            for (Latencies l : lats) {
                synchronized (l) {
                    copies.add(Latencies.merge(List.of(l)));
                }
            }
            return new FanOut(events, watchers, nanos, Latencies.merge(copies), complete);
        } finally {
            ws.forEach(Watch.Watcher::close);
            cs.forEach(Client::close);
        }
    }
}
