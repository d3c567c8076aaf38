package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, persistent storage on the real node: the default local-path StorageClass (controllers/deploy/local-path.yaml),
 * the controller manager's persistentvolume-binder provisioning a directory for a claim once the scheduler picks
 * the node, data outliving the pod, StatefulSet claim templates, reclaim policy Delete removing the volume and its
 * directory (through a helper pod), and a static volume binding to a claim of its class, all as kubectl shows them.
 */
@Tag("node")
class StorageTest {

    private static final String NS = "storage-e2e";
    private static final Path BASE = Path.of(System.getProperty("e2e.localPathDir", "/var/lib/kybernetes/local-path"));
    private static final Path STATIC_DIR = Path.of("/tmp/storage-e2e-static");
    private static final Duration START = Duration.ofSeconds(120);

    @BeforeAll
    static void namespace() throws IOException {
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s");
        kubectl("delete", "pv", "storage-e2e-static", "--ignore-not-found", "--wait=false");
        deleteRecursively(STATIC_DIR);
        kubectl("create", "namespace", NS).ok();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s");
        kubectl("delete", "pv", "storage-e2e-static", "--ignore-not-found", "--wait=false");
        deleteRecursively(STATIC_DIR);
    }

    @Test
    void theDefaultStorageClassIsLocalPathWaitingForTheFirstConsumer() {
        String line = kubectl("get", "storageclass", "local-path", "--no-headers").ok().out().trim();
        List<String> cols = Arrays.asList(line.split("\\s+"));
        assertEquals(List.of("local-path", "(default)", "kybernetes.io/local-path", "Delete", "WaitForFirstConsumer"),
                cols.subList(0, 5), line);
    }

    @Test
    void aClaimWithoutClassGetsLocalPathItsDataOutlivesThePodAndDeletingItRemovesVolumeAndDirectory()
            throws IOException {
        apply(resource("storage/claim-and-writer.yaml"));
        eventually(Duration.ofSeconds(30), () -> jsonpath("pvc", "data", "{.spec.storageClassName}"),
                "local-path"::equals);
        waitRunning("writer");
        String pv = eventually(Duration.ofSeconds(30), () -> jsonpath("pvc", "data", "{.spec.volumeName}"),
                s -> !s.isEmpty());
        String uid = jsonpath("pvc", "data", "{.metadata.uid}");
        assertEquals("pvc-" + uid, pv);
        assertEquals("Bound", jsonpath("pvc", "data", "{.status.phase}"));
        assertEquals("Bound", kubectl("get", "pv", pv, "-o", "jsonpath={.status.phase}").ok().out());
        String node = kubectl("-n", NS, "get", "pod", "writer", "-o", "jsonpath={.spec.nodeName}").ok().out();
        assertEquals(node, jsonpath("pvc", "data", "{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}"));
        Path dir = BASE.resolve(pv + "_" + NS + "_data");
        assertEquals(dir.toString(), kubectl("get", "pv", pv, "-o", "jsonpath={.spec.hostPath.path}").ok().out());
        String events = kubectl("-n", NS, "get", "events", "--field-selector", "involvedObject.name=data", "-o",
                "jsonpath={range .items[*]}{.reason}:{.message}{\"\\n\"}{end}").ok().out();
        assertTrue(events.contains("ProvisioningSucceeded:Successfully provisioned volume " + pv), events);

        // the file is on the node's disk, and a new pod on the same claim reads it back
        eventually(Duration.ofSeconds(30), () -> read(dir.resolve("file")), "kept-across-pods\n"::equals);
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pod", "writer", "--wait=true", "--timeout=80s").ok();
        apply(resource("storage/reader.yaml"));
        waitRunning("reader");
        eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "logs", "reader").out(),
                "kept-across-pods\n"::equals);

        // deleting the claim (after its pod) deletes the volume (reclaim policy Delete) and its directory
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pod", "reader", "--wait=true", "--timeout=80s").ok();
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pvc", "data", "--wait=true", "--timeout=80s").ok();
        eventually(Duration.ofSeconds(90), () -> kubectl("get", "pv", pv, "--ignore-not-found", "-o", "name")
                .ok().out().trim(), String::isEmpty);
        assertTrue(!Files.exists(dir), dir + " still exists");
    }

    @Test
    void aStatefulSetsClaimTemplatesGiveEachReplicaItsOwnBoundVolume() throws IOException {
        apply(resource("storage/statefulset.yaml"));
        for (String pod : List.of("web-0", "web-1")) {
            waitRunning(pod);
        }
        for (String claim : List.of("www-web-0", "www-web-1")) {
            assertEquals("Bound", jsonpath("pvc", claim, "{.status.phase}"));
            assertEquals("local-path", jsonpath("pvc", claim, "{.spec.storageClassName}"));
            String pv = jsonpath("pvc", claim, "{.spec.volumeName}");
            String owner = claim.substring("www-".length());
            eventually(Duration.ofSeconds(30), () -> read(BASE.resolve(pv + "_" + NS + "_" + claim).resolve("owner")),
                    s -> s.trim().equals(owner));
        }
        assertTrue(!jsonpath("pvc", "www-web-0", "{.spec.volumeName}")
                .equals(jsonpath("pvc", "www-web-1", "{.spec.volumeName}")));
    }

    @Test
    void aStaticVolumeBindsToAClaimOfItsClass() throws IOException {
        apply(resource("storage/static.yaml").replace("HOSTDIR", STATIC_DIR.toString()));
        String row = eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "get", "pvc", "static",
                "--no-headers").ok().out().trim(), s -> s.split("\\s+").length > 2 && s.split("\\s+")[1].equals("Bound"));
        String[] cols = row.split("\\s+");
        assertEquals("storage-e2e-static", cols[2], row);
        assertEquals("1Gi", cols[3], row);
        assertEquals("RWO", cols[4], row);
        assertEquals("storage-e2e-manual", cols[5], row);
        String pvRow = kubectl("get", "pv", "storage-e2e-static", "--no-headers").ok().out().trim();
        assertTrue(pvRow.contains("Bound") && pvRow.contains(NS + "/static"), pvRow);

        // Retain: deleting the claim releases the volume and keeps it
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pvc", "static", "--wait=true", "--timeout=80s").ok();
        eventually(Duration.ofSeconds(30), () -> kubectl("get", "pv", "storage-e2e-static", "-o",
                "jsonpath={.status.phase}").ok().out(), "Released"::equals);
        kubectl(Duration.ofSeconds(60), "delete", "pv", "storage-e2e-static", "--wait=true", "--timeout=50s").ok();
    }

    private static void waitRunning(String pod) {
        eventually(START, () -> kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.status.phase}").out(),
                "Running"::equals);
    }

    private static String jsonpath(String kind, String name, String path) {
        return kubectl("-n", NS, "get", kind, name, "-o", "jsonpath=" + path).ok().out();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StorageTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void apply(String manifest) throws IOException {
        Path f = Files.createTempFile("storage-e2e", ".yaml");
        Files.writeString(f, manifest);
        try {
            kubectl(Duration.ofSeconds(60), "-n", NS, "apply", "-f", f.toString()).ok();
        } finally {
            Files.delete(f);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
