package io.kybernetes.kubelet.logs;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One line of a CRI log file: {@code <RFC3339Nano time> <stdout|stderr> <P|F> <text>}. {@code P} marks a partial
 * line whose text continues in the next entry; {@code F} ends the line.
 */
public record CriLogLine(Instant time, String timestamp, String stream, boolean partial, String text) {

    /** Parses one line (without its newline); null when it is not in CRI format. */
    public static CriLogLine parse(String line) {
        int a = line.indexOf(' ');
        if (a <= 0) {
            return null;
        }
        int b = line.indexOf(' ', a + 1);
        if (b < 0) {
            return null;
        }
        int c = line.indexOf(' ', b + 1);
        String tag = c < 0 ? line.substring(b + 1) : line.substring(b + 1, c);
        String text = c < 0 ? "" : line.substring(c + 1);
        String ts = line.substring(0, a);
        Instant time;
        try {
            time = Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return null;
        }
        String stream = line.substring(a + 1, b);
        // tags may carry more flags after ':' (e.g. "F:x"); the first is P or F
        boolean partial = tag.startsWith("P");
        return new CriLogLine(time, ts, stream, partial, text);
    }

    /** The bytes `kubectl logs` shows for this entry: the text, a newline unless partial, optional time prefix. */
    public String render(boolean timestamps, boolean continuation) {
        StringBuilder sb = new StringBuilder();
        if (timestamps && !continuation) {
            sb.append(timestamp).append(' ');
        }
        sb.append(text);
        if (!partial) {
            sb.append('\n');
        }
        return sb.toString();
    }
}
