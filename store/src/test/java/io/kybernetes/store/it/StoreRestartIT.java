package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the packaged store as a process, stops it and starts it again on the same data dir. */
class StoreRestartIT {

    private Path dir;
    private Process process;
    private int grpcPort;
    private int httpPort;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("store-it-restart-");
        grpcPort = StoreTestResource.freePort();
        httpPort = StoreTestResource.freePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
        StoreTestResource.deleteTree(dir);
    }

    private void start() throws Exception {
        String jar = System.getProperty("store.jar", "target/quarkus-app/quarkus-run.jar");
        process = new ProcessBuilder("java", "-jar", jar, "--data-dir=" + dir.resolve("data"),
                "--listen-client-urls=http://127.0.0.1:" + grpcPort,
                "--listen-metrics-urls=http://127.0.0.1:" + httpPort)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("store.log").toFile()))
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"store\"")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("store did not start: " + Files.readString(dir.resolve("store.log")));
            }
            Thread.sleep(200);
        }
    }

    private void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: graceful
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static long rev(Etcdctl e) {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(e.ok("get", "x", "-w", "json"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    void dataLeasesAndRevisionSurviveARestart() throws Exception {
        start();
        Etcdctl etcdctl = new Etcdctl("127.0.0.1:" + grpcPort);
        // a fresh store is at revision 1, as a fresh etcd: the first write gets revision 2
        assertTrue(etcdctl.ok("put", "a", "1", "-w", "json").contains("\"revision\":2,"));
        etcdctl.ok("put", "a", "2");
        etcdctl.ok("put", "b", "1");
        etcdctl.ok("del", "b");
        Matcher m = Pattern.compile("lease ([0-9a-f]+) granted").matcher(etcdctl.ok("lease", "grant", "300"));
        assertTrue(m.find());
        String lease = m.group(1);
        etcdctl.ok("put", "l", "v", "--lease=" + lease);
        long before = rev(etcdctl);
        String statusBefore = etcdctl.ok("endpoint", "status");

        stop();
        start();

        assertEquals(before, rev(etcdctl));
        assertEquals("a\n2\n", etcdctl.ok("get", "a"));
        assertEquals("a\n1\n", etcdctl.ok("get", "a", "--rev=2"));
        assertEquals("", etcdctl.ok("get", "b"));
        assertTrue(etcdctl.ok("lease", "timetolive", lease, "--keys").contains("attached keys([l])"));
        assertTrue(etcdctl.ok("put", "c", "1", "-w", "json").contains("\"revision\":" + (before + 1)));
        // same member, next term
        String statusAfter = etcdctl.ok("endpoint", "status");
        assertEquals(statusBefore.split(", ")[1], statusAfter.split(", ")[1]);
        assertEquals(Integer.parseInt(statusBefore.split(", ")[6]) + 1, Integer.parseInt(statusAfter.split(", ")[6]));
        etcdctl.ok("lease", "revoke", lease);
        assertEquals("", etcdctl.ok("get", "l"));
    }
}
