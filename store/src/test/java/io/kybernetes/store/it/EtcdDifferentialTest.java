package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Runs the same etcdctl commands against the store and a real etcd 3.4 (started here on other ports) and compares
 * the answers, with member identities dropped and revisions taken relative to where each started.
 */
@QuarkusTest
@QuarkusTestResource(value = StoreTestResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdDifferentialTest {

    private static final Set<String> IDENTITY = Set.of("cluster_id", "member_id", "raft_term");
    private static final Set<String> REVISIONS = Set.of("revision", "create_revision", "mod_revision");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Process etcd;
    private Path etcdDir;
    private Etcdctl real;
    private Etcdctl ours;

    @BeforeAll
    void startEtcd() throws Exception {
        etcdDir = Files.createTempDirectory("store-it-etcd-");
        int client = StoreTestResource.freePort();
        int peer = StoreTestResource.freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        etcd = new ProcessBuilder("etcd", "--name", "diff", "--data-dir", etcdDir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "diff=" + peerUrl)
                .redirectErrorStream(true)
                .redirectOutput(etcdDir.resolve("etcd.log").toFile())
                .start();
        real = new Etcdctl("127.0.0.1:" + client);
        ours = new Etcdctl("127.0.0.1:" + StoreTestResource.grpcPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (real.run("endpoint", "health").exit() != 0) {
            if (System.nanoTime() > deadline || !etcd.isAlive()) {
                throw new AssertionError("etcd did not start: " + Files.readString(etcdDir.resolve("etcd.log")));
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
            }
        }
        StoreTestResource.deleteTree(etcdDir);
    }

    private static long rev(Etcdctl e) throws Exception {
        return JSON.readTree(e.ok("get", "/diff/none", "-w", "json")).path("header").path("revision").asLong();
    }

    /** Command lines; {@code R+n} stands for the side's starting revision plus n. */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("put", "/diff/a", "1", "-w", "json"),
            List.of("put", "/diff/a", "2", "--prev-kv", "-w", "json"),
            List.of("put", "/diff/b", "3", "-w", "json"),
            List.of("put", "/diff/c", "0", "-w", "json"),
            List.of("get", "/diff/", "--prefix", "-w", "json"),
            List.of("get", "/diff/a", "--rev=R+1", "-w", "json"),
            List.of("get", "/diff/", "--prefix", "--limit=2", "-w", "json"),
            List.of("get", "/diff/", "--prefix", "--count-only", "-w", "json"),
            List.of("get", "/diff/", "--prefix", "--keys-only", "-w", "json"),
            List.of("get", "/diff/", "--prefix", "--sort-by=VALUE", "--order=DESCEND", "-w", "json"),
            List.of("get", "/diff/", "--prefix", "--sort-by=MODIFY", "-w", "json"),
            List.of("get", "/diff/b", "--from-key", "-w", "json"),
            List.of("get", "/diff/zz", "-w", "json"),
            List.of("get", "/diff/a", "--rev=R+1000"),
            List.of("del", "/diff/a", "--prev-kv", "-w", "json"),
            List.of("del", "/diff/a", "-w", "json"),
            List.of("get", "/diff/a", "--rev=R+2", "-w", "json"),
            List.of("put", "/diff/a", "again", "-w", "json"),
            List.of("get", "/diff/a", "-w", "json"),
            List.of("del", "/diff/", "--prefix", "-w", "json"));

    @Test
    void sameAnswersAsEtcd() throws Exception {
        long realBase = rev(real);
        long ourBase = rev(ours);
        for (List<String> cmd : COMMANDS) {
            JsonNode want = normalize(run(real, cmd, realBase), realBase);
            JsonNode got = normalize(run(ours, cmd, ourBase), ourBase);
            assertEquals(want, got, "etcdctl " + String.join(" ", cmd));
        }
    }

    @Test
    void sameTxnAnswersAsEtcd() throws Exception {
        String[] txns = {
            "create(\"/difft/k\") = \"0\"\n\nput /difft/k v1\n\nget /difft/k\n\n",
            "value(\"/difft/k\") = \"v1\"\n\nput /difft/k v2\nget /difft/k\n\nget /difft/k\n\n",
            "version(\"/difft/k\") > \"5\"\n\nput /difft/k v3\n\ndel /difft/k\nget /difft/k\n\n",
        };
        long realBase = rev(real);
        long ourBase = rev(ours);
        for (String t : txns) {
            JsonNode want = normalize(real.runWithInput(t, "txn", "-w", "json").out(), realBase);
            JsonNode got = normalize(ours.runWithInput(t, "txn", "-w", "json").out(), ourBase);
            assertEquals(want, got, t);
        }
    }

    @Test
    void sameWatchReplayAsEtcd() throws Exception {
        List<JsonNode> answers = new ArrayList<>();
        for (Etcdctl e : List.of(real, ours)) {
            long base = rev(e);
            e.ok("put", "/diffw/k", "1");
            e.ok("put", "/diffw/k", "2");
            e.ok("del", "/diffw/k");
            e.ok("put", "/diffw/other", "x");
            try (Etcdctl.Running watch = e.start("watch", "/diffw/k", "--rev=" + (base + 1), "--prev-kv", "-w", "json")) {
                answers.add(normalize(watch.take(1).get(0), base));
            }
        }
        assertEquals(answers.get(0), answers.get(1));
    }

    private static String run(Etcdctl e, List<String> cmd, long base) {
        List<String> args = new ArrayList<>();
        for (String a : cmd) {
            int i = a.indexOf("R+");
            args.add(i < 0 ? a : a.substring(0, i) + (base + Long.parseLong(a.substring(i + 2))));
        }
        return e.run(args.toArray(String[]::new)).out();
    }

    /** JSON answers lose identities and get relative revisions; other output (errors) is compared as text. */
    private static JsonNode normalize(String out, long base) throws Exception {
        // drop the client's retry log lines (they embed a random client id and a time); keep the error itself
        String trimmed = out.replaceAll("(?m)^\\{\"level\".*$\\n?", "").trim();
        if (!trimmed.startsWith("{")) {
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
                o.put(r, o.get(r).asLong() - base);
            }
        } else if (node.isArray()) {
            node.forEach(n -> strip(n, base));
        }
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
