package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The default admission plugins as the real kubectl sees them: refusal texts, warnings and defaults. */
@QuarkusTest
@Timeout(120)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class AdmissionIntegrationTest {

    @TestHTTPResource("/")
    URL base;

    static Path home;

    @BeforeAll
    static void home() throws Exception {
        home = Kubectl.scratch("apiserver-it-admission-");
    }

    @AfterAll
    static void clean() throws Exception {
        Kubectl.delete(home);
    }

    String kubectl(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + base.getPort(), "--request-timeout=10s"));
        a.addAll(List.of(args));
        return Kubectl.run(home, 30, true, a).line();
    }

    String apply(String yaml) throws Exception {
        Path f = Files.createTempFile(home, "obj-", ".yaml");
        Files.writeString(f, yaml);
        return kubectl("create", "-f", f.toString());
    }

    @Test
    void namespaceLifecycle() throws Exception {
        assertEquals("1 Error from server (NotFound): error when creating \"" + home + "/x\": namespaces \"ghost\" not found",
                apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ghost}\n")
                        .replaceAll("obj-[0-9]+\\.yaml", "x"));
        assertEquals("1 Error from server (Forbidden): namespaces \"kube-public\" is forbidden: this namespace may not be deleted",
                kubectl("delete", "namespace", "kube-public"));
    }

    @Test
    void podDefaultsAndLimitRanges() throws Exception {
        kubectl("create", "namespace", "lr");
        assertTrue(apply("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: lr, namespace: lr}
                spec:
                  limits:
                  - type: Container
                    default: {cpu: 500m, memory: 128Mi}
                    defaultRequest: {cpu: 100m}
                    max: {cpu: "1"}
                """).startsWith("0 "));
        assertTrue(apply("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: lr}\n"
                + "spec: {containers: [{name: c, image: busybox}]}\n").startsWith("0 "));
        assertEquals("0 default|{\"limits\":{\"cpu\":\"500m\",\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"100m\","
                + "\"memory\":\"128Mi\"}}|300|0|LimitRanger plugin set: cpu, memory request for container c; cpu, "
                + "memory limit for container c",
                kubectl("-n", "lr", "get", "pod", "p", "-o", "jsonpath={.spec.serviceAccountName}|"
                        + "{.spec.containers[0].resources}|{.spec.tolerations[0].tolerationSeconds}|{.spec.priority}|"
                        + "{.metadata.annotations.kubernetes\\.io/limit-ranger}"));
        assertEquals("1 Error from server (Forbidden): error when creating \"" + home + "/x\": pods \"big\" is "
                + "forbidden: maximum cpu usage per Container is 1, but limit is 2",
                apply("apiVersion: v1\nkind: Pod\nmetadata: {name: big, namespace: lr}\n"
                        + "spec: {containers: [{name: c, image: busybox, resources: {limits: {cpu: '2'}}}]}\n")
                        .replaceAll("obj-[0-9]+\\.yaml", "x"));
    }

    @Test
    void quotas() throws Exception {
        kubectl("create", "namespace", "rq");
        assertTrue(kubectl("-n", "rq", "create", "quota", "q", "--hard=configmaps=2,pods=5").startsWith("0 "));
        assertTrue(kubectl("-n", "rq", "create", "configmap", "one").startsWith("0 "));
        assertTrue(kubectl("-n", "rq", "create", "configmap", "two").startsWith("0 "));
        assertEquals("1 error: failed to create configmap: configmaps \"three\" is forbidden: exceeded quota: q, "
                + "requested: configmaps=1, used: configmaps=2, limited: configmaps=2",
                kubectl("-n", "rq", "create", "configmap", "three"));
        assertEquals("0 configmaps=2,pods=0", kubectl("-n", "rq", "get", "quota", "q", "-o",
                "jsonpath=configmaps={.status.used.configmaps},pods={.status.used.pods}"));
        assertTrue(kubectl("-n", "rq", "create", "configmap", "dry", "--dry-run=server").startsWith("1 "));
    }

    @Test
    void podSecurity() throws Exception {
        kubectl("create", "namespace", "ps");
        kubectl("label", "namespace", "ps", "pod-security.kubernetes.io/enforce=baseline",
                "pod-security.kubernetes.io/warn=restricted");
        assertEquals("1 Error from server (Forbidden): error when creating \"" + home + "/x\": pods \"priv\" is "
                + "forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"x\" must not set "
                + "securityContext.privileged=true)",
                apply("apiVersion: v1\nkind: Pod\nmetadata: {name: priv, namespace: ps}\n"
                        + "spec: {containers: [{name: x, image: busybox, securityContext: {privileged: true}}]}\n")
                        .replaceAll("obj-[0-9]+\\.yaml", "x"));
        String out = apply("apiVersion: v1\nkind: Pod\nmetadata: {name: plain, namespace: ps}\n"
                + "spec: {containers: [{name: x, image: busybox}]}\n");
        assertTrue(out.startsWith("0 Warning: would violate PodSecurity \"restricted:latest\": "
                + "allowPrivilegeEscalation != false (container \"x\" must set "
                + "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"), out);
        assertTrue(out.endsWith("pod/plain created"), out);
    }
}
