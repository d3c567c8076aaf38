package io.kybernetes.store.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Runs the same loads against a real etcd 3.4 and the packaged store, one after the other on the same machine and
 * disk, and prints one table with both and the ratio store/etcd. Not a test (no *Test name): run by store/bench.sh.
 *
 * <p>Options: {@code --jar=PATH} (the store's quarkus-run.jar), {@code --store-java-opts="..."} (default: what
 * {@code kybernetes up} gives the store), {@code --skip-check-perf}, {@code --keys=N} (RSS fill, default 100000).
 */
public final class StoreBenchmark {

    /** The JVM options `kybernetes up` starts the store with (KYBERNETES_JAVA_OPTS default plus -Xmx96m). */
    static final String CLUSTER_JAVA_OPTS = "-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 "
            + "-XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=128m -Xmx96m";

    static final int CLIENTS = 16;
    static final int RANGE_KEYS = 1000;
    static final int WATCHERS = 100;
    static final int WATCH_EVENTS = 2000;
    /** Rounds of the short loads, alternating which server goes first. */
    static final int ROUNDS = 3;

    /** One line of the table; higherIsBetter decides how the ratio reads. */
    record Row(String metric, boolean higherIsBetter) {
    }

    static final Row SEQ_RATE = new Row("sequential put, 1 client (puts/s)", true);
    static final Row SEQ_P50 = new Row("sequential put p50 (ms)", false);
    static final Row SEQ_P99 = new Row("sequential put p99 (ms)", false);
    static final Row CON_RATE = new Row("put, 16 clients (puts/s)", true);
    static final Row CON_P50 = new Row("put, 16 clients p50 (ms)", false);
    static final Row CON_P99 = new Row("put, 16 clients p99 (ms)", false);
    static final Row RANGE_RATE = new Row("range of 1,000 keys, 1 client (ranges/s)", true);
    static final Row RANGE_P50 = new Row("range of 1,000 keys p50 (ms)", false);
    static final Row RANGE_P99 = new Row("range of 1,000 keys p99 (ms)", false);
    static final Row WATCH_TIME = new Row("watch: 2,000 events to all 100 watchers (s)", false);
    static final Row WATCH_RATE = new Row("watch: events delivered (events/s)", true);
    static final Row WATCH_P50 = new Row("watch: put-to-delivery p50 (ms)", false);
    static final Row WATCH_P99 = new Row("watch: put-to-delivery p99 (ms)", false);
    static final Row PERF_RATE = new Row("check perf m: throughput (writes/s)", true);
    static final Row PERF_SLOWEST = new Row("check perf m: slowest request (s)", false);
    static final Row PERF_STDDEV = new Row("check perf m: stddev (s)", false);
    static final Row BULK = new Row("bulk load of KEYS keys x 1 KiB, txn of 100, 4 clients (s)", false);
    static final Row RSS_IDLE = new Row("RSS idle (MiB)", false);
    static final Row RSS_FULL = new Row("RSS after KEYS keys of 1 KiB (MiB)", false);
    static final Row DISK_FULL = new Row("data dir after KEYS keys (MiB)", false);

    static final List<Row> ROWS = List.of(SEQ_RATE, SEQ_P50, SEQ_P99, CON_RATE, CON_P50, CON_P99, RANGE_RATE,
            RANGE_P50, RANGE_P99, WATCH_TIME, WATCH_RATE, WATCH_P50, WATCH_P99, PERF_RATE, PERF_SLOWEST,
            PERF_STDDEV, BULK, RSS_IDLE, RSS_FULL, DISK_FULL);

    /** The figures of one server; missing ones stay absent (printed as "-"). */
    static final class Figures {
        final Map<Row, Double> values = new LinkedHashMap<>();
        String checkPerf = "-";
        final List<String> errors = new ArrayList<>();
    }

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("store/target/quarkus-app/quarkus-run.jar");
        String javaOpts = CLUSTER_JAVA_OPTS;
        boolean checkPerf = true;
        int keys = 100_000;
        for (String a : args) {
            if (a.startsWith("--jar=")) {
                jar = Path.of(a.substring("--jar=".length()));
            } else if (a.startsWith("--store-java-opts=")) {
                javaOpts = a.substring("--store-java-opts=".length());
            } else if (a.equals("--skip-check-perf")) {
                checkPerf = false;
            } else if (a.startsWith("--keys=")) {
                keys = Integer.parseInt(a.substring("--keys=".length()));
            } else {
                System.err.println("usage: StoreBenchmark [--jar=PATH] [--store-java-opts=OPTS] [--skip-check-perf]"
                        + " [--keys=N]");
                System.exit(2);
            }
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("no store jar at " + jar + " (build it: mvn -B -q -pl store package -DskipTests)");
            System.exit(2);
        }
        Path root = Files.createTempDirectory("store-bench-");
        List<BenchServer> live = new CopyOnWriteArrayList<>();
        Thread cleanup = new Thread(() -> {
            live.forEach(BenchServer::close);
            deleteTree(root);
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int rc = 0;
        try {
            Instant started = Instant.now();
            System.out.printf("store benchmark %s, %d cores, load average %s, data under %s%n", started,
                    Runtime.getRuntime().availableProcessors(), loadAverage(), root);
            List<String> opts = javaOpts.isBlank() ? List.of() : Arrays.asList(javaOpts.trim().split("\\s+"));
            // both run side by side and the short loads alternate between them in rounds, so a burst of other
            // work on this machine hits both rather than one
            Target etcd = start(live, BenchServer.etcd(root));
            Target store = start(live, BenchServer.store(root, jar, opts));
            List<Target> both = List.of(etcd, store);
            for (Target t : both) {
                t.step("warm-up (3 s of puts, 16 clients; not counted)", () -> t.loads.puts("/bench/warm/", CLIENTS, 3));
            }
            Map<Target, List<Loads.Rate>> seq = new LinkedHashMap<>();
            Map<Target, List<Loads.Rate>> con = new LinkedHashMap<>();
            Map<Target, List<Loads.Rate>> range = new LinkedHashMap<>();
            for (Target t : both) {
                seq.put(t, new ArrayList<>());
                con.put(t, new ArrayList<>());
                range.put(t, new ArrayList<>());
                t.step("1,000 keys for the range load", () -> t.loads.bulkLoad("/bench/range/", RANGE_KEYS, 100, 1));
            }
            for (int round = 0; round < ROUNDS; round++) {
                List<Target> order = round % 2 == 0 ? both : List.of(store, etcd);
                for (Target t : order) {
                    int r = round;
                    t.step("round " + (r + 1) + ": sequential puts (3 s)",
                            () -> seq.get(t).add(t.loads.puts("/bench/seq/", 1, 3)));
                    t.step("round " + (r + 1) + ": 16 clients putting (4 s)",
                            () -> con.get(t).add(t.loads.puts("/bench/con/", CLIENTS, 4)));
                    t.step("round " + (r + 1) + ": range of 1,000 keys (2 s)",
                            () -> range.get(t).add(t.loads.ranges("/bench/range/", RANGE_KEYS, 2)));
                }
            }
            for (Target t : both) {
                rates(t.figures, seq.get(t), SEQ_RATE, SEQ_P50, SEQ_P99);
                rates(t.figures, con.get(t), CON_RATE, CON_P50, CON_P99);
                rates(t.figures, range.get(t), RANGE_RATE, RANGE_P50, RANGE_P99);
                t.step("watch fan-out", () -> {
                    Loads.FanOut r = t.loads.fanOut("/bench/watch/", WATCHERS, 10, WATCH_EVENTS, CLIENTS);
                    if (!r.complete()) {
                        throw new IllegalStateException("not every watcher got every event within 60 s");
                    }
                    t.figures.values.put(WATCH_TIME, r.nanos() / 1e9);
                    t.figures.values.put(WATCH_RATE, (double) r.events() * r.watchers() * 1e9 / r.nanos());
                    t.figures.values.put(WATCH_P50, r.latencies().percentileMillis(50));
                    t.figures.values.put(WATCH_P99, r.latencies().percentileMillis(99));
                    return r;
                });
            }
            for (Target t : both) {
                if (checkPerf) {
                    t.step("etcdctl check perf --load=m (60 s)", () -> {
                        CheckPerf r = CheckPerf.run(t.server.endpoint, "m", root.resolve(t.name() + "-check-perf.log"));
                        t.figures.checkPerf = r.pass() ? "PASS" : "FAIL";
                        t.figures.values.put(PERF_RATE, r.writesPerSecond());
                        t.figures.values.put(PERF_SLOWEST, r.slowestSeconds());
                        t.figures.values.put(PERF_STDDEV, r.stddevSeconds());
                        if (!r.pass()) {
                            String[] lines = r.output().replace('\r', '\n').strip().split("\n");
                            for (String line : Arrays.copyOfRange(lines, Math.max(0, lines.length - 6), lines.length)) {
                                log(t.name(), "check perf: %s", line.strip());
                            }
                        }
                        return r;
                    });
                }
                int fill = keys;
                t.step("bulk load of " + keys + " keys of 1 KiB", () -> {
                    Loads.Rate r = t.loads.bulkLoad("/bench/fill/", fill, 100, 4);
                    t.figures.values.put(BULK, r.nanos() / 1e9);
                    Thread.sleep(2000);
                    t.figures.values.put(RSS_FULL, t.server.rssKiB() / 1024.0);
                    t.figures.values.put(DISK_FULL, t.server.diskBytes() / 1048576.0);
                    return r;
                });
            }
            for (Target t : both) {
                t.stop(live);
            }
            Figures etcdFigures = etcd.figures;
            Figures storeFigures = store.figures;
            System.out.println();
            System.out.printf("store JVM options: %s%n", javaOpts);
            System.out.printf("finished %s (%d s), load average %s%n%n", Instant.now(),
                    java.time.Duration.between(started, Instant.now()).toSeconds(), loadAverage());
            System.out.print(table(etcdFigures, storeFigures, keys));
            System.out.println();
            System.out.print(goals(etcdFigures, storeFigures));
            for (Figures f : List.of(etcdFigures, storeFigures)) {
                if (!f.errors.isEmpty()) {
                    rc = 1;
                }
            }
        } finally {
            cleanup.run();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        // jetcd leaves non-daemon threads behind
        System.exit(rc);
    }

    /** A started server, its loads and its figures. */
    static final class Target {
        final BenchServer server;
        final Loads loads;
        final Figures figures = new Figures();

        Target(BenchServer server) {
            this.server = server;
            this.loads = new Loads(server.endpoint);
        }

        String name() {
            return server.name;
        }

        /** Runs one step unless an earlier one failed (a broken server is not measured further). */
        void step(String what, Step step) {
            if (!figures.errors.isEmpty()) {
                return;
            }
            StoreBenchmark.step(figures, name(), what, step);
            String exited = server.exited();
            if (exited != null) {
                figures.errors.add(what + ": " + exited);
                log(name(), "%s", exited);
            }
            if (!figures.errors.isEmpty()) {
                try {
                    log(name(), "last lines of its log:%n%s", server.tail());
                } catch (IOException e) {
                    log(name(), "no log: %s", e);
                }
            }
        }

        void stop(List<BenchServer> live) {
            server.close();
            live.remove(server);
        }
    }

    private static Target start(List<BenchServer> live, BenchServer server) throws Exception {
        live.add(server);
        Target t = new Target(server);
        t.step("start", () -> {
            server.awaitHealthy(60);
            Thread.sleep(2000);
            t.figures.values.put(RSS_IDLE, server.rssKiB() / 1024.0);
            log(t.name(), "up, pid %d, idle RSS %.0f MiB", server.pid(), t.figures.values.get(RSS_IDLE));
            return null;
        });
        return t;
    }

    private static void rates(Figures f, List<Loads.Rate> rounds, Row rate, Row p50, Row p99) {
        if (rounds.isEmpty()) {
            return;
        }
        Loads.Rate r = Loads.Rate.combine(rounds);
        f.values.put(rate, r.perSecond());
        f.values.put(p50, r.latencies().percentileMillis(50));
        f.values.put(p99, r.latencies().percentileMillis(99));
    }

    interface Step {
        Object run() throws Exception;
    }

    private static void step(Figures f, String server, String what, Step step) {
        long t0 = System.nanoTime();
        try {
            step.run();
            log(server, "%s: %.1f s", what, (System.nanoTime() - t0) / 1e9);
        } catch (Exception e) {
            f.errors.add(what + ": " + e);
            log(server, "%s FAILED: %s", what, e);
        }
    }

    private static void log(String server, String format, Object... args) {
        System.out.printf("[%-5s] %s%n", server, String.format(format, args));
    }

    static String table(Figures etcd, Figures store, int keys) {
        StringBuilder b = new StringBuilder();
        b.append("| metric | etcd 3.4 | store | store/etcd |\n|---|---:|---:|---:|\n");
        for (Row row : ROWS) {
            if (row == PERF_RATE) {
                b.append(String.format("| check perf m: verdict | %s | %s | |%n", etcd.checkPerf, store.checkPerf));
            }
            Double e = etcd.values.get(row);
            Double s = store.values.get(row);
            String ratio = e == null || s == null || e == 0 || e.isNaN() || s.isNaN()
                    ? "-" : String.format("%.2f", s / e);
            b.append(String.format("| %s | %s | %s | %s |%n", row.metric().replace("KEYS", String.format("%,d", keys)),
                    fmt(e), fmt(s), ratio));
        }
        for (String err : etcd.errors) {
            b.append("etcd error: ").append(err).append('\n');
        }
        for (String err : store.errors) {
            b.append("store error: ").append(err).append('\n');
        }
        return b.toString();
    }

    static String goals(Figures etcd, Figures store) {
        StringBuilder b = new StringBuilder();
        Double e = etcd.values.get(CON_RATE);
        Double s = store.values.get(CON_RATE);
        if (e != null && s != null) {
            b.append(String.format("goal: write throughput (16 clients) >= 1.5x etcd: %.2fx -> %s%n", s / e,
                    s / e >= 1.5 ? "met" : "NOT met"));
        }
        for (Row p99 : List.of(SEQ_P99, CON_P99)) {
            e = etcd.values.get(p99);
            s = store.values.get(p99);
            if (e != null && s != null) {
                b.append(String.format("goal: %s no worse than etcd: %.2f vs %.2f -> %s%n", p99.metric(), s, e,
                        s <= e ? "met" : "NOT met"));
            }
        }
        return b.toString();
    }

    private static String fmt(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        double a = Math.abs(v);
        return a >= 100 ? String.format("%,.0f", v) : a >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }

    private static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
