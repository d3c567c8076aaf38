package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResidualTimeTest {

    @ParameterizedTest(name = "{0}s -> {1}")
    @CsvSource({
        "-5, <invalid>", "-2, <invalid>", "-1, 0s", "0, 0s", "59, 59s", "60, 1m", "3599, 59m", "3600, 1h",
        "86399, 23h", "86400, 1d", "31449600, 364d", "31535999, 364d", "31536000, 1y", "315360000, 10y",
        "315187200, 9y"})
    void residual(long seconds, String expected) {
        assertEquals(expected, ResidualTime.of(Duration.ofSeconds(seconds)));
    }

    @Test
    void dateAsKubeadmPrintsIt() {
        assertEquals("Dec 30, 2020 23:36 UTC", ResidualTime.date(Instant.parse("2020-12-30T23:36:59Z")));
        assertEquals("Jan 02, 2026 04:05 UTC", ResidualTime.date(Instant.parse("2026-01-02T04:05:00Z")));
    }
}
