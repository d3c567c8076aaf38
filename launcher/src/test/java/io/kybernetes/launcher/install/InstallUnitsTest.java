package io.kybernetes.launcher.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.kybernetes.launcher.pki.CertsMain;

/**
 * `./kybernetes install --root DIR` (the root script, deploy/systemd templates) checked statically: the units it
 * writes pass `systemd-analyze verify` (systemd 252, no running systemd needed) and start the installed jars with
 * the flags `up` uses. The script runs from a scratch copy of the repository's layout whose component builds are
 * stubs (no Maven build, no cluster); in secure mode its `certs generate` runs this module's CertsMain.
 */
class InstallUnitsTest {

    static final String[] COMPONENTS = {"store", "apiserver", "controllers", "scheduler", "proxy", "kubelet"};
    static final String[] UNITS = {"registry", "containerd", "store", "apiserver", "controllers", "scheduler",
            "proxy", "kubelet", "addons"};
    /** The variants installed once each: flags, then the root they were installed into. */
    static final Map<String, String> VARIANTS = Map.of(
            "insecure", "--insecure",
            "secure", "--secure",
            "etcd", "--insecure --store=etcd --proxy-mode=nftables --prefix /opt/kyb-test");

    static Path scratch;
    static Path tree;
    static final Map<String, Path> roots = new HashMap<>();
    static final Map<String, String> installOutput = new HashMap<>();

    @BeforeAll
    static void installEveryVariant() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        for (String exe : List.of("bash", "java", "containerd", "etcd", "docker-registry", "kubectl")) {
            assumeTrue(onPath(exe), exe + " is not installed (./kybernetes up installs it)");
        }
        scratch = Files.createTempDirectory(Path.of("/tmp"), "launcher-it-install-");
        tree = sourceTree(scratch.resolve("src"));
        for (Map.Entry<String, String> v : VARIANTS.entrySet()) {
            Path root = scratch.resolve("root-" + v.getKey());
            List<String> cmd = new ArrayList<>(List.of(tree.resolve("kybernetes").toString(), "install",
                    "--root", root.toString()));
            cmd.addAll(List.of(v.getValue().split(" ")));
            Result r = run(cmd, Map.of());
            assertEquals(0, r.code, "install " + v.getValue() + " failed:\n" + r.output);
            roots.put(v.getKey(), root);
            installOutput.put(v.getKey(), r.output);
        }
    }

    @AfterAll
    static void removeScratch() throws IOException {
        if (scratch == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"insecure", "secure", "etcd"})
    void systemdAnalyzeVerifiesEveryUnit(String variant) throws Exception {
        Path units = roots.get(variant).resolve("etc/systemd/system");
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify", units.resolve("kybernetes.target").toString()));
        for (String u : UNITS) {
            cmd.add(units.resolve("kybernetes-" + u + ".service").toString());
        }
        // --root would also resolve the executables inside the root; the unit path holds ours, then the system's
        Result r = run(cmd, Map.of("SYSTEMD_UNIT_PATH", units + ":"));
        assertEquals(0, r.code, r.output);
        assertEquals("", r.output.strip(), "systemd-analyze verify complained");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // variant | unit | words its ExecStart must hold (space separated)
        "insecure | store       | /usr/bin/java $JAVA_OPTS -Xmx96m -jar /opt/kybernetes/store/quarkus-run.jar --data-dir=/var/lib/kybernetes/store --listen-client-urls=http://127.0.0.1:2379",
        "insecure | apiserver   | -jar /opt/kybernetes/apiserver/quarkus-run.jar --etcd-servers=http://127.0.0.1:2379 --service-cluster-ip-range=10.96.0.0/12 --bind-address=0.0.0.0",
        "insecure | controllers | -jar /opt/kybernetes/controllers/quarkus-run.jar --kubeconfig=/etc/kybernetes/admin.conf",
        "insecure | scheduler   | -Xmx64m -jar /opt/kybernetes/scheduler/quarkus-run.jar --kubeconfig=/etc/kybernetes/admin.conf",
        "insecure | proxy       | -jar /opt/kybernetes/proxy/quarkus-run.jar --cluster-cidr=10.244.0.0/16 --proxy-mode=iptables --overlay=none",
        "insecure | kubelet     | -jar /opt/kybernetes/kubelet/quarkus-run.jar --kubeconfig=/etc/kybernetes/admin.conf --container-runtime-endpoint=unix:///run/kybernetes/containerd/containerd.sock --pod-cidr=10.244.0.0/24 --root-dir=/var/lib/kybernetes/kubelet --pod-log-dir=/var/log/kybernetes/pods",
        "insecure | containerd  | --config /etc/kybernetes/containerd/config.toml",
        "insecure | registry    | serve /etc/kybernetes/registry.yml",
        "insecure | addons      | --kubeconfig=/etc/kybernetes/admin.conf apply -f /opt/kybernetes/addons",
        "secure   | store       | --listen-client-urls=https://127.0.0.1:2379 --cert-file=/etc/kybernetes/pki/etcd/server.crt --trusted-ca-file=/etc/kybernetes/pki/etcd/ca.crt --client-cert-auth=true",
        "secure   | apiserver   | --etcd-servers=https://127.0.0.1:2379 --etcd-certfile=/etc/kybernetes/pki/apiserver-etcd-client.crt --tls-cert-file=/etc/kybernetes/pki/apiserver.crt --client-ca-file=/etc/kybernetes/pki/ca.crt --authorization-mode=Node,RBAC --service-account-signing-key-file=/etc/kybernetes/pki/sa.key",
        "secure   | controllers | --kubeconfig=/etc/kybernetes/controller-manager.conf --cluster-signing-key-file=/etc/kybernetes/pki/ca.key",
        "secure   | scheduler   | --kubeconfig=/etc/kybernetes/scheduler.conf",
        "secure   | kubelet     | --kubeconfig=/etc/kybernetes/kubelet.conf --tls-cert-file=/var/lib/kybernetes/kubelet/pki/kubelet.crt --anonymous-auth=false --authorization-mode=Webhook",
        "secure   | addons      | --kubeconfig=/etc/kybernetes/super-admin.conf apply -f /opt/kybernetes/addons",
        "etcd     | store       | --name kybernetes --data-dir /var/lib/kybernetes/etcd --listen-client-urls http://127.0.0.1:2379 --listen-metrics-urls http://127.0.0.1:2381",
        "etcd     | apiserver   | -jar /opt/kyb-test/apiserver/quarkus-run.jar --etcd-servers=http://127.0.0.1:2379",
        "etcd     | proxy       | -jar /opt/kyb-test/proxy/quarkus-run.jar --proxy-mode=nftables",
        "etcd     | addons      | apply -f /opt/kyb-test/addons",
    })
    void execStartRunsTheInstalledJarWithUpsFlags(String variant, String unit, String expected) throws IOException {
        List<String> words = List.of(execStart(variant, unit).split(" "));
        // in this order (a flag and its separate value, `apply -f DIR`), other words between them allowed
        int at = 0;
        for (String w : expected.split(" ")) {
            int i = words.subList(at, words.size()).indexOf(w);
            assertTrue(i >= 0, unit + " (" + variant + ") lacks " + w + " after word " + at + ": " + words);
            at += i + 1;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"insecure", "secure", "etcd"})
    void everyJarAnExecStartNamesIsInstalled(String variant) throws IOException {
        Path root = roots.get(variant);
        int jars = 0;
        for (String u : UNITS) {
            for (String w : execStart(variant, u).split(" ")) {
                if (w.endsWith(".jar")) {
                    jars++;
                    assertTrue(Files.isRegularFile(root.resolve(w.substring(1))), w + " is not installed under " + root);
                }
            }
        }
        assertEquals(variant.equals("etcd") ? COMPONENTS.length - 1 : COMPONENTS.length, jars);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "apiserver  | Requires=kybernetes-store.service",
        "apiserver  | After=kybernetes-store.service network-online.target",
        "kubelet    | Requires=kybernetes-containerd.service",
        "kubelet    | After=kybernetes-containerd.service kybernetes-apiserver.service kybernetes-registry.service",
        "kubelet    | Type=simple",
        "kubelet    | Restart=always",
        "store      | LimitNOFILE=1048576",
        "scheduler  | SuccessExitStatus=143",
        "containerd | Delegate=yes",
        "containerd | KillMode=process",
        "containerd | Restart=always",
        "addons     | Type=oneshot",
        "addons     | Restart=on-failure",
    })
    void unitsOrderAndRestartTheProcesses(String unit, String line) throws IOException {
        assertTrue(unitLines("secure", unit).contains(line), "kybernetes-" + unit + ".service lacks " + line);
    }

    @Test
    void javaUnitsCarryUpsJvmOptionsAndLogToTheJournal() throws IOException {
        for (String u : COMPONENTS) {
            List<String> lines = unitLines("secure", u);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("Environment=\"JAVA_OPTS=-XX:+UseSerialGC ")), u + ": " + lines);
            assertTrue(lines.contains("StandardOutput=journal"), u);
            assertTrue(lines.contains("WantedBy=kybernetes.target"), u);
            assertTrue(execStart("secure", u).contains("/java $JAVA_OPTS -Xmx"), u);
        }
        String target = Files.readString(unitDir("secure").resolve("kybernetes.target"));
        for (String u : UNITS) {
            assertTrue(target.contains("kybernetes-" + u + ".service"), "kybernetes.target does not want " + u);
        }
        assertTrue(target.contains("WantedBy=multi-user.target"));
    }

    @Test
    void secureInstallWritesThePkiAndTheAdminsBinding() {
        Path root = roots.get("secure");
        for (String f : List.of("etc/kybernetes/pki/ca.crt", "etc/kybernetes/pki/apiserver.key",
                "etc/kybernetes/pki/etcd/server.crt", "etc/kybernetes/admin.conf", "etc/kybernetes/super-admin.conf",
                "etc/kybernetes/kubelet.conf", "var/lib/kybernetes/kubelet/pki/kubelet.crt",
                "opt/kybernetes/addons/00-cluster-admins.yaml", "opt/kybernetes/addons/10-kube-dns.yaml")) {
            assertTrue(Files.isRegularFile(root.resolve(f)), f + " missing");
        }
        assertFalse(Files.exists(roots.get("insecure").resolve("opt/kybernetes/addons/00-cluster-admins.yaml")));
        assertFalse(Files.exists(roots.get("insecure").resolve("etc/kybernetes/pki")));
    }

    @Test
    void withoutSystemdAsPid1NothingIsStarted() {
        assertTrue(installOutput.get("insecure").contains("Start: skipped (--root"), installOutput.get("insecure"));
    }

    @Test
    void uninstallRemovesUnitsAndApplications() throws Exception {
        Path root = scratch.resolve("root-uninstall");
        Result in = run(List.of(tree.resolve("kybernetes").toString(), "install", "--root", root.toString(), "--insecure"), Map.of());
        assertEquals(0, in.code, in.output);
        Result out = run(List.of(tree.resolve("kybernetes").toString(), "uninstall", "--root", root.toString(), "--purge"), Map.of());
        assertEquals(0, out.code, out.output);
        try (Stream<Path> left = Files.walk(root)) {
            List<Path> files = left.filter(Files::isRegularFile).toList();
            assertEquals(List.of(), files);
        }
    }

    @Test
    void unknownFlagIsRefused() throws Exception {
        Result r = run(List.of(tree.resolve("kybernetes").toString(), "install", "--root", scratch.resolve("x").toString(),
                "--bogus"), Map.of());
        assertEquals(1, r.code, r.output);
        assertTrue(r.output.contains("install: unknown flag --bogus"), r.output);
    }

    // ------------------------------------------------------------------ helpers

    static Path unitDir(String variant) {
        return roots.get(variant).resolve("etc/systemd/system");
    }

    static List<String> unitLines(String variant, String unit) throws IOException {
        return Files.readAllLines(unitDir(variant).resolve("kybernetes-" + unit + ".service"));
    }

    static String execStart(String variant, String unit) throws IOException {
        List<String> lines = unitLines(variant, unit).stream().filter(l -> l.startsWith("ExecStart=")).toList();
        assertEquals(1, lines.size(), unit + ": " + lines);
        return lines.get(0).substring("ExecStart=".length());
    }

    /**
     * The repository's script, unit templates and add-on manifests, with a stub quarkus-app per component (newer
     * than any source, so the script builds nothing) and, for `certs generate`, the controllers' lib/main holding
     * this module's classes and BouncyCastle.
     */
    static Path sourceTree(Path dst) throws Exception {
        Path repo = repositoryRoot();
        copy(repo.resolve("kybernetes"), dst.resolve("kybernetes"));
        dst.resolve("kybernetes").toFile().setExecutable(true);
        try (Stream<Path> templates = Files.list(repo.resolve("deploy/systemd"))) {
            for (Path t : templates.toList()) {
                copy(t, dst.resolve("deploy/systemd").resolve(t.getFileName()));
            }
        }
        for (String m : List.of("dns/deploy/kube-dns.yaml", "ingress/deploy/ingress-nginx.yaml",
                "controllers/deploy/local-path.yaml")) {
            copy(repo.resolve(m), dst.resolve(m));
        }
        for (String m : List.of("store", "apiserver", "controllers", "scheduler", "proxy", "kubelet", "dns", "ingress")) {
            Path app = dst.resolve(m).resolve("target/quarkus-app");
            Files.createDirectories(app.resolve("lib/main"));
            Files.writeString(app.resolve("quarkus-run.jar"), "stub " + m + "\n");
        }
        Path lib = dst.resolve("controllers/target/quarkus-app/lib/main");
        jar(Paths.get(CertsMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                lib.resolve("launcher.jar"));
        for (URL u : Collections.list(InstallUnitsTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            String s = u.toString();
            if (s.startsWith("jar:file:") && s.contains("/org/bouncycastle/")) {
                Path jar = Paths.get(new URL(s.substring(4, s.indexOf("!/"))).toURI());
                copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        return dst;
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("kybernetes")) && Files.isDirectory(p.resolve("deploy/systemd"))) {
                return p;
            }
        }
        throw new IllegalStateException("the repository root (./kybernetes, deploy/systemd) is not above " + Path.of("").toAbsolutePath());
    }

    static void copy(Path src, Path dst) throws IOException {
        Files.createDirectories(dst.getParent());
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A jar of a class directory (target/classes): `java -cp dir/*` takes jars only. */
    static void jar(Path classes, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    record Result(int code, String output) {
    }

    static Result run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // the script's paths are the cluster's conventions; an override from the caller's environment goes
        pb.environment().keySet().removeIf(k -> k.startsWith("KYBERNETES_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
