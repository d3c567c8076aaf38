package io.kybernetes.kubelet.logs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The last lines of a container's CRI log as plain text (the FallbackToLogsOnError termination message). */
public final class LogTail {

    private LogTail() {
    }

    /** The last {@code lines} lines, cut to their last {@code maxBytes} bytes; "" when the log cannot be read. */
    public static String of(Path file, long lines, int maxBytes) {
        StringBuilder out = new StringBuilder();
        try {
            new LogStreamer(file, new LogOptions(false, lines, false, null, false, null))
                    .stream(chunk -> { out.append(chunk); return true; }, () -> false);
        } catch (Exception e) {
            return "";
        }
        byte[] b = out.toString().getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) {
            return out.toString();
        }
        return new String(b, b.length - maxBytes, maxBytes, StandardCharsets.UTF_8);
    }
}
