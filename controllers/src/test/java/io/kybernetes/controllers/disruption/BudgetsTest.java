package io.kybernetes.controllers.disruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.kybernetes.controllers.reconcile.Times;

class BudgetsTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    /**
     * Pods, one letter each: R ready, N not ready, T ready but being deleted, D ready and evicted 30 s ago, O ready
     * and evicted 3 min ago (overdue), U ready without a controller, X ready with a controller of an unknown kind,
     * S ready and owned by a second controller "api" of scale 2. "web" (R, N, T, D, O) has scale {@code scale}.
     */
    @ParameterizedTest(name = "{0}={1} scale {2} pods [{3}] -> {4}")
    @CsvSource({
        // field, value, scale, pods, expected/desired/healthy/allowed
        "minAvailable,   2,    3, RRR,   3/2/3/1",
        "minAvailable,   2,    3, RRN,   3/2/2/0",
        "minAvailable,   3,    3, RRR,   3/3/3/0",
        "minAvailable,   0,    3, RRN,   3/0/2/2",
        "minAvailable,   5,    3, RRR,   3/5/3/0",
        "minAvailable,   1,    0, '',    0/1/0/0",
        "minAvailable,   0,    0, '',    0/0/0/0",
        "minAvailable,   2,    3, RRT,   3/2/2/0",
        "minAvailable,   1,    3, RRD,   3/1/2/1",
        "minAvailable,   2,    3, RRO,   3/2/3/1",
        "minAvailable,   50%,  3, RRR,   3/2/3/1",
        "minAvailable,   50%,  4, RRRR,  4/2/4/2",
        "minAvailable,   34%,  3, RRR,   3/2/3/1",
        "minAvailable,   100%, 3, RRR,   3/3/3/0",
        "minAvailable,   0%,   3, RRR,   3/0/3/3",
        "minAvailable,   50%,  5, RRR,   5/3/3/0",
        "minAvailable,   2,    3, RRU,   3/2/3/1",
        "minAvailable,   50%,  3, RRRU,  3/2/4/2",
        "minAvailable,   50%,  3, RRSS,  5/3/4/1",
        "minAvailable,   1,    3, X,     1/1/1/0",
        "maxUnavailable, 1,    3, RRR,   3/2/3/1",
        "maxUnavailable, 1,    3, RRN,   3/2/2/0",
        "maxUnavailable, 0,    3, RRR,   3/3/3/0",
        "maxUnavailable, 5,    3, RRR,   3/0/3/3",
        "maxUnavailable, 1,    5, RRR,   5/4/3/0",
        "maxUnavailable, 50%,  3, RRR,   3/1/3/2",
        "maxUnavailable, 34%,  3, RRR,   3/1/3/2",
        "maxUnavailable, 33%,  3, RRR,   3/2/3/1",
        "maxUnavailable, 10%,  10, RRRRRRRRRR, 10/9/10/1",
        "maxUnavailable, 1,    3, RRD,   3/2/2/0",
        "maxUnavailable, 1,    3, RRO,   3/2/3/1",
        "maxUnavailable, 1,    0, '',    0/0/0/0",
        "maxUnavailable, 1,    3, RRRU,  3/2/4/2",
        "maxUnavailable, 50%,  3, RRSS,  5/2/4/2",
        "none,           '',   3, RRR,   0/0/3/0",
    })
    void status(String field, String value, int scale, String pods, String want) throws Exception {
        Budgets.Computed c = Budgets.compute(pdb(field, value, pods), pods(pods), finder(scale), NOW);
        assertEquals(want, c.expectedPods() + "/" + c.desiredHealthy() + "/" + c.currentHealthy() + "/"
                + c.disruptionsAllowed());
    }

    @ParameterizedTest(name = "{0}={1} pods [{2}] fails: {3}")
    @CsvSource({
        "minAvailable,   50%, RX, found no controllers for pod \"p1\"",
        "maxUnavailable, 1,   X,  found no controllers for pod \"p0\"",
        "minAvailable,   half, R, invalid value for IntOrString: invalid type: string is not a percentage",
        "maxUnavailable, x%,  R,  invalid value \"x%\": not an integer percentage",
    })
    void failures(String field, String value, String pods, String message) {
        var e = assertThrows(Budgets.CountFailed.class,
                () -> Budgets.compute(pdb(field, value, pods), pods(pods), finder(3), NOW));
        assertEquals(message, e.getMessage());
    }

    @Test
    void recentEvictionsStayInDisruptedPodsUntilTwoMinutesThenTheOverdueAreReported() throws Exception {
        Budgets.Computed c = Budgets.compute(pdb("minAvailable", "1", "RDOT"), pods("RDOT"), finder(4), NOW);
        assertEquals(Map.of("p1", Times.format(NOW.minusSeconds(30))), c.disruptedPods());
        assertEquals(List.of("p2"), c.overdue());
        assertEquals(NOW.plusSeconds(90), c.recheck(), "looked at again when the recent eviction expires");
        // a pod being deleted leaves the list without being reported
        assertFalse(c.disruptedPods().containsKey("p3"));
        assertEquals(null, Budgets.compute(pdb("minAvailable", "1", "RR"), pods("RR"), finder(2), NOW).recheck());
    }

    @Test
    void unmanagedPodsAreReported() throws Exception {
        assertEquals(List.of("p1"), Budgets.compute(pdb("maxUnavailable", "1", "RU"), pods("RU"), finder(1), NOW)
                .unmanagedPods());
    }

    @ParameterizedTest(name = "selector {0} selects pod labelled {1}: {2}")
    @CsvSource({"null, app=web, false", "empty, app=web, true", "empty, '', true", "app=web, app=web, true",
        "app=web, app=db, false", "app=web, '', false"})
    void policyV1Selectors(String selector, String labels, boolean selected) {
        PodDisruptionBudget pdb = new PodDisruptionBudgetBuilder().withNewMetadata().withName("b").endMetadata()
                .withNewSpec().endSpec().build();
        if (selector.equals("empty")) {
            pdb.getSpec().setSelector(new LabelSelectorBuilder().build());
        } else if (!selector.equals("null")) {
            String[] kv = selector.split("=");
            pdb.getSpec().setSelector(new LabelSelectorBuilder().addToMatchLabels(kv[0], kv[1]).build());
        }
        PodBuilder p = new PodBuilder().withNewMetadata().withName("p").endMetadata();
        if (labels != null && !labels.isEmpty()) {
            String[] kv = labels.split("=");
            p.editMetadata().addToLabels(kv[0], kv[1]).endMetadata();
        }
        assertEquals(selected, Budgets.selects(pdb, p.build()));
    }

    static Budgets.ScaleFinder finder(int webScale) {
        return (ref, ns) -> switch (ref.getName()) {
            case "web" -> Optional.of(new Budgets.Scale("uid-web", webScale));
            case "api" -> Optional.of(new Budgets.Scale("uid-api", 2));
            default -> Optional.empty();
        };
    }

    static PodDisruptionBudget pdb(String field, String value, String pods) {
        var b = new PodDisruptionBudgetBuilder().withNewMetadata().withName("b").withNamespace("ns")
                .withGeneration(1L).endMetadata().withNewSpec().endSpec().withNewStatus().endStatus();
        IntOrString v = value == null || value.isEmpty() ? null
                : value.matches("\\d+") ? new IntOrString(Integer.parseInt(value)) : new IntOrString(value);
        if (field.equals("minAvailable")) {
            b.editSpec().withMinAvailable(v).endSpec();
        } else if (field.equals("maxUnavailable")) {
            b.editSpec().withMaxUnavailable(v).endSpec();
        }
        for (int i = 0; i < pods.length(); i++) {
            if (pods.charAt(i) == 'D') {
                b.editStatus().addToDisruptedPods("p" + i, Times.format(NOW.minusSeconds(30))).endStatus();
            } else if (pods.charAt(i) == 'O' || pods.charAt(i) == 'T') {
                b.editStatus().addToDisruptedPods("p" + i, Times.format(NOW.minusSeconds(180))).endStatus();
            }
        }
        return b.build();
    }

    static List<Pod> pods(String codes) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < codes.length(); i++) {
            char c = codes.charAt(i);
            PodBuilder p = new PodBuilder().withNewMetadata().withName("p" + i).withNamespace("ns").endMetadata()
                    .withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
                    .withStatus(c == 'N' ? "False" : "True").endCondition().endStatus();
            if (c != 'U') {
                String kind = c == 'X' ? "CronTab" : "ReplicaSet";
                String name = c == 'S' ? "api" : c == 'X' ? "tab" : "web";
                p.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(kind).withName(name)
                        .withUid("uid-" + name).withController(true).endOwnerReference().endMetadata();
            }
            if (c == 'T') {
                p.editMetadata().withDeletionTimestamp(Times.format(NOW)).endMetadata();
            }
            out.add(p.build());
        }
        return out;
    }
}
