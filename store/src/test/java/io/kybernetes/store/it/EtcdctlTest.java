package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Drives the in-process store with the real etcdctl 3.4. */
@QuarkusTest
@QuarkusTestResource(value = StoreTestResource.class, restrictToAnnotatedClass = false)
class EtcdctlTest {

    private final Etcdctl etcdctl = new Etcdctl("127.0.0.1:" + StoreTestResource.grpcPort);

    private long rev() {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(etcdctl.ok("get", "x", "-w", "json"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    void putGetDelete() {
        assertEquals("OK\n", etcdctl.ok("put", "/e/a", "1"));
        etcdctl.ok("put", "/e/b", "2");
        etcdctl.ok("put", "/e/a", "3");
        assertEquals("/e/a\n3\n", etcdctl.ok("get", "/e/a"));
        assertEquals("/e/a\n3\n/e/b\n2\n", etcdctl.ok("get", "--prefix", "/e/"));
        assertEquals("/e/a\n", etcdctl.ok("get", "--prefix", "/e/", "--keys-only", "--limit=1").trim() + "\n");
        assertTrue(etcdctl.ok("get", "/e/a", "-w", "json").contains("\"version\":2"));
        assertEquals("2\n", etcdctl.ok("del", "--prefix", "/e/"));
        assertEquals("", etcdctl.ok("get", "--prefix", "/e/"));
    }

    @Test
    void historicalReadsAndErrors() {
        etcdctl.ok("put", "/h/k", "old");
        long old = rev();
        etcdctl.ok("put", "/h/k", "new");
        assertEquals("/h/k\nold\n", etcdctl.ok("get", "/h/k", "--rev=" + old));
        Etcdctl.Result future = etcdctl.run("get", "/h/k", "--rev=" + (rev() + 1000));
        assertNotEquals(0, future.exit());
        assertTrue(future.out().contains("etcdserver: mvcc: required revision is a future revision"), future.out());
        Etcdctl.Result noKey = etcdctl.run("get", "");
        assertTrue(noKey.out().contains("etcdserver: key is not provided"), noKey.out());
    }

    @Test
    void txn() {
        etcdctl.ok("put", "/t/k", "v1");
        String ok = etcdctl.runWithInput("value(\"/t/k\") = \"v1\"\n\nput /t/k v2\nget /t/k\n\nput /t/failed x\n\n",
                "txn").out();
        assertEquals("SUCCESS\n\nOK\n\n/t/k\nv2\n", ok);
        String failed = etcdctl.runWithInput("version(\"/t/k\") = \"1\"\n\nput /t/k v3\n\nput /t/failed x\n\n",
                "txn").out();
        assertEquals("FAILURE\n\nOK\n", failed);
        assertEquals("/t/k\nv2\n", etcdctl.ok("get", "/t/k"));
        Etcdctl.Result dup = etcdctl.runWithInput("\nput /t/d 1\nput /t/d 2\n\n\n", "txn");
        assertTrue(dup.out().contains("etcdserver: duplicate key given in txn request"), dup.out());
    }

    @Test
    void watchReplaysFromAPastRevisionAndFollows() throws Exception {
        etcdctl.ok("put", "/w/k", "v1");
        long first = rev();
        etcdctl.ok("put", "/w/k", "v2");
        etcdctl.ok("del", "/w/k");
        try (Etcdctl.Running watch = etcdctl.start("watch", "--rev=" + first, "--prefix", "/w/")) {
            assertEquals(List.of("PUT", "/w/k", "v1", "PUT", "/w/k", "v2", "DELETE", "/w/k", ""), watch.take(9));
            etcdctl.ok("put", "/w/other", "x");
            assertEquals(List.of("PUT", "/w/other", "x"), watch.take(3));
        }
    }

    @Test
    void leases() throws Exception {
        String granted = etcdctl.ok("lease", "grant", "60");
        Matcher m = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(60s\\)").matcher(granted);
        assertTrue(m.find(), granted);
        String id = m.group(1);
        etcdctl.ok("put", "/l/k", "v", "--lease=" + id);
        String ttl = etcdctl.ok("lease", "timetolive", id, "--keys");
        assertTrue(ttl.matches("(?s)lease " + id + " granted with TTL\\(60s\\), remaining\\(5\\ds\\), attached keys\\(\\[/l/k\\]\\)\\s*"), ttl);
        assertTrue(etcdctl.ok("lease", "keep-alive", "--once", id).contains("lease " + id + " keepalived with TTL(60)"));
        assertTrue(etcdctl.ok("lease", "list").contains(id));
        assertEquals("lease " + id + " revoked\n", etcdctl.ok("lease", "revoke", id));
        assertEquals("", etcdctl.ok("get", "/l/k"));
        assertTrue(etcdctl.ok("lease", "timetolive", id).contains("already expired"));
        Etcdctl.Result missing = etcdctl.run("lease", "revoke", id);
        assertTrue(missing.out().contains("etcdserver: requested lease not found"), missing.out());
    }

    @Test
    void endpointAndMembers() {
        String health = etcdctl.ok("endpoint", "health");
        assertTrue(health.contains("is healthy: successfully committed proposal"), health);
        String status = etcdctl.ok("endpoint", "status");
        assertTrue(status.contains("3.4."), status);
        assertTrue(status.contains(", true, false,"), status); // is leader, not learner
        String members = etcdctl.ok("member", "list");
        assertTrue(members.contains(", started, default, http://127.0.0.1:2380, "), members);
    }
}
