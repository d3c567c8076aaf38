package io.kybernetes.controllers.hpa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Quantity;

class KubeAutoscalerClientTest {

    @ParameterizedTest
    @CsvSource({"15s, 15", "15.004649313s, 15", "1m0.5s, 60", "1h2m3s, 3723", "1500ms, 1", "'', 0", "15, 0", "x, 0"})
    void goDurations(String text, long seconds) {
        assertEquals(seconds, KubeAutoscalerClient.goDurationSeconds(text));
    }

    @ParameterizedTest
    @CsvSource({"250m, 250", "1, 1000", "1234567n, 2", "48Mi, 50331648000", "0, 0"})
    void milliUnits(String quantity, long milli) {
        assertEquals(milli, KubeAutoscalerClient.milli(new Quantity(quantity)));
    }
}
