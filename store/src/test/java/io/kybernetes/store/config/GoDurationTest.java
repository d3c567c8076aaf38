package io.kybernetes.store.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "10m, 600000",
        "30s, 30000",
        "500ms, 500",
        "1h30m, 5400000",
        "1.5h, 5400000",
        "2m0.5s, 120500",
        "0, 0",
    })
    void parses(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "m", "10x", "1h 30m", "-1s", "s10"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertEquals(true, e.getMessage().contains("invalid duration"));
    }
}
