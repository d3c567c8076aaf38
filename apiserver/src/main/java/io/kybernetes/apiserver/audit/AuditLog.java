package io.kybernetes.apiserver.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * The audit log file: events are queued (bounded; a full queue drops the event and counts it, so a request thread
 * never waits on the disk) and one writer thread appends them as JSON lines. With a maximum size (MB) the file is
 * rotated as upstream's (lumberjack) names it, {@code <name>-<UTC time>.<ext>}, keeping {@code maxBackups} old files
 * (0: all). Path {@code -} writes to standard output. {@link #close} writes what is queued first.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final byte[] STOP = new byte[0];
    static final DateTimeFormatter BACKUP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS");

    private final Path path;
    private final long maxBytes;
    private final int maxBackups;
    private final BlockingQueue<byte[]> queue;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private OutputStream out;
    private long size;

    /** {@code path} null means standard output; {@code maxSizeMb} 0: never rotate. */
    public AuditLog(Path path, int maxSizeMb, int maxBackups, int queueSize) throws IOException {
        this.path = path;
        this.maxBytes = maxSizeMb * 1024L * 1024L;
        this.maxBackups = maxBackups;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        open();
        writer = new Thread(this::run, "audit-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void open() throws IOException {
        if (path == null) {
            out = System.out;
            return;
        }
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        size = Files.size(path);
    }

    /** Queues one event (a JSON line without its newline); never blocks. */
    public void write(byte[] event) {
        if (!queue.offer(event)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warnf("audit log queue full: %d events dropped", n);
            }
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                byte[] first = queue.take();
                batch.add(first);
                queue.drainTo(batch, 1024);
                boolean stop = false;
                for (byte[] e : batch) {
                    if (e == STOP) {
                        stop = true;
                    } else {
                        append(e);
                    }
                }
                batch.clear();
                out.flush();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.errorf("cannot write the audit log %s: %s", path, e.getMessage());
        }
    }

    private void append(byte[] event) throws IOException {
        if (maxBytes > 0 && path != null && size > 0 && size + event.length + 1 > maxBytes) {
            rotate();
        }
        out.write(event);
        out.write('\n');
        size += event.length + 1;
    }

    private void rotate() throws IOException {
        out.close();
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(BACKUP_TIME);
        Path backup = path.resolveSibling(stem + "-" + time + ext);
        for (int i = 1; Files.exists(backup); i++) {
            backup = path.resolveSibling(stem + "-" + time + "." + i + ext);
        }
        Files.move(path, backup);
        if (maxBackups > 0) {
            List<Path> backups = new ArrayList<>();
            try (var files = Files.list(path.toAbsolutePath().getParent())) {
                files.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(stem + "-") && n.endsWith(ext) && !n.equals(name);
                }).sorted().forEach(backups::add);
            }
            for (int i = 0; i < backups.size() - maxBackups; i++) {
                Files.deleteIfExists(backups.get(i));
            }
        }
        open();
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(10));
            if (path != null) {
                out.close();
            } else {
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warnf("closing the audit log: %s", e.getMessage());
        }
    }
}
