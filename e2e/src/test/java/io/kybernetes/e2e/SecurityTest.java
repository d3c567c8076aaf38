package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10 on a cluster from {@code up --secure} (skipped on an insecure one): requests without credentials and with
 * a certificate of a foreign CA are refused by the apiserver, the kubelet and the store; a ServiceAccount bound to a
 * Role can do exactly what the Role allows, checked with {@code kubectl auth can-i} and real requests made with its
 * token; a pod's mounted token works from inside the pod; the kubelet's identity cannot read Secrets no pod on its
 * node refers to.
 */
class SecurityTest {

    private static final String NS = "sectest";
    private static final String CA = Cli.PKI + "/ca.crt";
    private static Path scratch;
    private static String token;
    private static String nodeIp;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(Cli.SECURE, "the cluster is not secure (./kybernetes up --secure)");
        scratch = Files.createTempDirectory("sectest");
        kubectl(Duration.ofSeconds(120), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        Path manifest = scratch.resolve("rbac.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: reader, namespace: sectest}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: sectest}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
                - {apiGroups: [""], resources: [pods/log], verbs: [get]}
                - {apiGroups: [""], resources: [configmaps], resourceNames: [allowed], verbs: [get]}
                - {apiGroups: [apps], resources: [deployments], verbs: [create, delete]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: reader, namespace: sectest}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects: [{kind: ServiceAccount, name: reader, namespace: sectest}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: allowed, namespace: sectest}
                data: {k: v}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: other, namespace: sectest}
                data: {k: v}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: mounted, namespace: sectest}
                stringData: {k: v}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: unrelated, namespace: sectest}
                stringData: {k: v}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: client, namespace: sectest}
                spec:
                  serviceAccountName: reader
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: c
                    image: busybox
                    command: [sleep, "3600"]
                    volumeMounts: [{name: s, mountPath: /etc/mounted}, {name: kubectl, mountPath: /kubectl}]
                  volumes:
                  - {name: s, secret: {secretName: mounted}}
                  - {name: kubectl, hostPath: {path: KUBECTL, type: File}}
                """.replace("KUBECTL", kubectlBinary()));
        kubectl("apply", "-f", manifest.toString()).ok();
        token = eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "create", "token", "reader").out().trim(),
                t -> !t.isEmpty());
        String node = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
        nodeIp = kubectl("get", "node", node, "-o",
                "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}").ok().out().trim();
        // a certificate and key of a CA the cluster does not know, claiming to be an administrator
        Cli.run(Duration.ofSeconds(30), "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/O=system:masters/CN=intruder",
                "-keyout", scratch.resolve("intruder.key").toString(), "-out", scratch.resolve("intruder.crt").toString())
                .ok();
    }

    /** The host's kubectl (a static binary), which the client pod runs with its own in-cluster credentials. */
    private static String kubectlBinary() {
        return Cli.run(Duration.ofSeconds(10), "sh", "-c", "readlink -f \"$(command -v kubectl)\"").ok().out().trim();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (!Cli.SECURE) {
            return;
        }
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
        if (scratch != null) {
            for (String f : new String[] {"rbac.yaml", "intruder.key", "intruder.crt"}) {
                Files.deleteIfExists(scratch.resolve(f));
            }
            Files.deleteIfExists(scratch);
        }
    }

    /** curl's status code and body ("000" when no HTTP answer came, e.g. a refused handshake). */
    private static Cli.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        return Cli.run(Duration.ofSeconds(20), cmd.toArray(String[]::new));
    }

    /** The message of the Status curl printed before its status code line. */
    private static String message(Cli.Result r) {
        String body = r.out().substring(0, Math.max(0, r.out().lastIndexOf('\n')));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("message").asText();
        } catch (IOException e) {
            return "not a Status: " + body;
        }
    }

    private static String code(Cli.Result r) {
        List<String> lines = r.out().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Test
    void requestsWithoutCredentialsAreRefusedOnEveryPort() {
        Cli.Result api = curl("--cacert", CA, "https://127.0.0.1:6443/api/v1/namespaces/default/secrets");
        System.out.println("apiserver, anonymous: " + api.out());
        assertEquals("403", code(api), api.out());
        assertEquals("secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\" in API group "
                + "\"\" in the namespace \"default\"", message(api), api.out());
        assertEquals("200", code(curl("--cacert", CA, "https://127.0.0.1:6443/readyz")), "health stays public");

        Cli.Result kubelet = curl("-k", "https://" + nodeIp + ":10250/pods");
        System.out.println("kubelet, anonymous: " + kubelet.out());
        assertEquals("401", code(kubelet), kubelet.out());
        assertEquals("000", code(curl("http://" + nodeIp + ":10250/pods")), "the kubelet speaks TLS only");

        Cli.Result store = Cli.run(Duration.ofSeconds(20), "env", "ETCDCTL_API=3", "etcdctl",
                "--endpoints=https://127.0.0.1:2379", "--cacert=" + Cli.PKI + "/etcd/ca.crt", "--dial-timeout=3s",
                "--command-timeout=5s", "get", "/registry/", "--prefix", "--keys-only", "--limit=1");
        System.out.println("store, no client certificate: exit " + store.exit() + " " + store.err().trim());
        assertNotEquals(0, store.exit(), store.out());
        assertEquals("", store.out().trim());
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedOnEveryPort() {
        String crt = scratch.resolve("intruder.crt").toString();
        String key = scratch.resolve("intruder.key").toString();
        Cli.Result api = curl("--cacert", CA, "--cert", crt, "--key", key, "https://127.0.0.1:6443/api/v1/secrets");
        System.out.println("apiserver, foreign CA: exit " + api.exit() + " " + api.err().trim() + " " + api.out());
        assertEquals("000", code(api), api.out());
        Cli.Result kubelet = curl("-k", "--cert", crt, "--key", key, "https://" + nodeIp + ":10250/pods");
        System.out.println("kubelet, foreign CA: exit " + kubelet.exit() + " " + kubelet.err().trim() + " " + kubelet.out());
        assertEquals("000", code(kubelet), kubelet.out());
        Cli.Result store = Cli.run(Duration.ofSeconds(20), "env", "ETCDCTL_API=3", "etcdctl",
                "--endpoints=https://127.0.0.1:2379", "--cacert=" + Cli.PKI + "/etcd/ca.crt", "--cert=" + crt,
                "--key=" + key, "--dial-timeout=3s", "--command-timeout=5s", "get", "/registry/", "--prefix",
                "--keys-only", "--limit=1");
        System.out.println("store, foreign CA: exit " + store.exit() + " " + store.err().trim());
        assertNotEquals(0, store.exit(), store.out());
        assertEquals("", store.out().trim());
    }

    /** kubectl as the ServiceAccount: its token and the cluster CA, nothing of the admin's kubeconfig. */
    private static Cli.Result asReader(String... args) {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig=/dev/null", "--server=" + Cli.API,
                "--certificate-authority=" + CA, "--token=" + token));
        cmd.addAll(List.of(args));
        return Cli.run(Duration.ofSeconds(30), cmd.toArray(String[]::new));
    }

    @ParameterizedTest(name = "can-i {0} {1} {2} -n {3} -> {4}")
    @CsvSource({
            "get,    pods,              '',            sectest, yes",
            "list,   pods,              '',            sectest, yes",
            "watch,  pods,              '',            sectest, yes",
            "create, pods,              '',            sectest, no",
            "delete, pods,              '',            sectest, no",
            "patch,  pods,              '',            sectest, no",
            "get,    pods,              '--subresource=log', sectest, yes",
            "create, pods,              '--subresource=exec', sectest, no",
            "get,    configmaps/allowed, '',           sectest, yes",
            "get,    configmaps/other,  '',            sectest, no",
            "list,   configmaps,        '',            sectest, no",
            "create, configmaps,        '',            sectest, no",
            "create, deployments.apps,  '',            sectest, yes",
            "delete, deployments.apps,  '',            sectest, yes",
            "get,    deployments.apps,  '',            sectest, no",
            "update, deployments.apps,  '',            sectest, no",
            "get,    secrets,           '',            sectest, no",
            "list,   secrets,           '',            sectest, no",
            "get,    pods,              '',            default, no",
            "list,   services,          '',            sectest, no",
            "create, namespaces,        '',            '',      no",
            "list,   nodes,             '',            '',      no",
    })
    void aServiceAccountCanDoWhatItsRoleAllows(String verb, String resource, String extra, String ns, String answer) {
        List<String> args = new ArrayList<>(List.of("auth", "can-i", verb, resource));
        if (!extra.isEmpty()) {
            args.add(extra);
        }
        if (!ns.isEmpty()) {
            args.addAll(List.of("-n", ns));
        }
        Cli.Result r = asReader(args.toArray(String[]::new));
        assertEquals(answer, r.out().trim(), r.err());
    }

    @Test
    void realRequestsWithTheTokenAgreeWithTheRole() {
        assertEquals("client", asReader("-n", NS, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}").ok()
                .out().trim());
        assertEquals("v", asReader("-n", NS, "get", "configmap", "allowed", "-o", "jsonpath={.data.k}").ok().out());
        Cli.Result other = asReader("-n", NS, "get", "configmap", "other");
        assertTrue(other.err().contains("configmaps \"other\" is forbidden: User \"system:serviceaccount:sectest:reader\""
                + " cannot get resource \"configmaps\" in API group \"\" in the namespace \"sectest\""), other.err());
        Cli.Result secrets = asReader("-n", NS, "get", "secrets");
        assertTrue(secrets.err().contains("cannot list resource \"secrets\""), secrets.err());
        assertNotEquals(0, asReader("-n", NS, "create", "configmap", "new", "--from-literal=a=b").exit());
        assertNotEquals(0, asReader("-n", "default", "get", "pods").exit());
        asReader("-n", NS, "create", "deployment", "made-by-reader", "--image=busybox", "--replicas=0").ok();
        asReader("-n", NS, "delete", "deployment", "made-by-reader").ok();
        Cli.Result who = asReader("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
        assertEquals("system:serviceaccount:sectest:reader", who.ok().out().trim());
    }

    @Test
    void aPodsMountedTokenWorksFromInsideThePod() {
        eventually(Duration.ofSeconds(120), () -> kubectl("-n", NS, "get", "pod", "client", "-o",
                "jsonpath={.status.phase}").out(), "Running"::equals);
        String dir = "/var/run/secrets/kubernetes.io/serviceaccount";
        assertEquals(NS, kubectl("-n", NS, "exec", "client", "--", "cat", dir + "/namespace").ok().out().trim());
        assertTrue(kubectl("-n", NS, "exec", "client", "--", "cat", dir + "/ca.crt").ok().out()
                .contains("BEGIN CERTIFICATE"));
        // kubectl inside the pod finds the in-cluster configuration: the kubernetes Service's variables, the token
        // and the CA the ServiceAccount admission mounted
        Cli.Result who = kubectl("-n", NS, "exec", "client", "--", "/kubectl", "auth", "whoami", "-o",
                "jsonpath={.status.userInfo.username}");
        System.out.println("from the pod: whoami " + who.out().trim() + " " + who.err().trim());
        assertEquals("system:serviceaccount:sectest:reader", who.ok().out().trim());
        assertEquals("pod/client", kubectl("-n", NS, "exec", "client", "--", "/kubectl", "get", "pods", "-o", "name")
                .ok().out().trim());
        Cli.Result secrets = kubectl("-n", NS, "exec", "client", "--", "/kubectl", "get", "secrets");
        assertNotEquals(0, secrets.exit(), secrets.out());
        assertTrue(secrets.err().contains("secrets is forbidden: User \"system:serviceaccount:sectest:reader\""),
                "the Role does not grant secrets: " + secrets.err());
    }

    @Test
    void theKubeletReadsOnlySecretsOfPodsOnItsNode() {
        eventually(Duration.ofSeconds(120), () -> kubectl("-n", NS, "get", "pod", "client", "-o",
                "jsonpath={.spec.nodeName}").out(), s -> !s.isEmpty());
        String kubelet = "/etc/kybernetes/kubelet.conf";
        Cli.Result mounted = Cli.run(Duration.ofSeconds(30), "kubectl", "--kubeconfig", kubelet, "-n", NS, "get",
                "secret", "mounted", "-o", "jsonpath={.metadata.name}");
        assertEquals("mounted", mounted.ok().out().trim());
        Cli.Result unrelated = Cli.run(Duration.ofSeconds(30), "kubectl", "--kubeconfig", kubelet, "-n", NS, "get",
                "secret", "unrelated");
        System.out.println("kubelet identity, unrelated secret: " + unrelated.err().trim());
        assertNotEquals(0, unrelated.exit());
        assertTrue(unrelated.err().contains("forbidden"), unrelated.err());
        Cli.Result all = Cli.run(Duration.ofSeconds(30), "kubectl", "--kubeconfig", kubelet, "get", "secrets", "-A");
        assertNotEquals(0, all.exit(), all.out());
    }
}
