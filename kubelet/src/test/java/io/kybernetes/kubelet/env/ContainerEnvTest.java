package io.kybernetes.kubelet.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

class ContainerEnvTest {

    static final PodFacts FACTS = new PodFacts(List.of("10.244.0.7", "fd00::7"), "192.0.2.2", 2000, 4L << 30);

    static final ObjectSource OBJECTS = new ObjectSource() {
        @Override
        public ConfigMap configMap(String ns, String name) {
            return "cfg".equals(name) ? new ConfigMapBuilder().addToData("color", "blue").addToData("size", "L")
                    .addToData("bad-name!", "x").build() : null;
        }

        @Override
        public Secret secret(String ns, String name) {
            return "sec".equals(name) ? new SecretBuilder().addToData("password",
                    Base64.getEncoder().encodeToString("s3cret".getBytes())).build() : null;
        }
    };

    static Pod pod(Container c) {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("u-1")
                .addToLabels("app", "web").addToAnnotations("team", "a").endMetadata()
                .withNewSpec().withNodeName("n1").withServiceAccountName("sa").addToContainers(c).endSpec().build();
    }

    static Container app() {
        return new ContainerBuilder().withName("app").withImage("busybox").withNewResources()
                .addToLimits("memory", new Quantity("128Mi")).addToRequests("cpu", new Quantity("250m"))
                .endResources().build();
    }

    @ParameterizedTest
    @CsvSource({
            "metadata.name,                  web",
            "metadata.namespace,             ns",
            "metadata.uid,                   u-1",
            "metadata.labels['app'],         web",
            "metadata.annotations['team'],   a",
            "metadata.labels['none'],        ''",
            "spec.nodeName,                  n1",
            "spec.serviceAccountName,        sa",
            "status.podIP,                   10.244.0.7",
            "status.podIPs,                  '10.244.0.7,fd00::7'",
            "status.hostIP,                  192.0.2.2",
    })
    void fieldRefs(String path, String expected) throws Exception {
        assertEquals(expected, DownwardApi.fieldRef(pod(app()), path, FACTS));
    }

    @ParameterizedTest
    @CsvSource({
            "limits.memory,   '',   134217728",
            "limits.memory,   1Mi,  128",
            "limits.cpu,      '',   2",
            "limits.cpu,      1m,   2000",
            "requests.cpu,    1m,   250",
            "requests.cpu,    '',   1",
            "requests.memory, '',   134217728",
            "limits.ephemeral-storage, '', 0",
    })
    void resourceFieldRefs(String resource, String divisor, String expected) throws Exception {
        assertEquals(expected, DownwardApi.resourceFieldRef(pod(app()), "app", resource,
                divisor.isEmpty() ? null : new Quantity(divisor), FACTS));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "plain                | plain",
            "$(A)-$(B)            | a-b",
            "$$(A)                | $(A)",
            "$(MISSING)           | $(MISSING)",
            "$(A                  | $(A",
            "$$$(A)               | $a",
            "cost $5              | cost $5",
            "end$                 | end$",
    })
    void expansion(String in, String out) {
        assertEquals(out, ContainerEnv.expand(in, Map.of("A", "a", "B", "b")));
    }

    static EnvVar value(String n, String v) {
        return new EnvVarBuilder().withName(n).withValue(v).build();
    }

    @Test
    void envFromThenEnvWithReferencesAndOverrides() throws Exception {
        Container c = new ContainerBuilder(app())
                .addNewEnvFrom().withPrefix("CM_").withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
                .addNewEnvFrom().withNewSecretRef().withName("sec").endSecretRef().endEnvFrom()
                .addNewEnvFrom().withNewConfigMapRef().withName("gone").withOptional(true).endConfigMapRef().endEnvFrom()
                .addToEnv(value("CM_size", "XL"))
                .addToEnv(value("GREETING", "color=$(CM_color) pw=$(password)"))
                .addNewEnv().withName("KEY").withNewValueFrom().withNewConfigMapKeyRef().withName("cfg").withKey("color")
                .endConfigMapKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("OPT").withNewValueFrom().withNewSecretKeyRef().withName("sec").withKey("nokey")
                .withOptional(true).endSecretKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("MEM").withNewValueFrom().withNewResourceFieldRef().withResource("limits.memory")
                .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .build();
        Map<String, String> env = ContainerEnv.resolve(pod(c), c, FACTS, OBJECTS);
        assertEquals(List.of("CM_color", "CM_size", "password", "GREETING", "KEY", "MEM"), List.copyOf(env.keySet()));
        assertEquals("XL", env.get("CM_size"));
        assertEquals("color=blue pw=s3cret", env.get("GREETING"));
        assertEquals("blue", env.get("KEY"));
        assertEquals("128", env.get("MEM"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cm-env-from  | configmap \"missing\" not found",
            "secret-key   | secret \"missing\" not found",
            "cm-key       | couldn't find key nokey in ConfigMap ns/cfg",
            "secret-nokey | couldn't find key nokey in Secret ns/sec",
    })
    void missingRequiredSourcesFail(String kind, String message) {
        ContainerBuilder b = new ContainerBuilder(app());
        switch (kind) {
            case "cm-env-from" -> b.addNewEnvFrom().withNewConfigMapRef().withName("missing").endConfigMapRef().endEnvFrom();
            case "secret-key" -> b.addNewEnv().withName("X").withNewValueFrom().withNewSecretKeyRef().withName("missing")
                    .withKey("k").endSecretKeyRef().endValueFrom().endEnv();
            case "cm-key" -> b.addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef().withName("cfg")
                    .withKey("nokey").endConfigMapKeyRef().endValueFrom().endEnv();
            default -> b.addNewEnv().withName("X").withNewValueFrom().withNewSecretKeyRef().withName("sec")
                    .withKey("nokey").endSecretKeyRef().endValueFrom().endEnv();
        }
        Container c = b.build();
        var e = assertThrows(ContainerConfigException.class, () -> ContainerEnv.resolve(pod(c), c, FACTS, OBJECTS));
        assertEquals(message, e.getMessage());
    }
}
