package io.kybernetes.controllers.hpa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaleNormalizerTest {

    static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // name | current | desired | min | max | replicas | ScalingLimited reason
            "within range | 2 | 3 | 1 | 10 | 3 | DesiredWithinRange",
            "below min | 2 | 0 | 1 | 10 | 1 | TooFewReplicas",
            "above max | 2 | 4 | 1 | 3 | 3 | TooManyReplicas",
            "faster than 2x or 4 | 3 | 20 | 1 | 50 | 6 | ScaleUpLimit",
            "1 to 4 is allowed | 1 | 4 | 1 | 50 | 4 | DesiredWithinRange",
    })
    void withoutBehavior(String name, int current, int desired, int min, int max, int replicas, String reason) {
        var o = new ScaleNormalizer(Duration.ofMinutes(5)).normalize("k", current, desired, min, max, T0);
        assertEquals(replicas, o.replicas(), name);
        assertEquals(reason, o.scalingLimited().reason(), name);
    }

    @Test
    void scaleDownIsStabilizedOverTheWindowWithoutBehavior() {
        ScaleNormalizer n = new ScaleNormalizer(Duration.ofMinutes(5));
        assertEquals(5, n.normalize("k", 5, 5, 1, 10, T0).replicas());
        var o = n.normalize("k", 5, 2, 1, 10, T0.plusSeconds(60));
        assertEquals(5, o.replicas());
        assertEquals("ScaleDownStabilized", o.ableToScale().reason());
        assertEquals(2, n.normalize("k", 5, 2, 1, 10, T0.plusSeconds(301)).replicas());
    }

    static Behavior behavior(int downWindow, Behavior.Rules up, Behavior.Rules down) {
        return new Behavior(up, new Behavior.Rules(downWindow, down.selectPolicy(), down.policies()));
    }

    @Test
    void behaviorStabilizationWindowOfScaleDown() {
        ScaleNormalizer n = new ScaleNormalizer(Duration.ofMinutes(5));
        Behavior b = behavior(30, Behavior.defaultScaleUp(), Behavior.defaultScaleDown(30));
        assertEquals(3, n.normalize("k", 3, 3, 1, 3, b, T0).replicas());
        var o = n.normalize("k", 3, 1, 1, 3, b, T0.plusSeconds(15));
        assertEquals(3, o.replicas());
        assertEquals("ScaleDownStabilized", o.ableToScale().reason());
        assertEquals(1, n.normalize("k", 3, 1, 1, 3, b, T0.plusSeconds(31)).replicas());
    }

    @Test
    void behaviorScaleUpStabilizationTakesTheLowestRecentRecommendation() {
        ScaleNormalizer n = new ScaleNormalizer(Duration.ofMinutes(5));
        Behavior b = new Behavior(new Behavior.Rules(60, "Max", Behavior.defaultScaleUp().policies()),
                Behavior.defaultScaleDown(0));
        n.normalize("k", 2, 2, 1, 10, b, T0);
        var o = n.normalize("k", 2, 8, 1, 10, b, T0.plusSeconds(15));
        assertEquals(2, o.replicas());
        assertEquals("ScaleUpStabilized", o.ableToScale().reason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // name | select | policies (type:value:period,...) | current | recent change in period | desired | replicas
            "max of 4 pods and 100% from 2 | Max | Pods:4:15,Percent:100:15 | 2 | 0 | 20 | 6",
            "max of 4 pods and 100% from 10 | Max | Pods:4:15,Percent:100:15 | 10 | 0 | 40 | 20",
            "min picks the smaller | Min | Pods:4:15,Percent:100:15 | 10 | 0 | 40 | 14",
            "one pod per minute, one added already | Max | Pods:1:60 | 3 | 1 | 10 | 3",
            "disabled | Disabled | Pods:4:15 | 3 | 0 | 10 | 3",
    })
    void scaleUpPolicies(String name, String select, String policies, int current, int recent, int desired,
            int replicas) {
        ScaleNormalizer n = new ScaleNormalizer(Duration.ofMinutes(5));
        Behavior b = new Behavior(new Behavior.Rules(0, select, policies(policies)), Behavior.defaultScaleDown(0));
        if (recent > 0) {
            n.recordScale("k", b, current - recent, current, T0.minusSeconds(10));
        }
        assertEquals(replicas, n.normalize("k", current, desired, 1, 100, b, T0).replicas(), name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "100% per 15 s goes to min | Max | Percent:100:15 | 10 | 1 | 1",
            "50% per 15 s | Max | Percent:50:15 | 10 | 1 | 5",
            "2 pods per 15 s | Max | Pods:2:15 | 10 | 1 | 8",
            "min of 50% and 2 pods keeps more | Min | Percent:50:15,Pods:2:15 | 10 | 1 | 8",
            "max of 50% and 2 pods removes more | Max | Percent:50:15,Pods:2:15 | 10 | 1 | 5",
    })
    void scaleDownPolicies(String name, String select, String policies, int current, int desired, int replicas) {
        ScaleNormalizer n = new ScaleNormalizer(Duration.ofMinutes(5));
        Behavior b = new Behavior(Behavior.defaultScaleUp(), new Behavior.Rules(0, select, policies(policies)));
        assertEquals(replicas, n.normalize("k", current, desired, 1, 100, b, T0).replicas(), name);
    }

    static List<Behavior.Policy> policies(String s) {
        return java.util.Arrays.stream(s.split(",")).map(p -> p.split(":"))
                .map(f -> new Behavior.Policy(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]))).toList();
    }
}
