package io.kybernetes.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {

    Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-auditlog-");
    }

    @AfterEach
    void clean() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Test
    void writesLinesAndFlushesOnClose() throws Exception {
        Path file = dir.resolve("sub/audit.log");
        AuditLog log = new AuditLog(file, 0, 0, 100);
        for (int i = 0; i < 50; i++) {
            log.write(("{\"n\":" + i + "}").getBytes());
        }
        log.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(50, lines.size());
        assertEquals("{\"n\":49}", lines.get(49));
    }

    @Test
    void rotatesAtMaxSizeKeepingMaxBackups() throws Exception {
        Path file = dir.resolve("audit.log");
        AuditLog log = new AuditLog(file, 1, 2, 10_000);
        byte[] line = ("{\"pad\":\"" + "x".repeat(100 * 1024) + "\"}").getBytes();
        for (int i = 0; i < 35; i++) {
            log.write(line); // ~3.5 MB: three rotations
        }
        log.close();
        try (var files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.size(), names.toString());
            assertTrue(names.contains("audit.log"));
            assertTrue(names.stream().filter(n -> !n.equals("audit.log"))
                    .allMatch(n -> n.matches("audit-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}(\\.\\d+)?\\.log")),
                    names.toString());
            for (String n : names) {
                assertTrue(Files.size(dir.resolve(n)) <= 1024 * 1024, n);
            }
        }
    }

    @Test
    void aFullQueueDropsInsteadOfBlocking() throws Exception {
        Path file = dir.resolve("audit.log");
        AuditLog log = new AuditLog(file, 0, 0, 1);
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            log.write("{}".getBytes());
        }
        assertTrue(System.nanoTime() - start < 2_000_000_000L);
        log.close();
        assertEquals(10_000, Files.readAllLines(file).size() + log.dropped());
    }
}
