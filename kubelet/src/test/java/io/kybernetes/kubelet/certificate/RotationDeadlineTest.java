package io.kybernetes.kubelet.certificate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationDeadlineTest {

    @ParameterizedTest(name = "{0} days valid, random {1}: renew after {2}")
    @CsvSource({
            "100, 0.0,   2025-03-12T00:00:00Z",   // 70% of 100 days
            "100, 0.5,   2025-03-22T00:00:00Z",   // 80%
            "100, 1.0,   2025-04-01T00:00:00Z",   // 90%
            "365, 0.0,   2025-09-13T12:00:00Z",   // 255.5 days
            "1,   0.5,   2025-01-01T19:12:00Z"})  // 80% of a day
    void seventyToNinetyPercentOfTheLifetime(long days, double random, String expected) {
        Instant from = Instant.parse("2025-01-01T00:00:00Z");
        Instant deadline = RotationDeadline.of(from, from.plusSeconds(days * 86400), () -> random);
        // to the millisecond, give or take the rounding of the fraction
        assertTrue(Math.abs(Duration.between(Instant.parse(expected), deadline).toMillis()) <= 1, deadline.toString());
    }
}
