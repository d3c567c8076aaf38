package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Issue 8, Done-when 1 (HPA scaling on CPU load): a Deployment whose pods request 100m CPU and burn up to their
 * 300m limit for their first 70 s, autoscaled with {@code kubectl autoscale --cpu-percent=50 --min=1 --max=3}
 * and a 15 s scale-down stabilization window (behavior), scales up while the pods burn ({@code kubectl get hpa}
 * shows e.g. {@code cpu: 290%/50%}) and back down to one replica once the load has stopped.
 */
@Tag("node")
class HpaTest {

    private static final String NS = "hpatest";
    private static final Pattern TARGETS = Pattern.compile("cpu: (\\d+)%/50%");

    @BeforeAll
    static void deploy() throws IOException {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        Path manifest = Files.createTempFile("hpa", ".yaml");
        Files.writeString(manifest, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: burner
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: burner}
                  template:
                    metadata:
                      labels: {app: burner}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: burner
                        image: busybox
                        command: ["sh", "-c", "while :; do :; done & sleep 70; kill $!; echo idle; exec sleep 3600"]
                        resources:
                          requests: {cpu: 100m}
                          limits: {cpu: 300m}
                """);
        try {
            kubectl("-n", NS, "apply", "-f", manifest.toString()).ok();
        } finally {
            Files.deleteIfExists(manifest);
        }
        kubectl("-n", NS, "autoscale", "deployment", "burner", "--cpu-percent=50", "--min=1", "--max=3").ok();
        kubectl("-n", NS, "patch", "hpa", "burner", "--type=merge", "-p",
                "{\"spec\":{\"behavior\":{\"scaleDown\":{\"stabilizationWindowSeconds\":15}}}}").ok();
    }

    @AfterAll
    static void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @Test
    void scalesUpUnderLoadAndDownAfterIt() {
        List<String> seen = new ArrayList<>();
        // up: the HPA sees the burning pod above 50% and raises the Deployment's replicas (at most 3)
        String up = eventually(Duration.ofSeconds(150), () -> {
            String out = kubectl("-n", NS, "get", "hpa", "burner").out();
            seen.add(out);
            return out;
        }, out -> {
            Matcher m = TARGETS.matcher(out);
            return m.find() && Integer.parseInt(m.group(1)) > 55 && replicas() > 1;
        });
        System.out.println("scaled up:\n" + up);
        assertTrue(up.contains("Deployment/burner") && up.contains("REPLICAS"), up);
        int max = replicas();
        assertTrue(max > 1 && max <= 3, "replicas " + max);
        String events = kubectl("-n", NS, "get", "events", "--field-selector", "reason=SuccessfulRescale").ok().out();
        assertTrue(events.contains("New size: ") && events.contains("cpu resource utilization (percentage of "
                + "request) above target"), events);
        String conditions = kubectl("-n", NS, "get", "hpa", "burner", "-o",
                "jsonpath={range .status.conditions[*]}{.type}={.status} {end}").ok().out();
        assertTrue(conditions.contains("AbleToScale=True") && conditions.contains("ScalingActive=True")
                && conditions.contains("ScalingLimited="), conditions);
        // down: every pod stops burning after 70 s; after the 15 s window the HPA goes back to one replica
        String down = eventually(Duration.ofSeconds(240), () -> kubectl("-n", NS, "get", "hpa", "burner").out(),
                out -> replicas() == 1 && TARGETS.matcher(out).find());
        System.out.println("scaled down:\n" + down);
        Matcher m = TARGETS.matcher(down);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) < 50, down);
        String all = kubectl("-n", NS, "get", "events", "--field-selector", "reason=SuccessfulRescale").ok().out();
        assertTrue(all.contains("All metrics below target"), all);
    }

    private static int replicas() {
        String r = kubectl("-n", NS, "get", "deployment", "burner", "-o", "jsonpath={.spec.replicas}").out().trim();
        return r.isEmpty() ? 0 : Integer.parseInt(r);
    }
}
