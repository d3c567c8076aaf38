package io.kybernetes.controllers.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseSettingsTest {

    @ParameterizedTest
    @CsvSource({
        "15s, 15000",
        "2s, 2000",
        "500ms, 500",
        "1.5s, 1500",
        "1m30s, 90000",
        "1h, 3600000",
        "10, 10000",
    })
    void parsesUpstreamDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), LeaseSettings.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "15x", "-1s", "1s2", "PT15S"})
    void rejectsOtherDurations(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LeaseSettings.parseDuration(text));
        assertTrue(e.getMessage().contains("invalid duration"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // lease | renew | retry | error, as upstream validates the leader-election configuration
        "10s | 10s | 2s | leaseDuration (10s) must be greater than renewDeadline (10s)",
        "15s | 2s  | 2s | renewDeadline (2s) must be greater than retryPeriod*JitterFactor (2s*1.2)",
        "15s | 10s | 0s | durations must be positive",
    })
    void rejectsInconsistentDurations(String lease, String renew, String retry, String error) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(lease, renew, retry));
        assertTrue(e.getMessage().contains(error), e.getMessage());
    }

    @Test
    void acceptsUpstreamAndKybernetesDefaults() {
        assertEquals("kube-system/kube-controller-manager (lease 15s, renew deadline 10s, retry 2s)",
                settings("15s", "10s", "2s").toString());
        assertEquals("kube-system/kube-controller-manager (lease 12s, renew deadline 8s, retry 1s)",
                settings("12s", "8s", "1s").toString());
    }

    @Test
    void needsANamespaceAndAName() {
        assertThrows(IllegalArgumentException.class, () -> new LeaseSettings("", "x", Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2)));
    }

    private static LeaseSettings settings(String lease, String renew, String retry) {
        return new LeaseSettings("kube-system", "kube-controller-manager", LeaseSettings.parseDuration(lease),
                LeaseSettings.parseDuration(renew), LeaseSettings.parseDuration(retry));
    }
}
