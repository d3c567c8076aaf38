package io.kybernetes.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;

class SwaggerV2Test {

    private final ObjectNode doc = SwaggerV2.document(OpenApiSchemas.load(new ObjectMapper()), "v1.32.0");

    @Test
    void definitionsUseV2RefsWithoutAllOf() {
        JsonNode spec = doc.at("/definitions/io.k8s.api.apps.v1.Deployment/properties/spec");
        assertEquals("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", spec.path("$ref").asText());
        JsonNode maxSurge = doc.at("/definitions/io.k8s.api.apps.v1.RollingUpdateDeployment/properties/maxSurge");
        assertEquals("#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString", maxSurge.path("$ref").asText());
        assertFalse(maxSurge.has("allOf"));
        assertFalse(maxSurge.path("description").asText().isEmpty());
        assertEquals("Deployment",
                doc.at("/definitions/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind/0/kind").asText());
    }

    /** Reads the encoded Document back field by field (openapi.v2 numbers): swagger, info and every definition. */
    @Test
    void protobufCarriesEveryDefinition() throws Exception {
        byte[] wire = SwaggerV2.protobuf(doc);
        CodedInputStream in = CodedInputStream.newInstance(wire);
        int definitions = 0;
        String swagger = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag >>> 3) {
                case 1 -> swagger = in.readString();
                case 9 -> {
                    CodedInputStream defs = CodedInputStream.newInstance(in.readByteArray());
                    for (int t = defs.readTag(); t != 0; t = defs.readTag()) {
                        defs.skipField(t);
                        definitions++;
                    }
                }
                default -> in.skipField(tag);
            }
        }
        assertEquals("2.0", swagger);
        assertEquals(doc.path("definitions").size(), definitions);
    }
}
