package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 8, Done-when 2: what kubectl prints for the workload kinds, column by column as upstream's printers define
 * them, and `kubectl rollout status|undo|history` for DaemonSets and StatefulSets, plus `undo --to-revision` of a
 * Deployment (KubectlCompatTest already covers a Deployment's status, history and plain undo).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutTest {

    private static final String NS = "rollout";
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final String AGE = "\\d+(s|m\\d*s?)";

    private static final String MANIFESTS = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: roll, namespace: rollout}
            spec:
              replicas: 2
              selector: {matchLabels: {app: roll}}
              template:
                metadata: {labels: {app: roll}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox, command: [sleep, "3600"], resources: {requests: {cpu: 10m}}}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: rollout}
            spec:
              replicas: 2
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox, command: [sleep, "3600"]}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: rollout}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox, command: [sleep, "3600"]}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once, namespace: rollout}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: main, image: busybox, command: ["true"]}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: tick, namespace: rollout}
            spec:
              schedule: "0 0 1 1 *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: main, image: busybox, command: ["true"]}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: roll, namespace: rollout}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: roll}
              minReplicas: 1
              maxReplicas: 3
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
            """;

    @BeforeAll
    static void create() throws IOException {
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true",
                "--timeout=120s");
        kubectl("create", "namespace", NS).ok();
        Path file = Files.createTempFile("rollout", ".yaml");
        Files.writeString(file, MANIFESTS);
        kubectl("apply", "-f", file.toString()).ok();
        Files.deleteIfExists(file);
    }

    @AfterAll
    static void delete() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @Test
    @Order(1)
    void rolloutStatusOfEachKindAsUpstreamWordsIt() {
        assertEquals("deployment \"roll\" successfully rolled out", lastLine(status("deployment/roll")));
        assertEquals("daemon set \"agent\" successfully rolled out", lastLine(status("daemonset/agent")));
        // the apiserver defaults a StatefulSet's rollingUpdate.partition to 0, and kubectl words any rolling update
        // with a partition this way
        assertEquals("partitioned roll out complete: 2 new pods have been updated...",
                lastLine(status("statefulset/db")));
        kubectl(WAIT, "wait", "-n", NS, "--for=condition=complete", "job/once", "--timeout=140s").ok();
    }

    @Test
    @Order(2)
    void getOfEveryWorkloadKindShowsUpstreamsColumns() {
        // `kubectl get a,b,...` prints one table per kind, separated by a blank line, names as kind.group/name
        String out = kubectl("get", "-n", NS, "deploy,rs,sts,ds,job,cronjob,hpa").ok().out();
        Map<String, List<String>> tables = tables(out);
        assertEquals(7, tables.size(), out);
        expect(tables, "deployment.apps/", "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE",
                "deployment\\.apps/roll\\s+2/2\\s+2\\s+2\\s+" + AGE);
        expect(tables, "replicaset.apps/", "NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE",
                "replicaset\\.apps/roll-[a-z0-9]+\\s+2\\s+2\\s+2\\s+" + AGE);
        expect(tables, "statefulset.apps/", "NAME\\s+READY\\s+AGE", "statefulset\\.apps/db\\s+2/2\\s+" + AGE);
        expect(tables, "daemonset.apps/",
                "NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+NODE SELECTOR\\s+AGE",
                "daemonset\\.apps/agent\\s+1\\s+1\\s+1\\s+1\\s+1\\s+<none>\\s+" + AGE);
        expect(tables, "job.batch/", "NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE",
                "job\\.batch/once\\s+Complete\\s+1/1\\s+\\d+s\\s+" + AGE);
        expect(tables, "cronjob.batch/", "NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE",
                "cronjob\\.batch/tick\\s+0 0 1 1 \\*\\s+<none>\\s+False\\s+0\\s+<none>\\s+" + AGE);
        // TARGETS and REPLICAS depend on the metrics API and the HPA controller; their shape does not
        expect(tables, "horizontalpodautoscaler.autoscaling/",
                "NAME\\s+REFERENCE\\s+TARGETS\\s+MINPODS\\s+MAXPODS\\s+REPLICAS\\s+AGE",
                "horizontalpodautoscaler\\.autoscaling/roll\\s+Deployment/roll\\s+cpu: \\S+/50%\\s+1\\s+3\\s+\\d+\\s+"
                        + AGE);
    }

    @Test
    @Order(3)
    void wideColumns() {
        String deploy = kubectl("get", "-n", NS, "rs", "-o", "wide").ok().out().lines().findFirst().orElseThrow();
        assertTrue(deploy.matches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR"),
                deploy);
        String sts = kubectl("get", "-n", NS, "sts", "-o", "wide").ok().out();
        assertTrue(sts.lines().findFirst().orElseThrow().matches("NAME\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES"), sts);
        assertTrue(sts.lines().skip(1).findFirst().orElseThrow().matches("db\\s+2/2\\s+" + AGE + "\\s+main\\s+busybox"),
                sts);
        String ds = kubectl("get", "-n", NS, "ds", "-o", "wide").ok().out();
        assertTrue(ds.lines().skip(1).findFirst().orElseThrow().matches(
                "agent\\s+1\\s+1\\s+1\\s+1\\s+1\\s+<none>\\s+" + AGE + "\\s+main\\s+busybox\\s+app=agent"), ds);
    }

    @Test
    @Order(4)
    void deploymentUndoToARevision() {
        kubectl("set", "env", "-n", NS, "deployment/roll", "V=2").ok();
        status("deployment/roll");
        kubectl("set", "env", "-n", NS, "deployment/roll", "V=3").ok();
        status("deployment/roll");
        List<String> revisions = kubectl("rollout", "history", "-n", NS, "deployment/roll").ok().out().lines()
                .filter(l -> l.matches("\\d+\\s+.*")).map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("1", "2", "3"), revisions);
        String rev2 = kubectl("rollout", "history", "-n", NS, "deployment/roll", "--revision=2").ok().out();
        assertTrue(rev2.contains("deployment.apps/roll with revision #2") && rev2.matches("(?s).*\\sV:\\s+2\\s.*"),
                rev2);
        assertEquals("deployment.apps/roll rolled back",
                kubectl("rollout", "undo", "-n", NS, "deployment/roll", "--to-revision=1").ok().out().trim());
        status("deployment/roll");
        assertEquals("", kubectl("get", "-n", NS, "deployment", "roll", "-o",
                "jsonpath={.spec.template.spec.containers[0].env}").ok().out().trim());
        // revision 1 comes back as revision 4
        List<String> after = kubectl("rollout", "history", "-n", NS, "deployment/roll").ok().out().lines()
                .filter(l -> l.matches("\\d+\\s+.*")).map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("2", "3", "4"), after);
        assertEquals("deployment.apps/roll paused", kubectl("rollout", "pause", "-n", NS, "deployment/roll").ok().out().trim());
        assertEquals("deployment.apps/roll resumed", kubectl("rollout", "resume", "-n", NS, "deployment/roll").ok().out().trim());
    }

    @Test
    @Order(5)
    void daemonSetAndStatefulSetUndo() {
        for (String target : List.of("daemonset/agent", "statefulset/db")) {
            kubectl("set", "env", "-n", NS, target, "V=2").ok();
            status(target);
            String history = kubectl("rollout", "history", "-n", NS, target).ok().out();
            assertEquals(List.of("1", "2"), history.lines().filter(l -> l.matches("\\d+\\s+.*"))
                    .map(l -> l.split("\\s+")[0]).toList(), history);
            String kind = target.substring(0, target.indexOf('/'));
            assertEquals(kind + ".apps/" + target.substring(target.indexOf('/') + 1) + " rolled back",
                    kubectl("rollout", "undo", "-n", NS, target).ok().out().trim());
            eventually(Duration.ofSeconds(60), () -> kubectl("get", "-n", NS, target, "-o",
                    "jsonpath={.spec.template.spec.containers[0].env}").ok().out().trim(), String::isEmpty);
            status(target);
        }
    }

    private static String status(String target) {
        return kubectl(WAIT, "rollout", "status", "-n", NS, target, "--timeout=140s").ok().out();
    }

    private static String lastLine(String out) {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        return lines.get(lines.size() - 1);
    }

    /** The tables of a multi-kind `kubectl get`, keyed by the name prefix of their rows ("deployment.apps/"). */
    private static Map<String, List<String>> tables(String out) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        List<String> current = new ArrayList<>();
        for (String line : (out + "\n").lines().toList()) {
            if (line.isBlank()) {
                if (current.size() > 1) {
                    String name = current.get(1).split("\\s+")[0];
                    tables.put(name.substring(0, name.indexOf('/') + 1), current);
                }
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        if (current.size() > 1) {
            String name = current.get(1).split("\\s+")[0];
            tables.put(name.substring(0, name.indexOf('/') + 1), current);
        }
        return tables;
    }

    private static void expect(Map<String, List<String>> tables, String kind, String header, String row) {
        List<String> t = tables.get(kind);
        assertTrue(t != null, kind + " missing in " + tables.keySet());
        assertTrue(t.get(0).matches(header), "header of " + kind + ": " + t.get(0));
        assertEquals(2, t.size(), String.join("\n", t));
        assertTrue(t.get(1).matches(row), "row of " + kind + ": " + t.get(1));
    }
}
