package io.kybernetes.kubelet.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Turns a CRI log file into what {@code kubectl logs} prints, honouring tailLines, sinceTime, timestamps,
 * limitBytes and follow (polling the file while the container may still write).
 */
public final class LogStreamer {

    /** Receives output; returns false when the client went away. */
    public interface Sink {
        boolean write(String chunk);
    }

    static final long POLL_MILLIS = 200;

    private final Path file;
    private final LogOptions options;

    public LogStreamer(Path file, LogOptions options) {
        this.file = file;
        this.options = options;
    }

    /**
     * Writes the log to {@code sink}. With follow, keeps going while {@code alive} says the container may still
     * write and the sink accepts data.
     */
    public void stream(Sink sink, BooleanSupplier alive) throws IOException, InterruptedException {
        long budget = options.limitBytes() == null ? Long.MAX_VALUE : options.limitBytes();
        long offset;
        State st = new State();
        List<CriLogLine> lines = new ArrayList<>();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            offset = readLines(raf, 0, lines, st);
        }
        for (CriLogLine l : select(lines)) {
            budget = emit(sink, l, st, budget);
            if (budget <= 0) {
                return;
            }
        }
        if (!options.follow()) {
            return;
        }
        while (true) {
            boolean running = alive.getAsBoolean();
            long size = Files.exists(file) ? Files.size(file) : -1;
            if (size < 0) {
                return;
            }
            if (size < offset) {
                offset = 0; // truncated or rotated in place
            }
            if (size > offset) {
                List<CriLogLine> more = new ArrayList<>();
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                    offset = readLines(raf, offset, more, st);
                }
                for (CriLogLine l : more) {
                    if (options.since() != null && l.time().isBefore(options.since())) {
                        continue;
                    }
                    budget = emit(sink, l, st, budget);
                    if (budget <= 0) {
                        return;
                    }
                }
            } else if (!running) {
                return;
            } else if (!sink.write("")) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static final class State {
        boolean continuation;
    }

    private long emit(Sink sink, CriLogLine l, State st, long budget) {
        String out = l.render(options.timestamps(), st.continuation);
        st.continuation = l.partial();
        if (out.length() > budget) {
            byte[] b = out.getBytes(StandardCharsets.UTF_8);
            if (b.length > budget) {
                out = new String(b, 0, (int) budget, StandardCharsets.UTF_8);
            }
        }
        if (!sink.write(out)) {
            return 0;
        }
        return budget - out.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The initial lines: since-filtered, then the last tailLines whole lines (partials belong to their line). */
    List<CriLogLine> select(List<CriLogLine> lines) {
        List<CriLogLine> kept = new ArrayList<>();
        for (CriLogLine l : lines) {
            if (options.since() == null || !l.time().isBefore(options.since())) {
                kept.add(l);
            }
        }
        if (options.tailLines() == null) {
            return kept;
        }
        long want = options.tailLines();
        Deque<CriLogLine> out = new ArrayDeque<>();
        long whole = 0;
        for (int i = kept.size() - 1; i >= 0; i--) {
            CriLogLine l = kept.get(i);
            if (!l.partial()) {
                if (whole == want) {
                    break;
                }
                whole++;
            }
            out.addFirst(l);
        }
        return new ArrayList<>(out);
    }

    /** Reads complete lines from {@code offset}; returns the offset after the last complete line. */
    private static long readLines(RandomAccessFile raf, long offset, List<CriLogLine> out, State st) throws IOException {
        long len = raf.length();
        if (len <= offset) {
            return offset;
        }
        raf.seek(offset);
        byte[] buf = new byte[(int) Math.min(len - offset, 64L * 1024 * 1024)];
        raf.readFully(buf);
        int start = 0;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '\n') {
                CriLogLine l = CriLogLine.parse(new String(buf, start, i - start, StandardCharsets.UTF_8));
                if (l != null) {
                    out.add(l);
                }
                start = i + 1;
            }
        }
        return offset + start;
    }
}
