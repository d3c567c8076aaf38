package io.kybernetes.kubelet.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogStreamerTest {

    static final String LOG = String.join("\n",
            "2026-11-24T07:00:00.000000001Z stdout F one",
            "2026-11-24T07:00:01.000000000Z stderr F two",
            "2026-11-24T07:00:02.000000000Z stdout P thr",
            "2026-11-24T07:00:02.500000000Z stdout F ee",
            "2026-11-24T07:00:03.000000000Z stdout F ",
            "2026-11-24T07:00:04.000000000Z stdout F five") + "\n";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "''                                  | one\\ntwo\\nthree\\n\\nfive\\n",
            "tailLines=2                         | \\nfive\\n",
            "tailLines=3                         | three\\n\\nfive\\n",
            "tailLines=0                         | ''",
            "tailLines=100                       | one\\ntwo\\nthree\\n\\nfive\\n",
            "sinceTime=2026-11-24T07:00:01Z      | two\\nthree\\n\\nfive\\n",
            "limitBytes=6                        | one\\ntw",
            "timestamps=true&tailLines=1         | 2026-11-24T07:00:04.000000000Z five\\n",
            "timestamps=true&sinceTime=2026-11-24T07:00:02Z&limitBytes=40 | 2026-11-24T07:00:02.000000000Z three\\n202",
    })
    void rendersWhatKubectlShows(String query, String expected) throws Exception {
        Path f = dir.resolve("0.log");
        Files.writeString(f, LOG);
        StringBuilder out = new StringBuilder();
        new LogStreamer(f, LogOptions.from(params(query)::get, Instant.parse("2026-11-24T08:00:00Z")))
                .stream(c -> { out.append(c); return true; }, () -> false);
        assertEquals(expected.replace("\\n", "\n"), out.toString());
    }

    @Test
    void followPicksUpNewLinesUntilTheContainerStops() throws Exception {
        Path f = dir.resolve("0.log");
        Files.writeString(f, "2026-11-24T07:00:00Z stdout F first\n");
        StringBuilder out = new StringBuilder();
        int[] polls = {0};
        new LogStreamer(f, LogOptions.from(params("follow=true")::get, Instant.now())).stream(c -> {
            out.append(c);
            return true;
        }, () -> {
            if (++polls[0] == 2) {
                try {
                    Files.writeString(f, "2026-11-24T07:00:01Z stdout F second\n", java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return polls[0] < 4;
        });
        assertEquals("first\nsecond\n", out.toString());
    }

    @Test
    void followStopsWhenTheClientGoes() throws Exception {
        Path f = dir.resolve("0.log");
        Files.writeString(f, "2026-11-24T07:00:00Z stdout F first\n");
        int[] writes = {0};
        new LogStreamer(f, LogOptions.from(params("follow=true")::get, Instant.now()))
                .stream(c -> ++writes[0] < 3, () -> true); // container runs forever; client leaves
        assertEquals(3, writes[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tailLines=-1                | tailLines: must be greater than or equal to 0",
            "limitBytes=0                | limitBytes: must be greater than 0",
            "sinceSeconds=x              | sinceSeconds: invalid integer \"x\"",
            "sinceTime=yesterday         | sinceTime: invalid RFC3339 time \"yesterday\"",
            "sinceSeconds=1&sinceTime=2026-11-24T07:00:00Z | at most one of sinceTime or sinceSeconds may be specified",
    })
    void badOptionsAreClearErrors(String query, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogOptions.from(params(query)::get, Instant.now()));
        assertEquals(message, e.getMessage());
    }

    @Test
    void parsesCriLines() {
        CriLogLine l = CriLogLine.parse("2026-11-24T07:00:00.123456789Z stderr P a b ");
        assertEquals("stderr", l.stream());
        assertEquals("a b ", l.text());
        assertEquals(true, l.partial());
        assertNull(CriLogLine.parse("not a log line"));
    }

    static Map<String, String> params(String query) {
        Map<String, String> m = new HashMap<>();
        if (!query.isEmpty()) {
            for (String kv : query.split("&")) {
                String[] p = kv.split("=", 2);
                m.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        return m;
    }
}
