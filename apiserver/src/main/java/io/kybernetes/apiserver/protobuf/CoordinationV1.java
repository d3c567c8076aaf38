package io.kybernetes.apiserver.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;

import io.kubernetes.client.proto.Meta;

/**
 * Descriptors for coordination.k8s.io/v1 (Lease, LeaseList), which io.kubernetes:client-java-proto 24.0.0 does not
 * ship. Built in code rather than generated from a .proto because the module has no protoc step and the messages are
 * few; the result is an ordinary file descriptor that {@link com.google.protobuf.DynamicMessage} reads.
 * Field numbers and names are those of the upstream API (k8s.io/api/coordination/v1), equivalent to:
 *
 * <pre>
 * package k8s.io.api.coordination.v1;
 * message Lease     { optional ObjectMeta metadata = 1; optional LeaseSpec spec = 2; }
 * message LeaseList { optional ListMeta metadata = 1;   repeated Lease items = 2; }
 * message LeaseSpec { optional string holderIdentity = 1; optional int32 leaseDurationSeconds = 2;
 *                     optional MicroTime acquireTime = 3; optional MicroTime renewTime = 4;
 *                     optional int32 leaseTransitions = 5; optional string strategy = 6;
 *                     optional string preferredHolder = 7; }
 * </pre>
 */
final class CoordinationV1 {

    static final String PACKAGE = "k8s.io.api.coordination.v1";
    private static final String META = "." + Meta.getDescriptor().getPackage() + ".";

    private CoordinationV1() {
    }

    /** The file, to be built against the meta.k8s.io/v1 file it depends on (see {@link ProtobufDescriptors}). */
    static FileDescriptorProto proto() {
        return FileDescriptorProto.newBuilder()
                .setName("k8s.io/api/coordination/v1/generated.proto")
                .setPackage(PACKAGE)
                .addDependency(Meta.getDescriptor().getName())
                .addMessageType(DescriptorProto.newBuilder().setName("Lease")
                        .addField(message("metadata", 1, META + "ObjectMeta", false))
                        .addField(message("spec", 2, "." + PACKAGE + ".LeaseSpec", false)))
                .addMessageType(DescriptorProto.newBuilder().setName("LeaseList")
                        .addField(message("metadata", 1, META + "ListMeta", false))
                        .addField(message("items", 2, "." + PACKAGE + ".Lease", true)))
                .addMessageType(DescriptorProto.newBuilder().setName("LeaseSpec")
                        .addField(scalar("holderIdentity", 1, Type.TYPE_STRING))
                        .addField(scalar("leaseDurationSeconds", 2, Type.TYPE_INT32))
                        .addField(message("acquireTime", 3, META + "MicroTime", false))
                        .addField(message("renewTime", 4, META + "MicroTime", false))
                        .addField(scalar("leaseTransitions", 5, Type.TYPE_INT32))
                        .addField(scalar("strategy", 6, Type.TYPE_STRING))
                        .addField(scalar("preferredHolder", 7, Type.TYPE_STRING)))
                .build();
    }

    private static FieldDescriptorProto scalar(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setJsonName(name).setNumber(number)
                .setLabel(Label.LABEL_OPTIONAL).setType(type).build();
    }

    private static FieldDescriptorProto message(String name, int number, String typeName, boolean repeated) {
        return FieldDescriptorProto.newBuilder().setName(name).setJsonName(name).setNumber(number)
                .setLabel(repeated ? Label.LABEL_REPEATED : Label.LABEL_OPTIONAL)
                .setType(Type.TYPE_MESSAGE).setTypeName(typeName).build();
    }
}
