package io.kybernetes.apiserver.openapi;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

/**
 * The OpenAPI v2 (Swagger 2.0) document, as JSON and as the gnostic protobuf (openapi.v2.Document) that kubectl asks
 * for with {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf}. kubectl needs it only for its
 * client-side schema check, which it runs for kinds the v3 documents do not cover (a {@code kind: List} file). It
 * carries the definitions (converted from the v3 component schemas) and no paths.
 */
final class SwaggerV2 {

    /** The response media type: the Accept form has an '@' that Go's mime parser rejects, so upstream answers this. */
    static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String V3_REF = "#/components/schemas/";
    private static final Set<String> SCHEMA_KEYS = Set.of("$ref", "format", "description", "required",
            "additionalProperties", "type", "items", "properties");

    private static final Descriptors TYPES = new Descriptors();

    private SwaggerV2() {
    }

    /** The Swagger 2.0 JSON document with every schema as a definition. */
    static ObjectNode document(OpenApiSchemas schemas, String gitVersion) {
        ObjectNode doc = NODES.objectNode();
        doc.put("swagger", "2.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", gitVersion);
        doc.putObject("paths");
        ObjectNode definitions = doc.putObject("definitions");
        for (String name : schemas.names()) {
            definitions.set(name, v2(schemas.schema(name).orElseThrow()));
        }
        return doc;
    }

    /** A v3 schema in v2 form: #/definitions/ refs, a described single allOf $ref as $ref + description. */
    private static JsonNode v2(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(item -> out.add(v2(item)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = NODES.objectNode();
        JsonNode allOf = node.get("allOf");
        if (allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref")) {
            out.put("$ref", ref(allOf.get(0).get("$ref").asText()));
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "allOf" -> {
                    // folded into $ref above
                }
                case "$ref" -> out.put("$ref", ref(field.getValue().asText()));
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    field.getValue().fields().forEachRemaining(p -> properties.set(p.getKey(), v2(p.getValue())));
                }
                default -> out.set(field.getKey(), v2(field.getValue()));
            }
        }
        return out;
    }

    private static String ref(String v3) {
        return v3.startsWith(V3_REF) ? "#/definitions/" + v3.substring(V3_REF.length()) : v3;
    }

    /** The gnostic protobuf encoding of the document. */
    static byte[] protobuf(ObjectNode document) {
        DynamicMessage.Builder doc = DynamicMessage.newBuilder(TYPES.document)
                .setField(TYPES.document.findFieldByName("swagger"), document.path("swagger").asText());
        JsonNode info = document.path("info");
        doc.setField(TYPES.document.findFieldByName("info"), DynamicMessage.newBuilder(TYPES.info)
                .setField(TYPES.info.findFieldByName("title"), info.path("title").asText())
                .setField(TYPES.info.findFieldByName("version"), info.path("version").asText()).build());
        doc.setField(TYPES.document.findFieldByName("paths"), DynamicMessage.getDefaultInstance(TYPES.paths));
        DynamicMessage.Builder definitions = DynamicMessage.newBuilder(TYPES.definitions);
        document.path("definitions").fields().forEachRemaining(e -> definitions.addRepeatedField(
                TYPES.definitions.findFieldByName("additional_properties"), namedSchema(e.getKey(), e.getValue())));
        doc.setField(TYPES.document.findFieldByName("definitions"), definitions.build());
        return doc.build().toByteArray();
    }

    private static DynamicMessage namedSchema(String name, JsonNode schema) {
        return DynamicMessage.newBuilder(TYPES.namedSchema)
                .setField(TYPES.namedSchema.findFieldByName("name"), name)
                .setField(TYPES.namedSchema.findFieldByName("value"), schema(schema)).build();
    }

    private static DynamicMessage schema(JsonNode node) {
        Descriptor t = TYPES.schema;
        DynamicMessage.Builder s = DynamicMessage.newBuilder(t);
        if (node.has("$ref")) {
            s.setField(t.findFieldByName("_ref"), node.get("$ref").asText());
        }
        if (node.has("format")) {
            s.setField(t.findFieldByName("format"), node.get("format").asText());
        }
        if (node.has("description")) {
            s.setField(t.findFieldByName("description"), node.get("description").asText());
        }
        for (JsonNode required : node.path("required")) {
            s.addRepeatedField(t.findFieldByName("required"), required.asText());
        }
        JsonNode additional = node.get("additionalProperties");
        if (additional != null) {
            DynamicMessage.Builder item = DynamicMessage.newBuilder(TYPES.additionalProperties);
            if (additional.isBoolean()) {
                item.setField(TYPES.additionalProperties.findFieldByName("boolean"), additional.asBoolean());
            } else {
                item.setField(TYPES.additionalProperties.findFieldByName("schema"), schema(additional));
            }
            s.setField(t.findFieldByName("additional_properties"), item.build());
        }
        if (node.has("type")) {
            s.setField(t.findFieldByName("type"), DynamicMessage.newBuilder(TYPES.typeItem)
                    .addRepeatedField(TYPES.typeItem.findFieldByName("value"), node.get("type").asText()).build());
        }
        if (node.has("items")) {
            s.setField(t.findFieldByName("items"), DynamicMessage.newBuilder(TYPES.itemsItem)
                    .addRepeatedField(TYPES.itemsItem.findFieldByName("schema"), schema(node.get("items"))).build());
        }
        if (node.has("properties")) {
            DynamicMessage.Builder properties = DynamicMessage.newBuilder(TYPES.properties);
            node.get("properties").fields().forEachRemaining(p -> properties.addRepeatedField(
                    TYPES.properties.findFieldByName("additional_properties"), namedSchema(p.getKey(), p.getValue())));
            s.setField(t.findFieldByName("properties"), properties.build());
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().startsWith("x-") && !SCHEMA_KEYS.contains(field.getKey())) {
                // vendor extensions travel as YAML text; JSON is YAML
                DynamicMessage any = DynamicMessage.newBuilder(TYPES.any)
                        .setField(TYPES.any.findFieldByName("yaml"), field.getValue().toString()).build();
                s.addRepeatedField(t.findFieldByName("vendor_extension"), DynamicMessage.newBuilder(TYPES.namedAny)
                        .setField(TYPES.namedAny.findFieldByName("name"), field.getKey())
                        .setField(TYPES.namedAny.findFieldByName("value"), any).build());
            }
        }
        return s.build();
    }

    /**
     * The subset of gnostic's openapi.v2 messages a schema document needs, built in code (no protoc step in this
     * module); names and field numbers are those of gnostic's OpenAPIv2.proto.
     */
    private static final class Descriptors {
        final Descriptor document;
        final Descriptor info;
        final Descriptor paths;
        final Descriptor definitions;
        final Descriptor namedSchema;
        final Descriptor schema;
        final Descriptor additionalProperties;
        final Descriptor typeItem;
        final Descriptor itemsItem;
        final Descriptor properties;
        final Descriptor namedAny;
        final Descriptor any;

        Descriptors() {
            FileDescriptorProto proto = FileDescriptorProto.newBuilder()
                    .setName("openapiv2/OpenAPIv2.proto").setPackage("openapi.v2").setSyntax("proto3")
                    .addMessageType(message("Document", string("swagger", 1), message("info", 2, "Info"),
                            message("paths", 8, "Paths"), message("definitions", 9, "Definitions")))
                    .addMessageType(message("Info", string("title", 1), string("version", 2)))
                    .addMessageType(message("Paths"))
                    .addMessageType(message("Definitions", repeated(message("additional_properties", 1,
                            "NamedSchema"))))
                    .addMessageType(message("NamedSchema", string("name", 1), message("value", 2, "Schema")))
                    .addMessageType(message("Schema", string("_ref", 1), string("format", 2),
                            string("description", 4), repeated(string("required", 19)),
                            message("additional_properties", 21, "AdditionalPropertiesItem"),
                            message("type", 22, "TypeItem"), message("items", 23, "ItemsItem"),
                            message("properties", 25, "Properties"),
                            repeated(message("vendor_extension", 31, "NamedAny"))))
                    .addMessageType(message("AdditionalPropertiesItem", message("schema", 1, "Schema"),
                            FieldDescriptorProto.newBuilder().setName("boolean").setNumber(2)
                                    .setLabel(Label.LABEL_OPTIONAL).setType(Type.TYPE_BOOL).build()))
                    .addMessageType(message("TypeItem", repeated(string("value", 1))))
                    .addMessageType(message("ItemsItem", repeated(message("schema", 1, "Schema"))))
                    .addMessageType(message("Properties", repeated(message("additional_properties", 1,
                            "NamedSchema"))))
                    .addMessageType(message("NamedAny", string("name", 1), message("value", 2, "Any")))
                    .addMessageType(message("Any", string("yaml", 2)))
                    .build();
            FileDescriptor file;
            try {
                file = FileDescriptor.buildFrom(proto, new FileDescriptor[0]);
            } catch (DescriptorValidationException e) {
                throw new IllegalStateException("invalid openapi.v2 descriptor", e);
            }
            document = file.findMessageTypeByName("Document");
            info = file.findMessageTypeByName("Info");
            paths = file.findMessageTypeByName("Paths");
            definitions = file.findMessageTypeByName("Definitions");
            namedSchema = file.findMessageTypeByName("NamedSchema");
            schema = file.findMessageTypeByName("Schema");
            additionalProperties = file.findMessageTypeByName("AdditionalPropertiesItem");
            typeItem = file.findMessageTypeByName("TypeItem");
            itemsItem = file.findMessageTypeByName("ItemsItem");
            properties = file.findMessageTypeByName("Properties");
            namedAny = file.findMessageTypeByName("NamedAny");
            any = file.findMessageTypeByName("Any");
        }

        private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
            DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
            for (FieldDescriptorProto f : fields) {
                b.addField(f);
            }
            return b.build();
        }

        private static FieldDescriptorProto string(String name, int number) {
            return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(Label.LABEL_OPTIONAL)
                    .setType(Type.TYPE_STRING).build();
        }

        private static FieldDescriptorProto message(String name, int number, String type) {
            return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(Label.LABEL_OPTIONAL)
                    .setType(Type.TYPE_MESSAGE).setTypeName(".openapi.v2." + type).build();
        }

        private static FieldDescriptorProto repeated(FieldDescriptorProto field) {
            return field.toBuilder().setLabel(Label.LABEL_REPEATED).build();
        }
    }
}
