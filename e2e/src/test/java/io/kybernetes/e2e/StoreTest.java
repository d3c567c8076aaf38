package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.etcdctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Done-when 5: etcdctl 3.4 put/get/del/watch/txn/lease work against the cluster's store. */
class StoreTest {

    private static final String P = "/e2e-" + System.nanoTime() + "/";

    @Test
    void putGetDelete() {
        assertEquals("OK", etcdctl("put", P + "a", "1").ok().out().trim());
        etcdctl("put", P + "b", "2").ok();
        assertEquals(List.of(P + "a", "1", P + "b", "2"), etcdctl("get", P, "--prefix").ok().out().lines().toList());
        assertEquals("2", etcdctl("del", P, "--prefix").ok().out().trim());
        assertEquals("", etcdctl("get", P, "--prefix").ok().out().trim());
    }

    @Test
    void watchReplaysHistoryFromARevision() throws Exception {
        String key = P + "w";
        etcdctl("put", key, "x").ok();
        String json = etcdctl("get", key, "-w", "json").ok().out();
        long rev = Long.parseLong(json.replaceAll("(?s).*\"mod_revision\":(\\d+).*", "$1"));
        etcdctl("put", key, "y").ok();
        etcdctl("del", key).ok();
        List<String> cmd = new java.util.ArrayList<>(List.of("timeout", "3", "env", "ETCDCTL_API=3", "etcdctl"));
        cmd.addAll(Cli.etcdctlFlags());
        cmd.addAll(List.of("watch", key, "--rev=" + rev));
        Cli.Result r = Cli.run(Duration.ofSeconds(10), cmd.toArray(String[]::new));
        List<String> lines = r.out().lines().toList();
        // etcdctl prints a DELETE's (empty) value as an empty line.
        assertEquals(List.of("PUT", key, "x", "PUT", key, "y", "DELETE", key, ""), lines, r.err());
    }

    @Test
    void txnComparesAndChooses() {
        String key = P + "t";
        etcdctl("put", key, "v1").ok();
        Cli.Result r = Cli.run(Duration.ofSeconds(10), "sh", "-c",
                "printf 'value(\"" + key + "\") = \"v1\"\\n\\nput " + key + " v2\\n\\nput " + key + " v3\\n\\n' | "
                        + "ETCDCTL_API=3 etcdctl " + String.join(" ", Cli.etcdctlFlags()) + " txn");
        assertEquals(List.of("SUCCESS", "", "OK"), r.ok().out().lines().toList());
        assertEquals("v2", etcdctl("get", key, "--print-value-only").ok().out().trim());
    }

    @Test
    void leaseExpiryDeletesAttachedKeys() {
        String out = etcdctl("lease", "grant", "2").ok().out();
        String id = out.replaceAll("(?s)lease ([0-9a-f]+) granted.*", "$1");
        etcdctl("put", P + "l", "v", "--lease=" + id).ok();
        assertTrue(etcdctl("lease", "timetolive", id, "--keys").ok().out().contains(P + "l"));
        Cli.eventually(Duration.ofSeconds(15), () -> etcdctl("get", P + "l").ok().out(), String::isBlank);
        assertTrue(etcdctl("lease", "timetolive", id).ok().out().contains("already expired"));
    }
}
