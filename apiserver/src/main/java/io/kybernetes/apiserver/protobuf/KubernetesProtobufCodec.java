package io.kybernetes.apiserver.protobuf;

import java.io.IOException;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;

import io.kubernetes.client.proto.Runtime;

/**
 * The Kubernetes protobuf wire form: the magic bytes {@code k8s\0}, then a runtime.Unknown message whose typeMeta
 * names apiVersion and kind and whose raw holds the object's message. Objects are converted to and from the JSON
 * trees the apiserver stores by {@link TreeMessageConverter}. WatchEvent objects and meta/v1 List items are embedded
 * as protobuf envelopes themselves, as upstream encodes them.
 */
@ApplicationScoped
public class KubernetesProtobufCodec implements ProtobufCodec {

    private static final byte[] MAGIC = { 'k', '8', 's', 0 };
    /** Nesting bound for embedded envelopes (a watch event's object, a List's items). */
    private static final int MAX_DEPTH = 4;

    private final ProtoKinds kinds = new ProtoKinds();
    private final ObjectMapper mapper = new ObjectMapper();
    private final ThreadLocal<Integer> depth = ThreadLocal.withInitial(() -> 0);
    private final TreeMessageConverter converter = new TreeMessageConverter(mapper, this::decodeEmbedded);

    @Override
    public boolean supports(String apiVersion, String kind) {
        return kinds.find(apiVersion, kind).isPresent();
    }

    @Override
    public ObjectNode decode(byte[] body) {
        if (!hasMagic(body)) {
            throw new IllegalArgumentException("protobuf body does not start with the Kubernetes magic bytes k8s\\0");
        }
        Runtime.Unknown unknown;
        try {
            CodedInputStream in = CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length);
            unknown = Runtime.Unknown.parseFrom(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed protobuf envelope: " + e.getMessage());
        }
        if (!unknown.getContentEncoding().isEmpty()) {
            throw new IllegalArgumentException("unsupported protobuf contentEncoding " + unknown.getContentEncoding());
        }
        String apiVersion = unknown.getTypeMeta().getApiVersion();
        String kind = unknown.getTypeMeta().getKind();
        Descriptor type = kinds.find(apiVersion, kind).orElseThrow(() -> new IllegalArgumentException(
                "no protobuf encoding known for apiVersion \"" + apiVersion + "\" kind \"" + kind + "\""));
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(type, unknown.getRaw());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("malformed protobuf " + kind + ": " + e.getMessage());
        }
        ObjectNode tree = mapper.createObjectNode();
        tree.put("apiVersion", apiVersion);
        tree.put("kind", kind);
        tree.setAll(converter.toTree(message));
        return tree;
    }

    @Override
    public byte[] encode(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        Descriptor type = kinds.find(apiVersion, kind).orElseThrow(() -> new IllegalArgumentException(
                "no protobuf encoding known for apiVersion \"" + apiVersion + "\" kind \"" + kind + "\""));
        DynamicMessage message = kind.equals("WatchEvent") || kind.equals("List")
                ? embeddingMessage(object, type)
                : converter.toMessage(object, type, "");
        Runtime.Unknown envelope = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(message.toByteString())
                .setContentEncoding("")
                .setContentType("")
                .build();
        byte[] payload = envelope.toByteArray();
        byte[] out = Arrays.copyOf(MAGIC, MAGIC.length + payload.length);
        System.arraycopy(payload, 0, out, MAGIC.length, payload.length);
        return out;
    }

    static boolean hasMagic(byte[] body) {
        return body != null && body.length >= MAGIC.length
                && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** WatchEvent.object and List.items are RawExtensions holding protobuf envelopes of typed objects. */
    private DynamicMessage embeddingMessage(JsonNode object, Descriptor type) {
        ObjectNode plain = object.deepCopy();
        FieldDescriptor rawField = type.findFieldByName(type.getName().equals("WatchEvent") ? "object" : "items");
        JsonNode embedded = plain.remove(rawField.getName());
        DynamicMessage.Builder builder = converter.toMessage(plain, type, "").toBuilder();
        Descriptor rawType = rawField.getMessageType();
        if (embedded != null && !embedded.isNull()) {
            if (rawField.isRepeated()) {
                for (JsonNode item : embedded) {
                    builder.addRepeatedField(rawField, rawExtension(rawType, item));
                }
            } else {
                builder.setField(rawField, rawExtension(rawType, embedded));
            }
        }
        return builder.build();
    }

    private DynamicMessage rawExtension(Descriptor rawType, JsonNode item) {
        byte[] raw;
        if (supports(item.path("apiVersion").asText(null), item.path("kind").asText(null))) {
            raw = encode(item);
        } else {
            try {
                raw = mapper.writeValueAsBytes(item);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot serialize embedded object", e);
            }
        }
        return DynamicMessage.newBuilder(rawType).setField(rawType.findFieldByName("raw"), ByteString.copyFrom(raw))
                .build();
    }

    private ObjectNode decodeEmbedded(byte[] raw) {
        int level = depth.get();
        if (level >= MAX_DEPTH) {
            throw new IllegalArgumentException("protobuf objects nested too deeply");
        }
        depth.set(level + 1);
        try {
            return decode(raw);
        } finally {
            depth.set(level);
        }
    }
}
