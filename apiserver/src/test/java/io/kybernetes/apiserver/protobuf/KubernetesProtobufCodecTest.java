package io.kybernetes.apiserver.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;

class KubernetesProtobufCodecTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final KubernetesProtobufCodec codec = new KubernetesProtobufCodec();

    @ParameterizedTest
    @ValueSource(strings = { "deployment.json", "pod.json", "service.json", "secret.json", "node.json",
            "configmap.json", "lease.json", "ingress.json", "hpa-v2.json", "cronjob.json" })
    void jsonToProtobufToJsonIsIdentity(String fixture) throws IOException {
        JsonNode original = MAPPER.readTree(resource(fixture));
        byte[] wire = codec.encode(original);
        assertArrayEquals(new byte[] { 'k', '8', 's', 0 }, Arrays.copyOf(wire, 4));
        assertEquals(original, codec.decode(wire));
    }

    @Test
    void decodesTheBodyKubectlCreateDeploymentSends() throws IOException {
        ObjectNode tree = codec.decode(resource("kubectl-create-deployment-web.pb"));
        assertEquals("apps/v1", tree.path("apiVersion").asText());
        assertEquals("Deployment", tree.path("kind").asText());
        assertEquals("web", tree.at("/metadata/name").asText());
        assertEquals("web", tree.at("/metadata/labels/app").asText());
        assertEquals(2, tree.at("/spec/replicas").asInt());
        assertEquals("web", tree.at("/spec/selector/matchLabels/app").asText());
        assertEquals("web", tree.at("/spec/template/metadata/labels/app").asText());
        JsonNode container = tree.at("/spec/template/spec/containers/0");
        assertEquals("nginx", container.path("name").asText());
        assertEquals("nginx", container.path("image").asText());
        // Go sends every non-pointer string, empty ones too: they must not surface as "" in JSON,
        // and the zero creationTimestamp must not surface at all.
        assertFalse(tree.path("metadata").has("namespace"));
        assertFalse(tree.path("metadata").has("creationTimestamp"));
        assertFalse(tree.path("metadata").has("resourceVersion"));
        assertFalse(container.has("terminationMessagePath"));
        assertTrue(tree.path("status").isObject());
        // exactly what Go's JSON encoding of the same object says (creationTimestamp: null left out)
        assertEquals(MAPPER.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},
                 "status":{}}"""), tree);
    }

    /** Bodies Helm 3.17.2 sent for `helm install app ./app` (captured through a proxy in front of this apiserver). */
    @ParameterizedTest
    @CsvSource({ "helm3-release-secret-post.pb, pending-install", "helm3-release-secret-put.pb, deployed" })
    void decodesHelmReleaseSecrets(String body, String status) throws IOException {
        ObjectNode secret = codec.decode(resource(body));
        assertEquals("v1", secret.path("apiVersion").asText());
        assertEquals("Secret", secret.path("kind").asText());
        assertEquals("sh.helm.release.v1.app.v1", secret.at("/metadata/name").asText());
        assertEquals("helm", secret.at("/metadata/labels/owner").asText());
        assertEquals("app", secret.at("/metadata/labels/name").asText());
        assertEquals(status, secret.at("/metadata/labels/status").asText());
        assertEquals("helm.sh/release.v1", secret.path("type").asText());
        // data.release: JSON base64 of the bytes, which are Helm's own base64 of a gzipped release JSON
        byte[] helmBase64 = Base64.getDecoder().decode(secret.at("/data/release").asText());
        byte[] gzipped = Base64.getDecoder().decode(helmBase64);
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            JsonNode release = MAPPER.readTree(in);
            assertEquals("app", release.path("name").asText());
            assertEquals(status, release.at("/info/status").asText());
        }
        // Go also sends the empty non-pointer strings, which the tree leaves out: compare trees, not bytes
        assertEquals(secret, codec.decode(codec.encode(secret)));
    }

    @Test
    void explicitZeroOfAPointerFieldSurvivesButAGoZeroValueDoesNot() {
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("d").setNamespace("").setGeneration(0))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setMinReadySeconds(0).setPaused(false)
                        .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                                .setTerminationGracePeriodSeconds(0).setHostNetwork(false)
                                .setSecurityContext(V1.PodSecurityContext.newBuilder().setRunAsUser(0)
                                        .setRunAsNonRoot(false)))))
                .build();
        ObjectNode tree = codec.decode(envelope("apps/v1", "Deployment", deployment.toByteArray()));
        assertEquals(0, tree.at("/spec/replicas").asInt(-1));
        assertEquals(0, tree.at("/spec/template/spec/terminationGracePeriodSeconds").asInt(-1));
        assertEquals(0, tree.at("/spec/template/spec/securityContext/runAsUser").asInt(-1));
        assertTrue(tree.at("/spec/template/spec/securityContext/runAsNonRoot").isBoolean());
        assertFalse(tree.path("spec").has("minReadySeconds"));
        assertFalse(tree.path("spec").has("paused"));
        assertFalse(tree.at("/spec/template/spec").has("hostNetwork"));
        assertFalse(tree.path("metadata").has("generation"));
        assertFalse(tree.path("metadata").has("namespace"));
    }

    @Test
    void decodesWhatTheGeneratedJavaMessagesEncode() {
        V1.Secret secret = V1.Secret.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("s").setCreationTimestamp(
                        Meta.Time.newBuilder().setSeconds(1_795_500_000L)))
                .putData("bin", com.google.protobuf.ByteString.copyFrom(new byte[] { 0, (byte) 0xff, 1 }))
                .setType("Opaque").build();
        ObjectNode tree = codec.decode(envelope("v1", "Secret", secret.toByteArray()));
        assertEquals(Base64.getEncoder().encodeToString(new byte[] { 0, (byte) 0xff, 1 }),
                tree.at("/data/bin").asText());
        assertEquals("2026-11-24T06:00:00Z", tree.at("/metadata/creationTimestamp").asText());
        assertEquals("Opaque", tree.path("type").asText());
    }

    @Test
    void encodesWhatTheGeneratedJavaMessagesParse() throws Exception {
        JsonNode json = MAPPER.readTree(resource("deployment.json"));
        byte[] wire = codec.encode(json);
        Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(wire, 4, wire.length));
        assertEquals("apps/v1", unknown.getTypeMeta().getApiVersion());
        assertEquals("Deployment", unknown.getTypeMeta().getKind());
        V1Apps.Deployment deployment = V1Apps.Deployment.parseFrom(unknown.getRaw());
        assertTrue(deployment.getSpec().hasReplicas(), "an explicit replicas: 0 keeps its presence");
        assertEquals(0, deployment.getSpec().getReplicas());
        assertEquals("25%", deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal());
        assertEquals(1, deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals("500m", deployment.getSpec().getTemplate().getSpec().getContainers(0).getResources()
                .getLimitsMap().get("cpu").getString());
        assertEquals(1_795_500_000L, deployment.getMetadata().getCreationTimestamp().getSeconds());
        assertFalse(deployment.getSpec().hasMinReadySeconds(), "absent fields stay absent");
    }

    @ParameterizedTest
    @CsvSource({
            "v1, Namespace", "v1, NamespaceList", "v1, Node", "v1, NodeList", "v1, Pod", "v1, PodList",
            "v1, Binding", "v1, Service", "v1, ServiceList", "v1, Endpoints", "v1, EndpointsList",
            "v1, ConfigMap", "v1, ConfigMapList", "v1, Secret", "v1, SecretList", "v1, ServiceAccount",
            "v1, ServiceAccountList", "v1, Event", "v1, EventList", "apps/v1, Deployment", "apps/v1, DeploymentList",
            "apps/v1, ReplicaSet", "apps/v1, ReplicaSetList", "autoscaling/v1, Scale",
            "coordination.k8s.io/v1, Lease", "coordination.k8s.io/v1, LeaseList", "v1, Status",
            "meta.k8s.io/v1, Status", "v1, DeleteOptions", "apps/v1, DeleteOptions", "meta.k8s.io/v1, WatchEvent",
            "batch/v1, Job", "rbac.authorization.k8s.io/v1, ClusterRole", "networking.k8s.io/v1, Ingress",
            "autoscaling/v2, HorizontalPodAutoscaler", "autoscaling/v2, HorizontalPodAutoscalerList",
            "autoscaling/v1, HorizontalPodAutoscaler", "apps/v1, StatefulSet", "apps/v1, DaemonSet",
            "batch/v1, CronJob", "policy/v1, PodDisruptionBudget", "policy/v1, Eviction",
            "scheduling.k8s.io/v1, PriorityClass", "storage.k8s.io/v1, StorageClass",
            "certificates.k8s.io/v1, CertificateSigningRequest", "v1, PersistentVolumeClaim",
            "v1, ReplicationController", "networking.k8s.io/v1, NetworkPolicy" })
    void supportsEveryServedKind(String apiVersion, String kind) {
        assertTrue(codec.supports(apiVersion, kind), apiVersion + " " + kind);
    }

    @ParameterizedTest
    @CsvSource({ "v1, Deployment", "apps/v1, Pod", "example.com/v1, Widget", "v1, PodSpec", "meta.k8s.io/v1, Table" })
    void rejectsUnknownKinds(String apiVersion, String kind) {
        assertFalse(codec.supports(apiVersion, kind));
        ObjectNode object = MAPPER.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(object));
    }

    @Test
    void statusAndDeleteOptionsRoundTrip() throws IOException {
        JsonNode status = MAPPER.readTree("""
                {"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","message":"pods \\"x\\" not found",
                 "reason":"NotFound","details":{"name":"x","kind":"pods","causes":[{"reason":"FieldValueInvalid",
                 "message":"bad","field":"spec"}],"retryAfterSeconds":1},"code":404}""");
        assertEquals(status, codec.decode(codec.encode(status)));
        JsonNode delete = MAPPER.readTree("""
                {"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":0,"propagationPolicy":"Background",
                 "preconditions":{"uid":"abc"},"dryRun":["All"]}""");
        assertEquals(delete, codec.decode(codec.encode(delete)));
    }

    @Test
    void listsCarryItemsWithoutTypeMeta() throws IOException {
        JsonNode list = MAPPER.readTree("""
                {"apiVersion":"v1","kind":"SecretList","metadata":{"resourceVersion":"12","continue":"abc"},
                 "items":[{"metadata":{"name":"a"},"data":{"k":"AQI="}},{"metadata":{"name":"b"},"type":"Opaque"}]}""");
        assertEquals(list, codec.decode(codec.encode(list)));
    }

    @Test
    void watchEventsEmbedTheObjectAsProtobuf() throws Exception {
        JsonNode event = MAPPER.readTree("""
                {"apiVersion":"meta.k8s.io/v1","kind":"WatchEvent","type":"ADDED",
                 "object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}}""");
        byte[] wire = codec.encode(event);
        Meta.WatchEvent parsed = Meta.WatchEvent.parseFrom(
                Runtime.Unknown.parseFrom(Arrays.copyOfRange(wire, 4, wire.length)).getRaw());
        assertTrue(KubernetesProtobufCodec.hasMagic(parsed.getObject().getRaw().toByteArray()));
        assertEquals(event, codec.decode(wire));
    }

    @Test
    void intOrStringQuantityDurationAndMicroTimeFollowTheJsonRules() throws IOException {
        JsonNode pod = MAPPER.readTree("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
                 "spec":{"ports":[{"port":80,"targetPort":0},{"port":81,"targetPort":"web"}]}}""");
        assertEquals(pod, codec.decode(codec.encode(pod)));
        JsonNode quantityNumber = MAPPER.readTree("""
                {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"pods":10}}}""");
        assertEquals("10", codec.decode(codec.encode(quantityNumber)).at("/spec/hard/pods").textValue());
        JsonNode time = MAPPER.readTree("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n","creationTimestamp":"2026-11-24T07:00:00+01:00"}}""");
        assertEquals("2026-11-24T06:00:00Z", codec.decode(codec.encode(time)).at("/metadata/creationTimestamp").asText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":\"2\"}}|spec.replicas: expected 32-bit integer",
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":1.5}}|spec.replicas: expected 32-bit integer",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":{}}}|spec.containers: expected array",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"data\":{\"k\":\"!!\"}}|data.k: illegal base64",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"creationTimestamp\":\"yesterday\"}}|metadata.creationTimestamp: invalid RFC 3339",
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"ports\":[{\"targetPort\":true}]}}|spec.ports[0].targetPort: expected integer or string" })
    void encodeErrorsNameTheField(String json, String message) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(MAPPER.readTree(json)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void decodeErrorsAreIllegalArgumentExceptions() {
        assertThrows(IllegalArgumentException.class, () -> codec.decode("{\"kind\":\"Pod\"}".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(new byte[] { 'k', '8', 's' }));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(new byte[] { 'k', '8', 's', 0, 0x0a, 0x7f }));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(envelope("example.com/v1", "Widget", new byte[0])));
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> codec.decode(envelope("v1", "Pod", new byte[] { 0x0a, 0x05, 0x01 })));
        assertTrue(garbage.getMessage().contains("malformed protobuf Pod"), garbage.getMessage());
    }

    private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        byte[] payload = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(com.google.protobuf.ByteString.copyFrom(raw)).build().toByteArray();
        byte[] out = new byte[payload.length + 4];
        System.arraycopy(new byte[] { 'k', '8', 's', 0 }, 0, out, 0, 4);
        System.arraycopy(payload, 0, out, 4, payload.length);
        return out;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = KubernetesProtobufCodecTest.class.getResourceAsStream("/protobuf/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
