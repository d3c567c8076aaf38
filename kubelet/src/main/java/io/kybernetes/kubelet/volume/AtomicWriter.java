package io.kybernetes.kubelet.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a projection of files (configMap, secret, downwardAPI, projected volumes) into a directory so that readers
 * never see a half-written state, with upstream's layout: the files live in a timestamped directory
 * {@code ..<timestamp>}, the symlink {@code ..data} points at it and is swapped by an atomic rename, and each
 * top-level name is a symlink {@code name -> ..data/name}. Nothing is rewritten when the content is unchanged.
 */
public final class AtomicWriter {

    /** One file: its bytes and permission bits. */
    public record FileData(byte[] data, int mode) {
        boolean sameAs(FileData o) {
            return o != null && mode == o.mode && Arrays.equals(data, o.data);
        }
    }

    static final String DATA = "..data";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS")
            .withZone(ZoneOffset.UTC);

    private AtomicWriter() {
    }

    /** Returns true when the directory changed. {@code gid}: group owner of the files (fsGroup), or null. */
    public static boolean write(Path dir, Map<String, FileData> files, Long gid) throws IOException {
        Files.createDirectories(dir);
        Path data = dir.resolve(DATA);
        if (Files.isSymbolicLink(data) && unchanged(data, files)) {
            return false;
        }
        Path ts = dir.resolve(".." + STAMP.format(Instant.now()));
        Files.createDirectories(ts);
        for (Map.Entry<String, FileData> f : files.entrySet()) {
            Path target = ts.resolve(f.getKey()).normalize();
            if (!target.startsWith(ts) || f.getKey().startsWith("..")) {
                continue; // a path may not escape the volume or use the reserved names
            }
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue().data());
            Files.setPosixFilePermissions(target, permissions(f.getValue().mode()));
            if (gid != null) {
                chgrp(target, gid);
            }
        }
        Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        Path tmp = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, ts.getFileName());
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // user-visible names: one symlink per top-level entry; drop those no longer projected
        Set<String> top = new HashSet<>();
        for (String name : files.keySet()) {
            top.add(name.split("/")[0]);
        }
        for (String name : top) {
            Path link = dir.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, Path.of(DATA, name));
            }
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith("..") && !top.contains(n) && Files.isSymbolicLink(p)) {
                    Files.delete(p);
                }
            }
        }
        if (old != null && !old.equals(ts)) {
            deleteTree(old);
        }
        return true;
    }

    private static boolean unchanged(Path data, Map<String, FileData> files) throws IOException {
        Path cur = data.toRealPath();
        Set<String> present = new HashSet<>();
        try (Stream<Path> walk = Files.walk(cur)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                present.add(cur.relativize(p).toString());
            }
        }
        if (!present.equals(files.keySet())) {
            return false;
        }
        for (Map.Entry<String, FileData> f : files.entrySet()) {
            Path p = cur.resolve(f.getKey());
            FileData now = new FileData(Files.readAllBytes(p), mode(Files.getPosixFilePermissions(p)));
            if (!now.sameAs(f.getValue())) {
                return false;
            }
        }
        return true;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (int i = 0; i < 9; i++) {
            if (perms.contains(permissions(1 << i).iterator().next())) {
                m |= 1 << i;
            }
        }
        return m;
    }

    static void chgrp(Path p, long gid) throws IOException {
        Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
