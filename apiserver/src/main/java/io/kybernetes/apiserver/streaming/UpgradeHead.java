package io.kybernetes.apiserver.streaming;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.buffer.Buffer;

/** The status line and headers of an HTTP/1.1 answer to an upgrade request, as read off a raw connection. */
record UpgradeHead(int status, String reason, List<String[]> headers) {

    static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Parses the text before the blank line; a garbled status line reads as 502. */
    static UpgradeHead parse(String head) {
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
            }
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (RuntimeException e) {
            code = 502;
        }
        return new UpgradeHead(code, status.length > 2 ? status[2] : "", headers);
    }

    /** The first value of a header (names compare case-insensitively), or null. */
    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** The body length the head announces, or -1. */
    int contentLength() {
        String v = header("Content-Length");
        try {
            return v == null ? -1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Where the head ends (the index of the blank line), or -1 while it is incomplete. */
    static int end(Buffer b) {
        outer:
        for (int i = 0; i + END.length <= b.length(); i++) {
            for (int j = 0; j < END.length; j++) {
                if (b.getByte(i + j) != END[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
