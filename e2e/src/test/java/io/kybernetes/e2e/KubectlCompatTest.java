package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 6, Done-when 1: a kubectl compatibility suite. Each check is one kubectl command line (or a short
 * sequence) a user runs, and asserts what upstream prints or stores for it. The checks share one namespace and
 * build on each other, so they run in the order listed.
 */
class KubectlCompatTest {

    private static final String NS = "compat";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = tempDir();

    private final List<DynamicTest> checks = new ArrayList<>();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("e2e-compat");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }

    private void check(String name, Check body) {
        checks.add(DynamicTest.dynamicTest(name, body::run));
    }

    private static Cli.Result k(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-n";
        all[1] = NS;
        System.arraycopy(args, 0, all, 2, args.length);
        return kubectl(all);
    }

    private static String ok(String... args) {
        return k(args).ok().out();
    }

    private static Cli.Result fails(String... args) {
        Cli.Result r = k(args);
        assertNotEquals(0, r.exit(), "expected a failure: " + r.out());
        return r;
    }

    private static Path file(String name, String text) throws IOException {
        Path p = DIR.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static JsonNode json(String... args) throws IOException {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-o";
        all[args.length + 1] = "json";
        return JSON.readTree(ok(all));
    }

    private static String deployment(int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {app: web, tier: front}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: nginx
                        image: %s
                        ports: [{containerPort: 80, name: http}]
                """.formatted(replicas, image);
    }

    private static void awaitRunning(String selector, int n) {
        eventually(Duration.ofSeconds(120),
                () -> k("get", "pods", "-l", selector, "--field-selector=status.phase=Running", "-o", "name").out(),
                out -> out.lines().filter(l -> l.startsWith("pod/")).count() == n);
    }

    @AfterAll
    static void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @TestFactory
    Stream<DynamicTest> kubectlBehavesAsUpstream() {
        discovery();
        applyAndRead();
        writes();
        rollouts();
        errors();
        podsAndWatches();
        workloads();
        customResources();
        generators();
        nodes();
        deletion();
        namespaces();
        return checks.stream();
    }

    private void discovery() {
        check("create namespace", () -> {
            kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=60s");
            assertEquals("namespace/" + NS + " created", kubectl("create", "namespace", NS).ok().out().trim());
        });
        check("version reports the server as v1.32.0", () ->
                assertTrue(kubectl("version").ok().out().contains("Server Version: v1.32.0")));
        check("cluster-info names the control plane", () ->
                assertTrue(kubectl("cluster-info").ok().out().contains("Kubernetes control plane is running at")));
        check("api-versions lists the core and named groups", () -> {
            List<String> versions = kubectl("api-versions").ok().out().lines().toList();
            for (String v : List.of("v1", "apps/v1", "coordination.k8s.io/v1")) {
                assertTrue(versions.contains(v), v + " in " + versions);
            }
        });
        for (String[] r : new String[][] {{"statefulsets", "sts", "true", "StatefulSet"}, {"daemonsets", "ds", "true", "DaemonSet"},
                {"jobs", "", "true", "Job"}, {"cronjobs", "cj", "true", "CronJob"},
                {"horizontalpodautoscalers", "hpa", "true", "HorizontalPodAutoscaler"}, {"ingresses", "ing", "true", "Ingress"},
                {"persistentvolumes", "pv", "false", "PersistentVolume"}, {"persistentvolumeclaims", "pvc", "true", "PersistentVolumeClaim"},
                {"customresourcedefinitions", "crd,crds", "false", "CustomResourceDefinition"},
                {"endpointslices", "", "true", "EndpointSlice"}, {"priorityclasses", "pc", "false", "PriorityClass"},
                {"pods", "po", "true", "Pod"}, {"deployments", "deploy", "true", "Deployment"},
                {"namespaces", "ns", "false", "Namespace"}, {"nodes", "no", "false", "Node"},
                {"services", "svc", "true", "Service"}, {"configmaps", "cm", "true", "ConfigMap"}}) {
            check("api-resources: " + r[0] + " with short name " + r[1] + ", namespaced " + r[2], () -> {
                String line = kubectl("api-resources").ok().out().lines().filter(l -> l.startsWith(r[0] + " "))
                        .findFirst().orElseThrow();
                String shortNames = r[1].isEmpty() ? "" : r[1] + "\\s+";
                assertTrue(line.matches(r[0] + "\\s+" + shortNames + "\\S+\\s+" + r[2] + "\\s+" + r[3] + "\\s*"), line);
            });
        }
        check("api-resources --namespaced=false -o name", () -> {
            List<String> names = kubectl("api-resources", "--namespaced=false", "-o", "name").ok().out().lines().toList();
            assertTrue(names.contains("nodes") && names.contains("namespaces") && !names.contains("pods"), names.toString());
        });
        check("explain deployment.spec.replicas", () -> {
            String out = kubectl("explain", "deployment.spec.replicas").ok().out();
            assertTrue(out.contains("FIELD: replicas <integer>"), out);
            assertTrue(out.contains("GROUP:      apps"), out);
        });
        check("explain pod.spec.containers is a list of Container", () ->
                assertTrue(kubectl("explain", "pod.spec.containers").ok().out().contains("<[]Container>")));
    }

    private void applyAndRead() {
        check("apply creates", () ->
                assertEquals("deployment.apps/web created", ok("apply", "-f", file("d1.yaml", deployment(1, "nginx")).toString()).trim()));
        check("rollout status waits for the rollout", () ->
                assertTrue(ok("rollout", "status", "deployment/web", "--timeout=120s").contains("successfully rolled out")));
        check("apply of the same manifest is unchanged", () ->
                assertEquals("deployment.apps/web unchanged", ok("apply", "-f", DIR.resolve("d1.yaml").toString()).trim()));
        check("diff of an unchanged manifest exits 0", () -> {
            Cli.Result r = k("diff", "-f", DIR.resolve("d1.yaml").toString());
            assertEquals(0, r.exit(), r.out() + r.err());
        });
        check("diff of a changed manifest exits 1 and shows the change", () -> {
            Cli.Result r = k("diff", "-f", file("d2.yaml", deployment(2, "nginx")).toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.out().contains("-  replicas: 1") && r.out().contains("+  replicas: 2"), r.out());
        });
        check("apply of a changed manifest configures", () -> {
            assertEquals("deployment.apps/web configured", ok("apply", "-f", DIR.resolve("d2.yaml").toString()).trim());
            assertEquals("2", ok("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"));
        });
        check("apply stores the last-applied-configuration annotation", () -> {
            JsonNode d = json("get", "deployment", "web");
            String last = d.path("metadata").path("annotations").path("kubectl.kubernetes.io/last-applied-configuration").asText();
            assertEquals(2, JSON.readTree(last).path("spec").path("replicas").asInt(), last);
        });
        check("get -o json has upstream defaults", () -> {
            JsonNode d = json("get", "deployment", "web");
            assertEquals("Deployment", d.path("kind").asText());
            assertEquals("RollingUpdate", d.path("spec").path("strategy").path("type").asText());
            assertEquals("25%", d.path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asText());
            assertEquals(10, d.path("spec").path("revisionHistoryLimit").asInt());
            assertEquals(600, d.path("spec").path("progressDeadlineSeconds").asInt());
            JsonNode c = d.path("spec").path("template").path("spec").path("containers").path(0);
            assertEquals("Always", c.path("imagePullPolicy").asText());
            assertEquals("TCP", c.path("ports").path(0).path("protocol").asText());
            assertEquals("/dev/termination-log", c.path("terminationMessagePath").asText());
        });
        check("get -o yaml", () -> {
            String out = ok("get", "deployment", "web", "-o", "yaml");
            assertTrue(out.startsWith("apiVersion: apps/v1\nkind: Deployment\n"), out);
        });
        check("get -o wide has the extra columns", () -> {
            String header = ok("get", "deployment", "-o", "wide").lines().findFirst().orElseThrow();
            assertTrue(header.matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR"), header);
        });
        check("get -o name", () -> assertEquals("deployment.apps/web", ok("get", "deployment", "-o", "name").trim()));
        check("get -o jsonpath", () -> assertEquals("web:nginx", ok("get", "deployment", "web", "-o",
                "jsonpath={.metadata.name}:{.spec.template.spec.containers[0].image}")));
        check("get -o custom-columns", () -> {
            List<String> lines = ok("get", "deployment", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas").lines().toList();
            assertTrue(lines.get(0).matches("NAME\\s+REPLICAS"), lines.toString());
            assertTrue(lines.get(1).matches("web\\s+2"), lines.toString());
        });
        check("get -o go-template", () -> assertEquals("web", ok("get", "deployment", "web", "-o", "go-template={{.metadata.name}}")));
        check("get with a label selector", () -> {
            assertEquals("deployment.apps/web", ok("get", "deployments", "-l", "tier=front", "-o", "name").trim());
            assertEquals("", ok("get", "deployments", "-l", "tier=back", "-o", "name").trim());
        });
        check("get with a set-based label selector", () ->
                assertEquals("deployment.apps/web", ok("get", "deployments", "-l", "tier in (front,back),!canary", "-o", "name").trim()));
        check("get pods with a field selector", () -> {
            awaitRunning("app=web", 2);
            assertEquals(2, ok("get", "pods", "--field-selector=status.phase=Running", "-o", "name").lines().count());
        });
        check("get of two kinds at once", () -> {
            String out = ok("get", "deployments,replicasets", "-o", "name");
            assertTrue(out.contains("deployment.apps/web") && out.contains("replicaset.apps/web-"), out);
        });
        check("get --show-labels", () ->
                assertTrue(ok("get", "deployment", "web", "--show-labels").contains("app=web,tier=front")));
        check("get -L adds a label column", () -> {
            List<String> lines = ok("get", "deployment", "web", "-L", "tier").lines().toList();
            assertTrue(lines.get(0).endsWith("TIER") && lines.get(1).endsWith("front"), lines.toString());
        });
        check("get --sort-by", () -> {
            List<String> names = ok("get", "pods", "-l", "app=web", "--sort-by=.metadata.name", "-o", "name").lines().toList();
            assertEquals(names.stream().sorted().toList(), names);
        });
        check("describe deployment", () -> {
            String out = ok("describe", "deployment", "web");
            assertTrue(out.contains("Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable"), out);
            assertTrue(out.contains("StrategyType:           RollingUpdate"), out);
            assertTrue(out.contains("NewReplicaSet:"), out);
        });
        check("describe pod shows node, IP and events", () -> {
            String pod = ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}");
            String out = ok("describe", "pod", pod);
            assertTrue(out.matches("(?s).*\\nStatus:\\s+Running\\n.*"), out);
            assertTrue(out.matches("(?s).*\\nIP:\\s+10\\.244\\.\\d+\\.\\d+\\n.*"), out);
            assertTrue(out.contains("Successfully assigned " + NS + "/" + pod), out);
        });
        check("get all", () -> {
            String out = ok("get", "all");
            assertTrue(out.contains("deployment.apps/web") && out.contains("replicaset.apps/web-") && out.contains("pod/web-"), out);
        });
    }

    private void writes() {
        check("edit with a scripted EDITOR", () -> {
            Path editor = file("editor.sh", "#!/bin/sh\nsed -i 's/^  labels:$/  labels:\\n    edited: \"yes\"/' \"$1\"\n");
            editor.toFile().setExecutable(true);
            List<String> cmd = List.of("env", "EDITOR=" + editor, "KUBE_EDITOR=" + editor, "kubectl", "--kubeconfig",
                    Cli.KUBECONFIG, "-n", NS, "edit", "deployment", "web");
            Cli.Result r = Cli.run(Duration.ofSeconds(60), cmd.toArray(String[]::new)).ok();
            assertEquals("deployment.apps/web edited", r.out().trim());
            assertEquals("yes", ok("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.edited}"));
        });
        check("patch --type=merge", () -> {
            ok("patch", "deployment", "web", "--type=merge", "-p", "{\"metadata\":{\"labels\":{\"m\":\"1\"}}}");
            assertEquals("1", ok("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.m}"));
        });
        check("patch --type=json", () -> {
            ok("patch", "deployment", "web", "--type=json", "-p", "[{\"op\":\"add\",\"path\":\"/metadata/labels/j\",\"value\":\"2\"}]");
            assertEquals("2", ok("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.j}"));
        });
        check("patch --type=json with a failing test op is rejected", () -> {
            Cli.Result r = fails("patch", "deployment", "web", "--type=json", "-p",
                    "[{\"op\":\"test\",\"path\":\"/metadata/labels/j\",\"value\":\"nope\"}]");
            assertTrue(r.err().contains("Error from server"), r.err());
        });
        check("strategic merge patch merges containers by name", () -> {
            ok("patch", "deployment", "web", "-p",
                    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"env\":[{\"name\":\"A\",\"value\":\"b\"}]}]}}}}");
            JsonNode c = json("get", "deployment", "web").path("spec").path("template").path("spec").path("containers");
            assertEquals(1, c.size());
            assertEquals("nginx", c.path(0).path("image").asText());
            assertEquals("b", c.path(0).path("env").path(0).path("value").asText());
        });
        check("strategic merge patch $patch: delete removes a list item", () -> {
            ok("patch", "deployment", "web", "-p",
                    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"env\":[{\"name\":\"A\",\"$patch\":\"delete\"}]}]}}}}");
            JsonNode c = json("get", "deployment", "web").path("spec").path("template").path("spec").path("containers").path(0);
            assertTrue(c.path("env").isMissingNode() || c.path("env").isEmpty(), c.toString());
        });
        check("label, then --overwrite, then remove", () -> {
            ok("label", "deployment", "web", "color=red");
            Cli.Result again = fails("label", "deployment", "web", "color=blue");
            assertTrue(again.err().contains("'color' already has a value (red), and --overwrite is false"), again.err());
            ok("label", "deployment", "web", "color=blue", "--overwrite");
            assertEquals("blue", ok("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.color}"));
            ok("label", "deployment", "web", "color-");
            assertEquals("", ok("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.color}"));
        });
        check("annotate", () -> {
            assertEquals("deployment.apps/web annotated", ok("annotate", "deployment", "web", "note=hello").trim());
            assertEquals("hello", ok("get", "deployment", "web", "-o", "jsonpath={.metadata.annotations.note}"));
        });
        check("annotate --resource-version with a stale version conflicts", () -> {
            Cli.Result r = fails("annotate", "deployment", "web", "note=stale", "--overwrite", "--resource-version=1");
            assertTrue(r.err().contains("the object has been modified"), r.err());
        });
        check("scale", () -> {
            assertEquals("deployment.apps/web scaled", ok("scale", "deployment", "web", "--replicas=3").trim());
            awaitRunning("app=web", 3);
        });
        check("scale --current-replicas with the wrong count is refused", () -> {
            Cli.Result r = fails("scale", "deployment", "web", "--current-replicas=7", "--replicas=1");
            assertTrue(r.err().contains("Expected replicas to be 7, was 3"), r.err());
        });
        check("get the scale subresource", () -> {
            JsonNode scale = JSON.readTree(kubectl("get", "--raw",
                    "/apis/apps/v1/namespaces/" + NS + "/deployments/web/scale").ok().out());
            assertEquals("Scale", scale.path("kind").asText());
            assertEquals(3, scale.path("spec").path("replicas").asInt());
        });
        check("create --dry-run=server stores nothing", () -> {
            assertEquals("configmap/dry", ok("create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server", "-o", "name").trim());
            assertTrue(k("get", "configmap", "dry").err().contains("configmaps \"dry\" not found"));
        });
        check("apply --dry-run=server changes nothing", () -> {
            ok("apply", "-f", file("d5.yaml", deployment(5, "nginx")).toString(), "--dry-run=server");
            assertEquals("3", ok("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"));
        });
        check("create configmap from literals and a file", () -> {
            Path f = file("game.properties", "lives=3\n");
            ok("create", "configmap", "cfg", "--from-literal=a=1", "--from-file=" + f);
            JsonNode cm = json("get", "configmap", "cfg");
            assertEquals("1", cm.path("data").path("a").asText());
            assertEquals("lives=3\n", cm.path("data").path("game.properties").asText());
        });
        check("create secret generic stores base64", () -> {
            ok("create", "secret", "generic", "s1", "--from-literal=password=hunter2");
            JsonNode s = json("get", "secret", "s1");
            assertEquals("Opaque", s.path("type").asText());
            assertEquals("aHVudGVyMg==", s.path("data").path("password").asText());
        });
        check("apply --server-side", () ->
                assertEquals("configmap/ssa serverside-applied", ok("apply", "--server-side", "-f",
                        file("ssa.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: one}\n").toString()).trim()));
        check("apply --server-side records kubectl as the Apply manager in managedFields", () -> {
            JsonNode mf = JSON.readTree(ok("get", "configmap", "ssa", "--show-managed-fields", "-o",
                    "jsonpath={.metadata.managedFields}"));
            assertTrue(mf.isArray() && mf.size() == 1, mf::toString);
            assertEquals("kubectl", mf.get(0).path("manager").asText());
            assertEquals("Apply", mf.get(0).path("operation").asText());
            assertTrue(mf.get(0).at("/fieldsV1/f:data").has("f:a"), mf::toString);
        });
        check("apply --server-side by a second manager changing an owned field is a conflict", () -> {
            Cli.Result r = fails("apply", "--server-side", "--field-manager=other", "-f",
                    file("ssa-other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: two}\n").toString());
            assertTrue(r.err().contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"), r.err());
            assertTrue(r.err().contains("--force-conflicts"), r.err());
            assertEquals("one", ok("get", "configmap", "ssa", "-o", "jsonpath={.data.a}"));
        });
        check("apply --server-side --force-conflicts takes the field over", () -> {
            assertEquals("configmap/ssa serverside-applied", ok("apply", "--server-side", "--field-manager=other",
                    "--force-conflicts", "-f", DIR.resolve("ssa-other.yaml").toString()).trim());
            assertEquals("two", ok("get", "configmap", "ssa", "-o", "jsonpath={.data.a}"));
            JsonNode mf = JSON.readTree(ok("get", "configmap", "ssa", "--show-managed-fields", "-o",
                    "jsonpath={.metadata.managedFields}"));
            for (JsonNode m : mf) {
                boolean ownsA = m.at("/fieldsV1/f:data").has("f:a");
                assertEquals(m.path("manager").asText().equals("other"), ownsA, mf::toString);
            }
        });
        check("apply --server-side of the same value by two managers shares the field", () -> {
            ok("apply", "--server-side", "--field-manager=third", "-f",
                    file("ssa-third.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: two, b: three}\n").toString());
            JsonNode mf = JSON.readTree(ok("get", "configmap", "ssa", "--show-managed-fields", "-o",
                    "jsonpath={.metadata.managedFields}"));
            long owners = 0;
            for (JsonNode m : mf) {
                owners += m.at("/fieldsV1/f:data").has("f:a") ? 1 : 0;
            }
            assertEquals(2, owners, mf::toString);
        });
        check("apply --server-side dropping a field it alone owns removes it", () -> {
            ok("apply", "--server-side", "--field-manager=third", "-f",
                    file("ssa-third2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: two}\n").toString());
            JsonNode data = json("get", "configmap", "ssa").path("data");
            assertFalse(data.has("b"), data::toString);
            assertEquals("two", data.path("a").asText());
        });
        check("apply --server-side --dry-run=server changes nothing", () -> {
            ok("apply", "--server-side", "--field-manager=third", "--dry-run=server", "-f",
                    file("ssa-dry.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: two, c: dry}\n").toString());
            assertFalse(json("get", "configmap", "ssa").path("data").has("c"));
        });
        check("expose creates a Service with a ClusterIP and endpoints", () -> {
            ok("expose", "deployment", "web", "--port=80", "--target-port=http");
            String ip = ok("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}");
            assertTrue(ip.startsWith("10."), ip);
            eventually(Duration.ofSeconds(30), () -> ok("get", "endpoints", "web", "-o", "jsonpath={.subsets[0].addresses[*].ip}"),
                    s -> s.split(" ").length == 3);
        });
    }

    private void rollouts() {
        check("set image starts a new revision", () -> {
            ok("set", "image", "deployment/web", "nginx=nginx:latest");
            assertTrue(ok("rollout", "status", "deployment/web", "--timeout=120s").contains("successfully rolled out"));
            assertEquals("nginx:latest", ok("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        });
        check("rollout history lists the revisions", () -> {
            List<String> lines = ok("rollout", "history", "deployment/web").lines().filter(l -> l.matches("\\d+\\s+.*")).toList();
            assertTrue(lines.size() >= 2, lines.toString());
        });
        check("rollout undo goes back to the previous template", () -> {
            assertEquals("deployment.apps/web rolled back", ok("rollout", "undo", "deployment/web").trim());
            eventually(Duration.ofSeconds(30), () -> ok("get", "deployment", "web", "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}"), "nginx"::equals);
            assertTrue(ok("rollout", "status", "deployment/web", "--timeout=120s").contains("successfully rolled out"));
        });
        check("rollout pause and resume", () -> {
            assertEquals("deployment.apps/web paused", ok("rollout", "pause", "deployment/web").trim());
            assertEquals("true", ok("get", "deployment", "web", "-o", "jsonpath={.spec.paused}"));
            assertEquals("deployment.apps/web resumed", ok("rollout", "resume", "deployment/web").trim());
            assertEquals("", ok("get", "deployment", "web", "-o", "jsonpath={.spec.paused}"));
        });
        check("rollout restart stamps the template", () -> {
            ok("rollout", "restart", "deployment/web");
            assertFalse(ok("get", "deployment", "web", "-o",
                    "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}").isBlank());
            assertTrue(ok("rollout", "status", "deployment/web", "--timeout=180s").contains("successfully rolled out"));
        });
        check("wait --for=condition=Available", () ->
                assertEquals("deployment.apps/web condition met", ok("wait", "--for=condition=Available", "deployment/web", "--timeout=60s").trim()));
    }

    private void errors() {
        check("get of a missing object is NotFound", () ->
                assertEquals("Error from server (NotFound): configmaps \"nope\" not found", k("get", "configmap", "nope").err().trim()));
        check("create of an existing object is AlreadyExists", () ->
                assertTrue(fails("create", "configmap", "cfg").err().contains("configmaps \"cfg\" already exists")));
        check("an invalid name is Invalid with upstream's message", () ->
                assertTrue(fails("create", "configmap", "Bad_Name").err().contains(
                        "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters")));
        check("an unknown resource type is reported", () ->
                assertTrue(fails("get", "flurbs").err().contains("the server doesn't have a resource type \"flurbs\"")));
        check("--validate=strict rejects an unknown field", () -> {
            Path bad = file("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {a: b}\nbogus: 1\n");
            Cli.Result r = fails("apply", "-f", bad.toString(), "--validate=strict");
            assertTrue(r.err().contains("unknown field \"bogus\""), r.err());
        });
        check("--validate=warn warns and creates", () -> {
            Cli.Result r = k("create", "-f", DIR.resolve("bad.yaml").toString(), "--validate=warn").ok();
            assertTrue(r.err().contains("unknown field \"bogus\""), r.err());
            ok("delete", "configmap", "bad");
        });
        check("--validate=false ignores unknown fields", () -> {
            ok("create", "-f", DIR.resolve("bad.yaml").toString(), "--validate=false");
            ok("delete", "configmap", "bad");
        });
        check("a Deployment whose selector does not match its template is Invalid", () -> {
            Path bad = file("badsel.yaml", deployment(1, "nginx").replace("matchLabels: {app: web}", "matchLabels: {app: other}")
                    .replace("name: web\n", "name: badsel\n"));
            Cli.Result r = fails("create", "-f", bad.toString());
            assertTrue(r.err().contains("`selector` does not match template `labels`"), r.err());
        });
        check("a pod without containers is Invalid", () -> {
            Path bad = file("nocontainers.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: empty}\nspec: {containers: []}\n");
            assertTrue(fails("create", "-f", bad.toString()).err().contains("spec.containers: Required value"));
        });
    }

    private void podsAndWatches() {
        check("run a pod to completion and read its logs", () -> {
            ok("run", "once", "--image=busybox", "--restart=Never", "--", "echo", "hi-from-busybox");
            ok("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/once", "--timeout=90s");
            assertEquals("hi-from-busybox", ok("logs", "once").trim());
        });
        check("get pods shows Completed for a finished pod", () ->
                assertTrue(ok("get", "pod", "once").lines().skip(1).findFirst().orElseThrow().matches("once\\s+0/1\\s+Completed\\s+0\\s+.*")));
        check("get events lists the scheduling and the container start", () -> {
            String out = ok("get", "events", "--field-selector=involvedObject.name=once");
            assertTrue(out.contains("Scheduled") && out.contains("Started"), out);
        });
        check("get -w streams an added and a deleted object", () -> {
            Path out = DIR.resolve("watch.txt");
            Process watch = new ProcessBuilder("kubectl", "--kubeconfig", Cli.KUBECONFIG, "-n", NS, "get", "configmaps",
                    "-w", "--output-watch-events").redirectOutput(out.toFile()).redirectErrorStream(true).start();
            try {
                eventually(Duration.ofSeconds(20), () -> read(out), s -> s.contains("cfg"));
                ok("create", "configmap", "watched", "--from-literal=a=b");
                ok("delete", "configmap", "watched");
                String seen = eventually(Duration.ofSeconds(20), () -> read(out), s -> s.contains("DELETED"));
                assertTrue(seen.lines().anyMatch(l -> l.matches("ADDED\\s+watched\\s+1\\s+.*")), seen);
                assertTrue(seen.lines().anyMatch(l -> l.matches("DELETED\\s+watched\\s+1\\s+.*")), seen);
            } finally {
                watch.destroy();
            }
        });
        check("wait --for=delete", () -> {
            String pod = ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}");
            ok("delete", "pod", pod, "--wait=false");
            assertEquals("pod/" + pod + " condition met", ok("wait", "--for=delete", "pod/" + pod, "--timeout=60s").trim());
        });
    }

    private void workloads() {
        check("get --chunk-size pages with continue tokens", () -> {
            for (int i = 0; i < 5; i++) {
                ok("create", "configmap", "page-" + i, "--from-literal=i=" + i);
            }
            Cli.Result r = k("get", "configmaps", "-l", "!nothing", "--chunk-size=2", "-v=6").ok();
            long continues = r.err().lines().filter(l -> l.contains("GET ") && l.contains("continue=")).count();
            assertTrue(continues >= 2, r.err());
            for (int i = 0; i < 5; i++) {
                assertTrue(r.out().contains("page-" + i), r.out());
            }
        });
        check("get --raw with limit returns a continue token and remainingItemCount", () -> {
            JsonNode page = JSON.readTree(kubectl("get", "--raw", "/api/v1/namespaces/" + NS + "/configmaps?limit=2").ok().out());
            assertEquals(2, page.path("items").size());
            assertFalse(page.path("metadata").path("continue").asText().isEmpty(), page.toString());
            assertTrue(page.path("metadata").path("remainingItemCount").asInt() >= 3, page.toString());
        });
        check("create job and wait for it to complete", () -> {
            ok("create", "job", "hello", "--image=busybox", "--", "echo", "job-done");
            assertEquals("job.batch/hello condition met", ok("wait", "--for=condition=complete", "job/hello", "--timeout=120s").trim());
            assertEquals("job-done", ok("logs", "job/hello").trim());
        });
        check("get jobs shows completions", () ->
                assertTrue(ok("get", "job", "hello").lines().skip(1).findFirst().orElseThrow().matches("hello\\s+Complete\\s+1/1\\s+.*")));
        check("create cronjob", () -> {
            ok("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--", "date");
            String line = ok("get", "cronjob", "tick").lines().skip(1).findFirst().orElseThrow();
            assertTrue(line.matches("tick\\s+\\*/5 \\* \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>\\s+.*"), line);
        });
        check("create job --from=cronjob", () -> {
            ok("create", "job", "tick-now", "--from=cronjob/tick");
            assertEquals("CronJob", ok("get", "job", "tick-now", "-o", "jsonpath={.metadata.ownerReferences[0].kind}"));
            ok("wait", "--for=condition=complete", "job/tick-now", "--timeout=120s");
        });
        check("a StatefulSet manifest is served with its defaults", () -> {
            ok("apply", "-f", file("sts.yaml", """
                    apiVersion: apps/v1
                    kind: StatefulSet
                    metadata: {name: db}
                    spec:
                      serviceName: db
                      replicas: 0
                      selector: {matchLabels: {app: db}}
                      template:
                        metadata: {labels: {app: db}}
                        spec: {containers: [{name: c, image: busybox}]}
                    """).toString());
            JsonNode sts = json("get", "statefulset", "db");
            assertEquals("OrderedReady", sts.path("spec").path("podManagementPolicy").asText());
            assertEquals("RollingUpdate", sts.path("spec").path("updateStrategy").path("type").asText());
            ok("delete", "statefulset", "db");
        });
    }

    private void customResources() {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.compat.example.com}
                spec:
                  group: compat.example.com
                  scope: Namespaced
                  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              size: {type: integer, minimum: 1}
                              color: {type: string, default: blue}
                    additionalPrinterColumns:
                    - {name: Size, type: integer, jsonPath: .spec.size}
                    - {name: Color, type: string, jsonPath: .spec.color}
                """;
        check("create a CRD and wait until it is Established", () -> {
            ok("apply", "-f", file("crd.yaml", crd).toString());
            assertTrue(kubectl("wait", "--for=condition=Established", "crd/widgets.compat.example.com", "--timeout=60s")
                    .ok().out().contains("condition met"));
        });
        check("create a custom resource; defaults are applied", () -> {
            eventually(Duration.ofSeconds(30), () -> k("apply", "-f", DIR.resolve("w1.yaml").toFile().exists() ? DIR.resolve("w1.yaml").toString()
                    : fileQuietly("w1.yaml", "apiVersion: compat.example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n").toString()).exit(), e -> e == 0);
            assertEquals("blue", ok("get", "widget", "w1", "-o", "jsonpath={.spec.color}"));
        });
        check("printer columns of a custom resource", () -> {
            List<String> lines = ok("get", "wd").lines().toList();
            // with additionalPrinterColumns, NAME is implicit and AGE is not added (as upstream)
            assertTrue(lines.get(0).matches("NAME\\s+SIZE\\s+COLOR"), lines.toString());
            assertTrue(lines.get(1).matches("w1\\s+3\\s+blue"), lines.toString());
        });
        check("schema validation of a custom resource", () -> {
            Path bad = file("w2.yaml", "apiVersion: compat.example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 0}\n");
            Cli.Result r = fails("apply", "-f", bad.toString());
            assertTrue(r.err().contains("spec.size") && r.err().contains("should be greater than or equal to 1"), r.err());
        });
        check("explain a custom resource", () ->
                assertTrue(kubectl("explain", "widgets.spec.size").ok().out().contains("FIELD: size <integer>")));
        check("deleting the CRD deletes its objects", () -> {
            kubectl("delete", "crd", "widgets.compat.example.com").ok();
            eventually(Duration.ofSeconds(60), () -> Cli.etcdctl("get", "/registry/compat.example.com/", "--prefix", "--keys-only").ok().out(),
                    String::isBlank);
            assertTrue(kubectl("get", "crd", "widgets.compat.example.com").err().contains("not found"));
            assertTrue(kubectl("get", "--raw", "/apis/compat.example.com/v1/namespaces/" + NS + "/widgets").err().contains("NotFound"));
        });
    }

    /** `kubectl create <kind>` generators and `kubectl set`: each object as upstream's generator builds it. */
    private void generators() {
        check("create serviceaccount", () -> {
            assertEquals("serviceaccount/robot created", ok("create", "serviceaccount", "robot").trim());
            assertTrue(ok("get", "serviceaccount", "robot").lines().findFirst().orElseThrow().matches("NAME\\s+SECRETS\\s+AGE"));
        });
        check("create role and rolebinding", () -> {
            ok("create", "role", "reader", "--verb=get,list", "--resource=pods");
            JsonNode role = json("get", "role", "reader");
            assertEquals("pods", role.path("rules").path(0).path("resources").path(0).asText());
            ok("create", "rolebinding", "read-pods", "--role=reader", "--serviceaccount=" + NS + ":robot");
            JsonNode rb = json("get", "rolebinding", "read-pods");
            assertEquals("Role", rb.path("roleRef").path("kind").asText());
            assertEquals("robot", rb.path("subjects").path(0).path("name").asText());
        });
        check("create clusterrole and clusterrolebinding", () -> {
            kubectl("delete", "clusterrole,clusterrolebinding", "compat-viewer", "--ignore-not-found").ok();
            kubectl("create", "clusterrole", "compat-viewer", "--verb=get", "--resource=nodes").ok();
            kubectl("create", "clusterrolebinding", "compat-viewer", "--clusterrole=compat-viewer", "--user=jane").ok();
            assertEquals("jane", kubectl("get", "clusterrolebinding", "compat-viewer", "-o",
                    "jsonpath={.subjects[0].name}").ok().out());
            kubectl("delete", "clusterrole,clusterrolebinding", "compat-viewer").ok();
        });
        check("create quota", () -> {
            ok("create", "quota", "q", "--hard=pods=10,configmaps=20");
            assertEquals("10", ok("get", "resourcequota", "q", "-o", "jsonpath={.spec.hard.pods}"));
        });
        check("create poddisruptionbudget", () -> {
            ok("create", "pdb", "web-pdb", "--selector=app=web", "--min-available=1");
            String header = ok("get", "pdb", "web-pdb").lines().findFirst().orElseThrow();
            assertTrue(header.matches("NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+ALLOWED DISRUPTIONS\\s+AGE"), header);
        });
        check("create priorityclass", () -> {
            kubectl("delete", "priorityclass", "compat-high", "--ignore-not-found").ok();
            kubectl("create", "priorityclass", "compat-high", "--value=1000", "--description=compat").ok();
            assertEquals("1000", kubectl("get", "priorityclass", "compat-high", "-o", "jsonpath={.value}").ok().out());
            kubectl("delete", "priorityclass", "compat-high").ok();
        });
        check("the built-in priority classes exist", () -> {
            String out = kubectl("get", "priorityclasses", "-o", "name").ok().out();
            assertTrue(out.contains("system-node-critical") && out.contains("system-cluster-critical"), out);
        });
        check("create ingress", () -> {
            ok("create", "ingress", "site", "--class=nginx", "--rule=demo.example.test/=web:80");
            JsonNode ing = json("get", "ingress", "site");
            assertEquals("demo.example.test", ing.path("spec").path("rules").path(0).path("host").asText());
            // kubectl's generator: a path without a trailing * is Exact
            assertEquals("Exact", ing.path("spec").path("rules").path(0).path("http").path("paths").path(0).path("pathType").asText());
        });
        check("create service nodeport allocates a node port", () -> {
            ok("create", "service", "nodeport", "np", "--tcp=80:80");
            int port = Integer.parseInt(ok("get", "service", "np", "-o", "jsonpath={.spec.ports[0].nodePort}"));
            assertTrue(port >= 30000 && port <= 32767, "nodePort " + port);
        });
        check("create service externalname", () -> {
            ok("create", "service", "externalname", "ext", "--external-name=example.com");
            String line = ok("get", "service", "ext").lines().skip(1).findFirst().orElseThrow();
            assertTrue(line.matches("ext\\s+ExternalName\\s+<none>\\s+example.com\\s+<none>\\s+.*"), line);
        });
        check("create service clusterip None is headless", () -> {
            ok("create", "service", "clusterip", "headless", "--clusterip=None");
            assertEquals("None", ok("get", "service", "headless", "-o", "jsonpath={.spec.clusterIP}"));
        });
        check("create secret docker-registry", () -> {
            ok("create", "secret", "docker-registry", "regcred", "--docker-server=127.0.0.1:5000", "--docker-username=u",
                    "--docker-password=p");
            assertEquals("kubernetes.io/dockerconfigjson", ok("get", "secret", "regcred", "-o", "jsonpath={.type}"));
        });
        check("create configmap --from-env-file", () -> {
            Path env = file("app.env", "MODE=prod\nLEVEL=3\n");
            ok("create", "configmap", "envcm", "--from-env-file=" + env);
            assertEquals("prod", ok("get", "configmap", "envcm", "-o", "jsonpath={.data.MODE}"));
        });
        check("autoscale creates an HPA", () -> {
            ok("create", "deployment", "scalable", "--image=nginx", "--replicas=1");
            ok("autoscale", "deployment", "scalable", "--min=1", "--max=3", "--cpu-percent=70");
            String header = ok("get", "hpa", "scalable").lines().findFirst().orElseThrow();
            assertTrue(header.matches("NAME\\s+REFERENCE\\s+TARGETS\\s+MINPODS\\s+MAXPODS\\s+REPLICAS\\s+AGE"), header);
            assertEquals("3", ok("get", "hpa", "scalable", "-o", "jsonpath={.spec.maxReplicas}"));
        });
        check("an HPA read as autoscaling/v1", () -> {
            JsonNode v1 = JSON.readTree(kubectl("get", "--raw", "/apis/autoscaling/v1/namespaces/" + NS
                    + "/horizontalpodautoscalers/scalable").ok().out());
            assertEquals(70, v1.path("spec").path("targetCPUUtilizationPercentage").asInt(), v1.toString());
        });
        check("set env", () -> {
            ok("set", "env", "deployment/scalable", "GREETING=hi");
            assertEquals("hi", ok("get", "deployment", "scalable", "-o",
                    "jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"GREETING\")].value}"));
        });
        check("set resources", () -> {
            ok("set", "resources", "deployment/scalable", "--limits=memory=128Mi", "--requests=cpu=10m");
            assertEquals("128Mi", ok("get", "deployment", "scalable", "-o",
                    "jsonpath={.spec.template.spec.containers[0].resources.limits.memory}"));
        });
        check("set serviceaccount", () -> {
            ok("set", "serviceaccount", "deployment/scalable", "robot");
            assertEquals("robot", ok("get", "deployment", "scalable", "-o", "jsonpath={.spec.template.spec.serviceAccountName}"));
        });
        check("rollout history --revision shows one template", () -> {
            ok("rollout", "status", "deployment/scalable", "--timeout=120s");
            String out = ok("rollout", "history", "deployment/scalable", "--revision=2");
            assertTrue(out.contains("revision #2") && out.contains("Pod Template:"), out);
        });
        check("replace", () -> {
            String yaml = ok("get", "configmap", "envcm", "-o", "yaml").replace("MODE: prod", "MODE: test");
            assertEquals("configmap/envcm replaced", ok("replace", "-f", file("envcm.yaml", yaml).toString()).trim());
            assertEquals("test", ok("get", "configmap", "envcm", "-o", "jsonpath={.data.MODE}"));
        });
        check("replace --force deletes and recreates", () -> {
            String uid = ok("get", "configmap", "envcm", "-o", "jsonpath={.metadata.uid}");
            ok("replace", "--force", "-f", DIR.resolve("envcm.yaml").toString());
            assertNotEquals(uid, ok("get", "configmap", "envcm", "-o", "jsonpath={.metadata.uid}"));
        });
        check("get --subresource=status", () -> {
            String out = ok("get", "deployment", "scalable", "--subresource=status", "-o", "jsonpath={.status.replicas}");
            assertEquals("1", out);
        });
        check("get -A lists every namespace", () -> {
            String out = kubectl("get", "pods", "-A").ok().out();
            assertTrue(out.lines().findFirst().orElseThrow().startsWith("NAMESPACE"), out);
            assertTrue(out.contains("kube-system") && out.contains(NS), out);
        });
        check("get --no-headers", () ->
                assertTrue(ok("get", "configmaps", "--no-headers").lines().noneMatch(l -> l.startsWith("NAME"))));
        check("get --show-kind", () ->
                assertTrue(ok("get", "configmaps", "envcm", "--show-kind").contains("configmap/envcm")));
        check("get -o jsonpath with range", () -> {
            String out = ok("get", "configmaps", "-l", "!nothing", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}");
            assertTrue(out.lines().anyMatch("envcm"::equals), out);
        });
        check("get by metadata.name field selector", () ->
                assertEquals("configmap/envcm", ok("get", "configmaps", "--field-selector=metadata.name=envcm", "-o", "name").trim()));
        check("get --raw /version", () ->
                assertEquals("v1.32.0", JSON.readTree(kubectl("get", "--raw", "/version").ok().out()).path("gitVersion").asText()));
        check("api-resources --api-group=apps", () -> {
            List<String> names = kubectl("api-resources", "--api-group=apps", "-o", "name").ok().out().lines().toList();
            assertTrue(names.containsAll(List.of("deployments.apps", "replicasets.apps", "statefulsets.apps",
                    "daemonsets.apps", "controllerrevisions.apps")), names.toString());
        });
        check("explain --api-version=autoscaling/v1", () ->
                assertTrue(kubectl("explain", "hpa.spec", "--api-version=autoscaling/v1").ok().out()
                        .contains("targetCPUUtilizationPercentage")));
        check("explain --recursive", () -> {
            String out = kubectl("explain", "deployment.spec.strategy", "--recursive").ok().out();
            assertTrue(out.contains("rollingUpdate") && out.contains("maxSurge"), out);
        });
        check("logs --tail, --timestamps and -c", () -> {
            ok("run", "counter", "--image=busybox", "--restart=Never", "--", "sh", "-c", "for i in 1 2 3 4 5; do echo line-$i; done");
            ok("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/counter", "--timeout=90s");
            assertEquals(List.of("line-4", "line-5"), ok("logs", "counter", "--tail=2").lines().toList());
            assertTrue(ok("logs", "counter", "--timestamps").lines().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z line-\\d")));
            assertEquals(5, ok("logs", "counter", "-c", "counter").lines().count());
        });
        check("logs of an unknown container is an error", () ->
                assertTrue(fails("logs", "counter", "-c", "nope").err().contains("container nope is not valid for pod counter")));
        check("kubectl events", () ->
                assertTrue(ok("events", "--for=pod/counter").contains("Started")));
        check("delete --grace-period=0 --force", () -> {
            ok("run", "sleeper", "--image=busybox", "--restart=Never", "--", "sleep", "3600");
            Cli.Result r = k("delete", "pod", "sleeper", "--grace-period=0", "--force").ok();
            assertTrue(r.err().contains("Immediate deletion does not wait for confirmation"), r.err());
            assertTrue(k("get", "pod", "sleeper").err().contains("not found"));
        });
    }

    /** Node commands: labels, taints, cordon, drain (through pods/eviction). */
    private void nodes() {
        String node = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
        check("label a node", () -> {
            kubectl("label", "node", node, "compat=yes", "--overwrite").ok();
            assertTrue(kubectl("get", "nodes", "-l", "compat=yes", "-o", "name").ok().out().contains("node/" + node));
            kubectl("label", "node", node, "compat-").ok();
        });
        check("taint and untaint a node", () -> {
            kubectl("taint", "node", node, "compat=yes:PreferNoSchedule").ok();
            assertEquals("compat", kubectl("get", "node", node, "-o", "jsonpath={.spec.taints[?(@.key==\"compat\")].key}").ok().out());
            kubectl("taint", "node", node, "compat=yes:PreferNoSchedule-").ok();
            assertEquals("", kubectl("get", "node", node, "-o", "jsonpath={.spec.taints[?(@.key==\"compat\")].key}").ok().out());
        });
        check("cordon and uncordon", () -> {
            assertEquals("node/" + node + " cordoned", kubectl("cordon", node).ok().out().trim());
            assertTrue(kubectl("get", "node", node).ok().out().contains("Ready,SchedulingDisabled"));
            assertEquals("node/" + node + " uncordoned", kubectl("uncordon", node).ok().out().trim());
        });
        check("describe node", () -> {
            String out = kubectl("describe", "node", node).ok().out();
            assertTrue(out.contains("Capacity:") && out.contains("Allocatable:") && out.contains("Non-terminated Pods:"), out);
        });
    }

    private static Path fileQuietly(String name, String text) {
        try {
            return file(name, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deletion() {
        check("delete --cascade=background removes the ReplicaSets and pods", () -> {
            assertEquals("deployment.apps \"web\" deleted", ok("delete", "deployment", "web", "--cascade=background").trim());
            eventually(Duration.ofSeconds(60), () -> ok("get", "replicasets,pods", "-l", "app=web", "-o", "name"), String::isBlank);
        });
        check("delete --cascade=orphan keeps the ReplicaSet and drops its owner reference", () -> {
            ok("create", "deployment", "orphans", "--image=nginx");
            eventually(Duration.ofSeconds(60), () -> ok("get", "replicasets", "-l", "app=orphans", "-o", "name"), s -> !s.isBlank());
            ok("delete", "deployment", "orphans", "--cascade=orphan");
            assertTrue(k("get", "deployment", "orphans").err().contains("not found"));
            String rs = ok("get", "replicasets", "-l", "app=orphans", "-o", "name").trim();
            assertTrue(rs.startsWith("replicaset.apps/orphans-"), rs);
            assertEquals("", ok("get", rs, "-o", "jsonpath={.metadata.ownerReferences}"));
            ok("delete", rs);
        });
        check("delete --cascade=foreground waits for the dependents, then removes the owner", () -> {
            ok("create", "deployment", "fg", "--image=nginx");
            eventually(Duration.ofSeconds(60), () -> ok("get", "pods", "-l", "app=fg", "-o", "name"), s -> !s.isBlank());
            assertEquals("deployment.apps \"fg\" deleted", Cli.kubectl(Duration.ofSeconds(150), "-n", NS, "delete",
                    "deployment", "fg", "--cascade=foreground", "--timeout=120s").ok().out().trim());
            assertEquals("", ok("get", "deployments,replicasets", "-l", "app=fg", "-o", "name").trim());
        });
        check("delete by label selector", () -> {
            ok("label", "configmap", "cfg", "doomed=yes");
            assertEquals("configmap \"cfg\" deleted", ok("delete", "configmap", "-l", "doomed=yes").trim());
        });
        check("delete --ignore-not-found of a missing object succeeds quietly", () ->
                assertEquals("", ok("delete", "configmap", "nope", "--ignore-not-found").trim()));
        check("delete --all of a kind", () -> {
            ok("delete", "configmaps", "--all");
            assertEquals("", ok("get", "configmaps", "-o", "name").trim());
        });

    }

    private void namespaces() {
        check("the system namespaces exist", () -> {
            String out = kubectl("get", "namespaces", "-o", "name").ok().out();
            for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
                assertTrue(out.contains("namespace/" + ns), out);
            }
        });
        check("deleting a namespace empties it, then removes it", () -> {
            kubectl("create", "namespace", "compat-doomed").ok();
            kubectl("-n", "compat-doomed", "create", "configmap", "c", "--from-literal=a=b").ok();
            kubectl("-n", "compat-doomed", "create", "deployment", "d", "--image=nginx").ok();
            assertEquals("namespace \"compat-doomed\" deleted",
                    kubectl(Duration.ofSeconds(150), "delete", "namespace", "compat-doomed", "--timeout=120s").ok().out().trim());
            assertTrue(kubectl("get", "namespace", "compat-doomed").err().contains("not found"));
            assertTrue(Cli.etcdctl("get", "/registry/", "--prefix", "--keys-only").ok().out().lines()
                    .noneMatch(l -> l.contains("/compat-doomed/")));
        });
        check("creating in a terminating namespace is forbidden", () -> {
            kubectl("create", "namespace", "compat-closing").ok();
            kubectl("-n", "compat-closing", "create", "configmap", "held", "--from-literal=a=b").ok();
            kubectl("-n", "compat-closing", "patch", "configmap", "held", "--type=merge", "-p",
                    "{\"metadata\":{\"finalizers\":[\"compat.example.com/hold\"]}}").ok();
            kubectl("delete", "namespace", "compat-closing", "--wait=false").ok();
            assertEquals("Terminating", kubectl("get", "namespace", "compat-closing", "-o", "jsonpath={.status.phase}").ok().out());
            Cli.Result r = kubectl("-n", "compat-closing", "create", "configmap", "late");
            assertTrue(r.err().contains("because it is being terminated"), r.err());
            kubectl("-n", "compat-closing", "patch", "configmap", "held", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}").ok();
            eventually(Duration.ofSeconds(60), () -> kubectl("get", "namespace", "compat-closing").err(), e -> e.contains("not found"));
        });
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
