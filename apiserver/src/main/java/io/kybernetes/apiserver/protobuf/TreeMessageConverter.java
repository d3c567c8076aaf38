package io.kybernetes.apiserver.protobuf;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.function.Function;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;

/**
 * Converts between Kubernetes JSON trees and protobuf messages by walking the message descriptors, applying the
 * Kubernetes JSON rules for the apimachinery types whose JSON form is not their message form: Time and MicroTime are
 * RFC 3339 strings, Duration a Go duration string, IntOrString an int or a string, Quantity a string, RawExtension and
 * FieldsV1 embedded JSON, Verbs and ExtraValue plain arrays, bytes base64, map entries JSON objects. Proto field names
 * of the Kubernetes messages are their JSON names. Protobuf-java's JsonFormat is not used: it speaks proto3 JSON
 * (int64 as strings, Timestamp objects as messages), not Kubernetes JSON.
 */
final class TreeMessageConverter {

    private static final Logger LOG = Logger.getLogger(TreeMessageConverter.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String DURATION = META + "Duration";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    /** Messages that wrap a string list ({@code repeated string items}) but are plain JSON arrays. */
    private static final Set<String> ARRAY_WRAPPERS = Set.of(META + "Verbs", "k8s.io.api.authentication.v1.ExtraValue",
            "k8s.io.api.authorization.v1.ExtraValue", "k8s.io.api.certificates.v1.ExtraValue");

    private static final DateTimeFormatter RFC3339_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICROS = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;
    private final Map<Descriptor, Shape> shapes = new ConcurrentHashMap<>();
    /** Decodes a RawExtension payload that is itself a protobuf envelope (watch events, meta/v1 List items). */
    private final Function<byte[], ObjectNode> embeddedDecoder;

    TreeMessageConverter(ObjectMapper mapper, Function<byte[], ObjectNode> embeddedDecoder) {
        this.mapper = mapper;
        this.embeddedDecoder = embeddedDecoder;
    }

    // ---- JSON tree -> message ----

    /** Builds a message of the given type from a JSON object; fields the message does not know are dropped. */
    DynamicMessage toMessage(JsonNode node, Descriptor type, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "object", node);
        }
        Shape shape = shape(type);
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        Map<FieldDescriptor, ObjectNode> inlined = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            FieldDescriptor field = shape.direct.get(name);
            String fieldPath = path.isEmpty() ? name : path + "." + name;
            if (field == null) {
                FieldDescriptor inline = shape.inlineFor(name, this);
                if (inline != null) {
                    inlined.computeIfAbsent(inline, f -> NODES.objectNode()).set(name, value);
                } else if (!path.isEmpty() || !(name.equals("apiVersion") || name.equals("kind"))) {
                    LOG.debugf("no protobuf field for %s in %s: dropped", fieldPath, type.getFullName());
                }
                continue;
            }
            if (field.isMapField()) {
                setMap(builder, field, value, fieldPath);
            } else if (field.isRepeated()) {
                if (!value.isArray()) {
                    throw mismatch(fieldPath, "array", value);
                }
                for (int i = 0; i < value.size(); i++) {
                    if (!value.get(i).isNull()) {
                        builder.addRepeatedField(field, fieldValue(field, value.get(i), fieldPath + "[" + i + "]"));
                    }
                }
            } else {
                builder.setField(field, fieldValue(field, value, fieldPath));
            }
        }
        inlined.forEach((field, value) -> builder.setField(field, toMessage(value, field.getMessageType(), path)));
        return builder.build();
    }

    private void setMap(DynamicMessage.Builder builder, FieldDescriptor field, JsonNode value, String path) {
        if (!value.isObject()) {
            throw mismatch(path, "object", value);
        }
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByName("key");
        FieldDescriptor valueField = entryType.findFieldByName("value");
        Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            DynamicMessage.Builder mapEntry = DynamicMessage.newBuilder(entryType).setField(keyField, entry.getKey());
            if (!entry.getValue().isNull()) {
                mapEntry.setField(valueField, fieldValue(valueField, entry.getValue(), path + "." + entry.getKey()));
            }
            builder.addRepeatedField(field, mapEntry.build());
        }
    }

    private Object fieldValue(FieldDescriptor field, JsonNode value, String path) {
        switch (field.getJavaType()) {
            case STRING:
                if (!value.isTextual()) {
                    throw mismatch(path, "string", value);
                }
                return value.textValue();
            case INT:
                if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                    throw mismatch(path, "32-bit integer", value);
                }
                return value.intValue();
            case LONG:
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw mismatch(path, "integer", value);
                }
                return value.longValue();
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw mismatch(path, "boolean", value);
                }
                return value.booleanValue();
            case DOUBLE:
            case FLOAT:
                if (!value.isNumber()) {
                    throw mismatch(path, "number", value);
                }
                return field.getJavaType() == FieldDescriptor.JavaType.DOUBLE ? value.doubleValue()
                        : (Object) value.floatValue();
            case BYTE_STRING:
                if (!value.isTextual()) {
                    throw mismatch(path, "base64 string", value);
                }
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(value.textValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(path + ": illegal base64 data: " + e.getMessage());
                }
            case MESSAGE:
                return specialOrMessage(field.getMessageType(), value, path);
            default:
                throw new IllegalArgumentException(path + ": unsupported protobuf field type " + field.getType());
        }
    }

    private Message specialOrMessage(Descriptor type, JsonNode value, String path) {
        String name = type.getFullName();
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        switch (name) {
            case TIME, MICRO_TIME -> {
                if (!value.isTextual()) {
                    throw mismatch(path, "RFC 3339 time string", value);
                }
                Instant instant = parseTime(value.textValue(), path);
                return builder.setField(type.findFieldByName("seconds"), instant.getEpochSecond())
                        .setField(type.findFieldByName("nanos"), instant.getNano()).build();
            }
            case DURATION -> {
                if (!value.isTextual()) {
                    throw mismatch(path, "duration string", value);
                }
                try {
                    return builder.setField(type.findFieldByName("duration"), GoDuration.parse(value.textValue()))
                            .build();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(path + ": " + e.getMessage());
                }
            }
            case INT_OR_STRING -> {
                if (value.isIntegralNumber() && value.canConvertToInt()) {
                    return builder.setField(type.findFieldByName("type"), 0L)
                            .setField(type.findFieldByName("intVal"), value.intValue()).build();
                }
                if (value.isTextual()) {
                    return builder.setField(type.findFieldByName("type"), 1L)
                            .setField(type.findFieldByName("strVal"), value.textValue()).build();
                }
                throw mismatch(path, "integer or string", value);
            }
            case QUANTITY -> {
                if (!value.isTextual() && !value.isNumber()) {
                    throw mismatch(path, "quantity string", value);
                }
                return builder.setField(type.findFieldByName("string"), value.asText()).build();
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                FieldDescriptor raw = type.getFields().get(0);
                try {
                    return builder.setField(raw, ByteString.copyFrom(mapper.writeValueAsBytes(value))).build();
                } catch (IOException e) {
                    throw new IllegalArgumentException(path + ": cannot serialize embedded object", e);
                }
            }
            default -> {
                if (ARRAY_WRAPPERS.contains(name)) {
                    if (!value.isArray()) {
                        throw mismatch(path, "array", value);
                    }
                    FieldDescriptor items = type.findFieldByName("items");
                    for (int i = 0; i < value.size(); i++) {
                        builder.addRepeatedField(items, fieldValue(items, value.get(i), path + "[" + i + "]"));
                    }
                    return builder.build();
                }
                return toMessage(value, type, path);
            }
        }
    }

    private static Instant parseTime(String text, String path) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(path + ": invalid RFC 3339 time \"" + text + "\"");
        }
    }

    private static IllegalArgumentException mismatch(String path, String expected, JsonNode actual) {
        return new IllegalArgumentException(
                (path.isEmpty() ? "object" : path) + ": expected " + expected + ", got " + actual.getNodeType()
                        .toString().toLowerCase());
    }

    // ---- message -> JSON tree ----

    /** Converts a message to a JSON object, emitting only the fields that are present (proto2 presence). */
    ObjectNode toTree(Message message) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            String name = jsonName(field);
            if (ProtobufDescriptors.isInline(field)) {
                out.setAll(toTree((Message) entry.getValue()));
            } else if (field.isMapField()) {
                ObjectNode map = out.putObject(name);
                @SuppressWarnings("unchecked")
                List<Message> entries = (List<Message>) entry.getValue();
                for (Message mapEntry : entries) {
                    Descriptor entryType = mapEntry.getDescriptorForType();
                    String key = (String) mapEntry.getField(entryType.findFieldByName("key"));
                    FieldDescriptor valueField = entryType.findFieldByName("value");
                    JsonNode value = mapEntry.hasField(valueField)
                            ? jsonValue(valueField, mapEntry.getField(valueField))
                            : defaultMapValue(valueField);
                    map.set(key, value);
                }
            } else if (field.isRepeated()) {
                ArrayNode array = out.putArray(name);
                for (Object item : (List<?>) entry.getValue()) {
                    JsonNode value = jsonValue(field, item);
                    array.add(value == null ? NODES.nullNode() : value);
                }
            } else if (!ProtobufDescriptors.isUnsetValue(field, entry.getValue())) {
                JsonNode value = jsonValue(field, entry.getValue());
                if (value != null) {
                    out.set(name, value);
                }
            }
        }
        return out;
    }

    private JsonNode defaultMapValue(FieldDescriptor valueField) {
        return switch (valueField.getJavaType()) {
            case STRING -> NODES.textNode("");
            case BYTE_STRING -> NODES.textNode("");
            case MESSAGE -> jsonValue(valueField, DynamicMessage.getDefaultInstance(valueField.getMessageType()));
            default -> jsonValue(valueField, valueField.getDefaultValue());
        };
    }

    /** The JSON form of one field value, or null when the value stands for "absent" (a zero Time, empty raw). */
    private JsonNode jsonValue(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case STRING -> NODES.textNode((String) value);
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> integer((Long) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case MESSAGE -> specialOrTree((Message) value);
            default -> throw new IllegalArgumentException("unsupported protobuf field type " + field.getType());
        };
    }

    private JsonNode specialOrTree(Message message) {
        Descriptor type = message.getDescriptorForType();
        String name = type.getFullName();
        switch (name) {
            case TIME, MICRO_TIME -> {
                long seconds = (Long) message.getField(type.findFieldByName("seconds"));
                int nanos = (Integer) message.getField(type.findFieldByName("nanos"));
                if (seconds == 0 && nanos == 0) {
                    return null; // Go's zero time: JSON null, i.e. absent
                }
                Instant instant = Instant.ofEpochSecond(seconds, nanos);
                return NODES.textNode((name.equals(TIME) ? RFC3339_SECONDS : RFC3339_MICROS).format(instant));
            }
            case DURATION -> {
                return NODES.textNode(GoDuration.format((Long) message.getField(type.findFieldByName("duration"))));
            }
            case INT_OR_STRING -> {
                long kind = (Long) message.getField(type.findFieldByName("type"));
                return kind == 1 ? NODES.textNode((String) message.getField(type.findFieldByName("strVal")))
                        : NODES.numberNode((Integer) message.getField(type.findFieldByName("intVal")));
            }
            case QUANTITY -> {
                return NODES.textNode((String) message.getField(type.findFieldByName("string")));
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                byte[] raw = ((ByteString) message.getField(type.getFields().get(0))).toByteArray();
                return raw.length == 0 ? null : embedded(raw);
            }
            default -> {
                if (ARRAY_WRAPPERS.contains(name)) {
                    ArrayNode array = NODES.arrayNode();
                    FieldDescriptor items = type.findFieldByName("items");
                    for (Object item : (List<?>) message.getField(items)) {
                        array.add(jsonValue(items, item));
                    }
                    return array;
                }
                return toTree(message);
            }
        }
    }

    private JsonNode embedded(byte[] raw) {
        if (KubernetesProtobufCodec.hasMagic(raw)) {
            return embeddedDecoder.apply(raw);
        }
        try {
            return mapper.readTree(raw);
        } catch (IOException e) {
            throw new IllegalArgumentException("embedded object is neither JSON nor protobuf: " + e.getMessage());
        }
    }

    /** Jackson reads small JSON integers as int nodes: produce the same node for an int64 so trees compare equal. */
    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static String jsonName(FieldDescriptor field) {
        return ProtobufDescriptors.jsonName(field);
    }

    private Shape shape(Descriptor type) {
        Shape shape = shapes.get(type);
        if (shape == null) {
            shape = new Shape(type);
            shapes.put(type, shape);
        }
        return shape;
    }

    /** A message's JSON face: its fields by JSON name, and its inline (embedded) fields. */
    private static final class Shape {
        final Map<String, FieldDescriptor> direct = new HashMap<>();
        final List<FieldDescriptor> inline = new ArrayList<>();

        Shape(Descriptor type) {
            for (FieldDescriptor field : type.getFields()) {
                if (ProtobufDescriptors.isInline(field)) {
                    inline.add(field);
                } else {
                    direct.put(jsonName(field), field);
                }
            }
        }

        /** The inline field whose message (or its own inline messages) has a field of this JSON name. */
        FieldDescriptor inlineFor(String name, TreeMessageConverter converter) {
            for (FieldDescriptor field : inline) {
                Shape nested = converter.shape(field.getMessageType());
                if (nested.direct.containsKey(name) || nested.inlineFor(name, converter) != null) {
                    return field;
                }
            }
            return null;
        }
    }
}
