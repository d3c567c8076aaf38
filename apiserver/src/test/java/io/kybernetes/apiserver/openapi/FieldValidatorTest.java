package io.kybernetes.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class FieldValidatorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final FieldValidator validator = new FieldValidator();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "apps/v1|Deployment|{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"w\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"w\"}},\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"25%\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"w\"}},\"spec\":{\"containers\":[{\"name\":\"n\",\"image\":\"nginx\",\"resources\":{\"limits\":{\"cpu\":\"1\"}},\"ports\":[{\"containerPort\":80}],\"readinessProbe\":{\"httpGet\":{\"port\":80}}}],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}}}}|",
            "apps/v1|Deployment|{\"spec\":{\"replicas\":2,\"replica\":3}}|spec.replica",
            "apps/v1|Deployment|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\",\"imagee\":\"x\"}]}}}}|spec.template.spec.containers[1].imagee",
            "v1|ConfigMap|{\"metadata\":{\"name\":\"c\",\"managedFields\":[{\"fieldsV1\":{\"f:data\":{}}}]},\"data\":{\"any\":\"thing\"},\"datas\":{}}|datas",
            "v1|Pod|{\"metadata\":{\"nmae\":\"x\"},\"spec\":{\"containers\":[]},\"status\":{\"phase\":\"Running\"}}|metadata.nmae",
            "coordination.k8s.io/v1|Lease|{\"spec\":{\"holderIdentity\":\"n\",\"renewTime\":\"2026-01-01T00:00:00.000000Z\",\"x\":1}}|spec.x",
            "example.com/v1|Widget|{\"anything\":1}|" })
    void reportsUnknownFieldsByPath(String apiVersion, String kind, String json, String expected) throws IOException {
        List<String> unknown = validator.unknownFields(apiVersion, kind, MAPPER.readTree(json));
        assertEquals(expected == null ? List.of() : List.of(expected), unknown);
        assertEquals(Optional.ofNullable(expected).map(e -> "strict decoding error: unknown field \"" + e + "\""),
                validator.strictDecodingError(apiVersion, kind, MAPPER.readTree(json)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v1|ConfigMap|{\"data\":{\"a\":\"b\"}}|",
            "v1|ConfigMap|{\"data\":[1,2]}|json: cannot unmarshal array into Go struct field ConfigMap.data of type map",
            "v1|ConfigMap|{\"metadata\":{\"labels\":{\"v\":1}}}|json: cannot unmarshal number into Go struct field ConfigMap.metadata.labels.v of type string",
            "v1|ConfigMap|{\"metadata\":{\"name\":null},\"data\":null}|",
            "apps/v1|Deployment|{\"spec\":{\"replicas\":\"3\"}}|json: cannot unmarshal string into Go struct field Deployment.spec.replicas of type integer",
            "apps/v1|Deployment|{\"spec\":{\"replicas\":3.0,\"paused\":true}}|",
            "apps/v1|Deployment|{\"spec\":{\"paused\":\"yes\"}}|json: cannot unmarshal string into Go struct field Deployment.spec.paused of type boolean",
            "v1|Pod|{\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"cpu\":1,\"memory\":\"64Mi\"}}}]}}|",
            "v1|Pod|{\"spec\":{\"containers\":{\"name\":\"c\"}}}|json: cannot unmarshal object into Go struct field Pod.spec.containers of type array",
            "v1|Service|{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"},{\"port\":81,\"targetPort\":8081}]}}|",
            "example.com/v1|Widget|{\"anything\":[1]}|" })
    void reportsTheFirstValueOfAWrongType(String apiVersion, String kind, String json, String expected) throws IOException {
        assertEquals(Optional.ofNullable(expected), validator.typeError(apiVersion, kind, MAPPER.readTree(json)));
    }
}
