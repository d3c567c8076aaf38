package io.kybernetes.kubelet.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.kybernetes.kubelet.volume.AtomicWriter.FileData;

class AtomicWriterTest {

    @TempDir
    Path dir;

    static FileData text(String s, int mode) {
        return new FileData(s.getBytes(StandardCharsets.UTF_8), mode);
    }

    @Test
    void writesThroughDataSymlinkAndSwapsAtomically() throws Exception {
        Map<String, FileData> files = new LinkedHashMap<>();
        files.put("color", text("blue", 0644));
        files.put("conf/app.ini", text("x=1", 0400));
        assertTrue(AtomicWriter.write(dir, files, null));
        assertEquals("blue", Files.readString(dir.resolve("color")));
        assertEquals("x=1", Files.readString(dir.resolve("conf/app.ini")));
        assertTrue(Files.isSymbolicLink(dir.resolve("..data")));
        assertEquals(Path.of("..data", "color"), Files.readSymbolicLink(dir.resolve("color")));
        assertEquals(0400, AtomicWriter.mode(Files.getPosixFilePermissions(dir.resolve("conf/app.ini"))));
        Path first = dir.resolve("..data").toRealPath();

        assertFalse(AtomicWriter.write(dir, files, null), "same content: nothing rewritten");
        assertEquals(first, dir.resolve("..data").toRealPath());

        Map<String, FileData> next = Map.of("color", text("red", 0644));
        assertTrue(AtomicWriter.write(dir, next, null));
        assertEquals("red", Files.readString(dir.resolve("color")));
        assertFalse(Files.exists(dir.resolve("conf")), "keys no longer projected disappear");
        assertFalse(Files.exists(first), "the old timestamped directory is removed");
        try (Stream<Path> l = Files.list(dir)) {
            assertEquals(3, l.count(), "..data, one timestamped dir, color");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "0644, 0644", "0400, 0400", "0755, 0755", "0777, 0777", "0, 0",
    })
    void modes(String octal, String expected) {
        int m = Integer.parseInt(octal, 8);
        assertEquals(Integer.parseInt(expected, 8), AtomicWriter.mode(AtomicWriter.permissions(m)));
    }

    @Test
    void itemsSelectKeysWithPathsAndModes() throws Exception {
        Map<String, byte[]> data = Map.of("a", "1".getBytes(), "b", "2".getBytes());
        Map<String, FileData> files = new LinkedHashMap<>();
        PodVolumes.project(data, List.of(new KeyToPath("a", 0600, "dir/a.txt")), false, 0644, files, "f: ", "missing: ");
        assertEquals(List.of("dir/a.txt"), List.copyOf(files.keySet()));
        assertEquals(0600, files.get("dir/a.txt").mode());
        var e = assertThrows(PodVolumes.VolumeException.class, () -> PodVolumes.project(data,
                List.of(new KeyToPath("zz", null, "zz")), false, 0644, new LinkedHashMap<>(), "f: ", "missing: "));
        assertEquals("f: missing: zz", e.getMessage());
        Map<String, FileData> optional = new LinkedHashMap<>();
        PodVolumes.project(data, List.of(new KeyToPath("zz", null, "zz")), true, 0644, optional, "f: ", "m: ");
        assertTrue(optional.isEmpty());
    }

    @ParameterizedTest
    @CsvSource({"../x", "/etc", "a/../../b"})
    void subPathsMayNotEscape(String sub) {
        assertThrows(PodVolumes.VolumeException.class, () -> PodVolumes.ensureSubPath(dir.toString(), sub));
    }

    @Test
    void subPathDirectoriesAreCreated() throws Exception {
        PodVolumes.ensureSubPath(dir.toString(), "a/b");
        assertTrue(Files.isDirectory(dir.resolve("a/b")));
    }
}
