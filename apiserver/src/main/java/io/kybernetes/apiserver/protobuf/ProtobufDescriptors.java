package io.kybernetes.apiserver.protobuf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V2beta2Autoscaling;

/**
 * The protobuf descriptors of the Kubernetes v1 APIs and the facts where their JSON form departs from the message
 * shape (inline fields, renamed fields). Shared by the codec and by the build-time OpenAPI schema generator.
 */
public final class ProtobufDescriptors {

    private static final List<FileDescriptor> GENERATED = List.of(V1.getDescriptor(), V1Apps.getDescriptor(),
            V1Autoscaling.getDescriptor(), V1Batch.getDescriptor(), V1Policy.getDescriptor(),
            V1Networking.getDescriptor(), V1Rbac.getDescriptor(), V1Storage.getDescriptor(),
            V1Scheduling.getDescriptor(), V1Certificates.getDescriptor(), V1Admissionregistration.getDescriptor(),
            V1Authentication.getDescriptor(), V1Authorization.getDescriptor());

    /**
     * Fields of the 1.31/1.32 API that the messages of client-java-proto 24.0.0 lack: "message" -> fields. Without
     * them a newer client's value would be dropped. Numbers and names are upstream's (k8s.io/api core/v1).
     */
    private static final Map<String, List<FieldDescriptorProto>> ADDED = Map.of(
            "k8s.io.api.core.v1.PodSpec", List.of(message("resources", 40, ".k8s.io.api.core.v1.ResourceRequirements")),
            "k8s.io.api.core.v1.PodSecurityContext", List.of(string("supplementalGroupsPolicy", 12),
                    string("seLinuxChangePolicy", 13)),
            "k8s.io.api.core.v1.PodResourceClaim", List.of(string("resourceClaimName", 3),
                    string("resourceClaimTemplateName", 4)),
            "k8s.io.api.core.v1.ResourceClaim", List.of(string("request", 2)));

    private static final Map<String, FileDescriptor> BUILT = new LinkedHashMap<>();
    private static final List<FileDescriptor> FILES = buildFiles();

    /**
     * Go structs embedded with {@code json:",inline"}: a message field in protobuf whose own fields sit directly in
     * the parent JSON object (Volume.volumeSource holds emptyDir, configMap...; Probe.handler holds exec, httpGet...).
     * A fact list of the v1 APIs, found by comparing these messages with the JSON names of the OpenAPI models.
     */
    private static final Set<String> INLINE = Set.of(
            "k8s.io.api.core.v1.Volume.volumeSource",
            "k8s.io.api.core.v1.Probe.handler",
            "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
            "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
            "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
            "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
            "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
            "k8s.io.api.core.v1.SecretProjection.localObjectReference",
            "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
            "k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations",
            "k8s.io.api.admissionregistration.v1.RuleWithOperations.rule");

    /** Protobuf field names that differ from the JSON name (the same comparison found them). */
    private static final Map<String, String> JSON_NAMES = Map.of(
            "k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration.Webhooks", "webhooks",
            "k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration.Webhooks", "webhooks",
            "k8s.io.api.admissionregistration.v1.Validation.Expression", "expression",
            "k8s.io.api.admissionregistration.v1.Variable.Expression", "expression",
            "k8s.io.api.admissionregistration.v1.Variable.Name", "name",
            "k8s.io.api.authentication.v1.BoundObjectReference.uID", "uid",
            "k8s.io.api.networking.v1.IngressClassParametersReference.aPIGroup", "apiGroup");

    /**
     * Non-pointer Go fields tagged omitempty that Go clients always put on the wire: their zero value means "not set"
     * (Go's JSON leaves them out), unlike a pointer field's explicit zero (replicas: 0, runAsUser: 0), which is kept.
     * A fact list of the fields kubectl and Helm send in the served kinds.
     */
    private static final Set<String> ZERO_IS_ABSENT = Set.of(
            "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta.generation",
            "k8s.io.api.core.v1.Container.stdin", "k8s.io.api.core.v1.Container.stdinOnce",
            "k8s.io.api.core.v1.Container.tty", "k8s.io.api.core.v1.ContainerPort.hostPort",
            "k8s.io.api.core.v1.PodSpec.hostNetwork", "k8s.io.api.core.v1.PodSpec.hostPID",
            "k8s.io.api.core.v1.PodSpec.hostIPC", "k8s.io.api.core.v1.ServicePort.nodePort",
            "k8s.io.api.core.v1.ServiceSpec.publishNotReadyAddresses",
            "k8s.io.api.core.v1.ServiceSpec.healthCheckNodePort", "k8s.io.api.core.v1.VolumeMount.readOnly",
            "k8s.io.api.core.v1.Probe.initialDelaySeconds", "k8s.io.api.core.v1.Probe.timeoutSeconds",
            "k8s.io.api.core.v1.Probe.periodSeconds", "k8s.io.api.core.v1.Probe.successThreshold",
            "k8s.io.api.core.v1.Probe.failureThreshold",
            "k8s.io.api.apps.v1.DeploymentSpec.minReadySeconds", "k8s.io.api.apps.v1.DeploymentSpec.paused",
            "k8s.io.api.apps.v1.ReplicaSetSpec.minReadySeconds",
            "k8s.io.api.apps.v1.DeploymentStatus.observedGeneration", "k8s.io.api.apps.v1.DeploymentStatus.replicas",
            "k8s.io.api.apps.v1.DeploymentStatus.updatedReplicas",
            "k8s.io.api.apps.v1.DeploymentStatus.readyReplicas",
            "k8s.io.api.apps.v1.DeploymentStatus.availableReplicas",
            "k8s.io.api.apps.v1.DeploymentStatus.unavailableReplicas",
            "k8s.io.api.apps.v1.ReplicaSetStatus.fullyLabeledReplicas",
            "k8s.io.api.apps.v1.ReplicaSetStatus.readyReplicas",
            "k8s.io.api.apps.v1.ReplicaSetStatus.availableReplicas",
            "k8s.io.api.apps.v1.ReplicaSetStatus.observedGeneration");

    /** Pointer strings whose "" differs from absent (a PVC's storageClassName "" asks for no class). */
    private static final Set<String> EMPTY_STRING_IS_SET = Set.of(
            "k8s.io.api.core.v1.PersistentVolumeClaimSpec.storageClassName");

    private static final ProtoKinds KINDS = new ProtoKinds();

    private ProtobufDescriptors() {
    }

    /**
     * Rebuilds the generated files (and their dependencies: meta, runtime, intstr, resource) with {@link #ADDED},
     * plus coordination.k8s.io/v1, as one consistent set of descriptors for DynamicMessage.
     */
    private static List<FileDescriptor> buildFiles() {
        List<FileDescriptor> files = new ArrayList<>();
        for (FileDescriptor generated : GENERATED) {
            files.add(rebuild(generated.toProto(), generated.getDependencies()));
        }
        FileDescriptor meta = BUILT.get(io.kubernetes.client.proto.Meta.getDescriptor().getName());
        files.add(build(CoordinationV1.proto(), List.of(meta)));
        FileDescriptor v2beta2 = V2beta2Autoscaling.getDescriptor();
        files.add(rebuild(renamePackage(v2beta2.toProto(), "k8s.io.api.autoscaling.v2beta2", "k8s.io.api.autoscaling.v2"),
                v2beta2.getDependencies()));
        return List.copyOf(files);
    }

    /**
     * autoscaling/v2 has no messages in client-java-proto 24.0.0; its messages are autoscaling/v2beta2's (upstream
     * made v2 from v2beta2: same messages, field names and numbers), so they are reused under the v2 package.
     */
    static FileDescriptorProto renamePackage(FileDescriptorProto proto, String from, String to) {
        FileDescriptorProto.Builder b = proto.toBuilder().setPackage(to)
                .setName("kybernetes/" + to.replace('.', '/') + "/generated.proto");
        for (DescriptorProto.Builder m : b.getMessageTypeBuilderList()) {
            retype(m, "." + from + ".", "." + to + ".");
        }
        return b.build();
    }

    private static void retype(DescriptorProto.Builder m, String from, String to) {
        for (FieldDescriptorProto.Builder f : m.getFieldBuilderList()) {
            if (f.getTypeName().startsWith(from)) {
                f.setTypeName(to + f.getTypeName().substring(from.length()));
            }
        }
        for (DescriptorProto.Builder nested : m.getNestedTypeBuilderList()) {
            retype(nested, from, to);
        }
    }

    private static FileDescriptor rebuild(FileDescriptorProto proto, List<FileDescriptor> dependencies) {
        FileDescriptor done = BUILT.get(proto.getName());
        if (done != null) {
            return done;
        }
        List<FileDescriptor> deps = new ArrayList<>();
        for (FileDescriptor dependency : dependencies) {
            deps.add(rebuild(dependency.toProto(), dependency.getDependencies()));
        }
        FileDescriptorProto.Builder builder = proto.toBuilder();
        for (DescriptorProto.Builder message : builder.getMessageTypeBuilderList()) {
            List<FieldDescriptorProto> added = ADDED.get(proto.getPackage() + "." + message.getName());
            if (added != null) {
                for (FieldDescriptorProto field : added) {
                    if (message.getFieldList().stream().noneMatch(f -> f.getNumber() == field.getNumber())) {
                        message.addField(field);
                    }
                }
            }
        }
        return build(builder.build(), deps);
    }

    private static FileDescriptor build(FileDescriptorProto proto, List<FileDescriptor> deps) {
        try {
            FileDescriptor built = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
            BUILT.put(proto.getName(), built);
            return built;
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("invalid descriptor " + proto.getName(), e);
        }
    }

    private static FieldDescriptorProto string(String name, int number) {
        return FieldDescriptorProto.newBuilder().setName(name).setJsonName(name).setNumber(number)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(FieldDescriptorProto.Type.TYPE_STRING)
                .build();
    }

    private static FieldDescriptorProto message(String name, int number, String type) {
        return FieldDescriptorProto.newBuilder().setName(name).setJsonName(name).setNumber(number)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                .setTypeName(type).build();
    }

    /** The message of this full name (k8s.io.apimachinery.pkg.apis.meta.v1.Status) in the rebuilt set. */
    public static Descriptor message(String fullName) {
        int dot = fullName.lastIndexOf('.');
        for (FileDescriptor file : BUILT.values()) {
            if (file.getPackage().equals(fullName.substring(0, dot))) {
                Descriptor found = file.findMessageTypeByName(fullName.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        throw new IllegalArgumentException("no message " + fullName);
    }

    /** The API files (core, apps, autoscaling, coordination, ... all at v1); meta/runtime come as dependencies. */
    public static List<FileDescriptor> files() {
        return FILES;
    }

    /** The message of a kind (also *List kinds and meta.k8s.io kinds such as Status under any apiVersion). */
    public static Optional<Descriptor> kind(String apiVersion, String kind) {
        return KINDS.find(apiVersion, kind);
    }

    /** k8s.io.api.apps.v1 -> apps/v1, k8s.io.api.core.v1 -> v1, k8s.io.api.rbac.v1 -> rbac.authorization.k8s.io/v1. */
    public static String apiVersionOf(String protoPackage) {
        return ProtoKinds.apiVersionOf(protoPackage);
    }

    /** Whether the message is a kind: it has an ObjectMeta or ListMeta metadata field. */
    public static boolean isKind(Descriptor message) {
        return ProtoKinds.isKind(message);
    }

    /** Whether this present value stands for "not set" in Kubernetes JSON (see {@link #ZERO_IS_ABSENT}). */
    public static boolean isUnsetValue(FieldDescriptor field, Object value) {
        if (value instanceof String text) {
            // Go sends every non-pointer string, "" included; its JSON omits those.
            return text.isEmpty() && !EMPTY_STRING_IS_SET.contains(field.getFullName());
        }
        if (!ZERO_IS_ABSENT.contains(field.getFullName())) {
            return false;
        }
        return value instanceof Boolean b ? !b : value instanceof Number n && n.longValue() == 0;
    }

    public static boolean isInline(FieldDescriptor field) {
        return INLINE.contains(field.getFullName());
    }

    public static String jsonName(FieldDescriptor field) {
        return JSON_NAMES.getOrDefault(field.getFullName(), field.getName());
    }

    /** The message's (non-inline) field of that JSON name, or null. */
    public static FieldDescriptor fieldByJsonName(Descriptor message, String jsonName) {
        for (FieldDescriptor field : message.getFields()) {
            if (!isInline(field) && jsonName(field).equals(jsonName)) {
                return field;
            }
        }
        return null;
    }

    public static List<FieldDescriptor> inlineFields(Descriptor message) {
        List<FieldDescriptor> inline = new ArrayList<>();
        for (FieldDescriptor field : message.getFields()) {
            if (isInline(field)) {
                inline.add(field);
            }
        }
        return inline;
    }
}
