package io.kybernetes.apiserver.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({ "0s, 0", "1h0m0s, 3600000000000", "1m30s, 90000000000", "1.5s, 1500000000", "300ms, 300000000",
            "2µs, 2000", "7ns, 7", "-5s, -5000000000", "26h3m4.005s, 93784005000000" })
    void formatsAndParsesLikeGo(String text, long nanos) {
        assertEquals(text, GoDuration.format(nanos));
        assertEquals(nanos, GoDuration.parse(text));
    }

    @ParameterizedTest
    @CsvSource({ "0, 0", "90s, 90000000000", "1h, 3600000000000", "1.5h, 5400000000000", "2us, 2000",
            "+3m, 180000000000" })
    void parsesOtherSpellings(String text, long nanos) {
        assertEquals(nanos, GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "5", "1x", "s", "1h 2m", "--1s" })
    void rejectsNonDurations(String text) {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
    }
}
