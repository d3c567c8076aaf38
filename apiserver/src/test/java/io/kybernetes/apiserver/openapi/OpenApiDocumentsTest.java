package io.kybernetes.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kybernetes.apiserver.registry.ResourceType;

class OpenApiDocumentsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> ALL = List.of("all");
    static final List<ResourceType> SERVED = List.of(
            new ResourceType("", "v1", "namespaces", "Namespace", false, List.of("ns"), List.of(),
                    List.of("status", "finalize")),
            new ResourceType("", "v1", "nodes", "Node", false, List.of("no"), List.of(), List.of("status")),
            new ResourceType("", "v1", "pods", "Pod", true, List.of("po"), ALL, List.of("status", "binding", "log")),
            new ResourceType("", "v1", "bindings", "Binding", true, List.of(), List.of(), List.of()),
            new ResourceType("", "v1", "services", "Service", true, List.of("svc"), ALL, List.of("status")),
            new ResourceType("", "v1", "endpoints", "Endpoints", true, List.of("ep"), List.of(), List.of()),
            new ResourceType("", "v1", "configmaps", "ConfigMap", true, List.of("cm"), List.of(), List.of()),
            new ResourceType("", "v1", "secrets", "Secret", true, List.of(), List.of(), List.of()),
            new ResourceType("", "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of(), List.of()),
            new ResourceType("", "v1", "events", "Event", true, List.of("ev"), List.of(), List.of()),
            new ResourceType("apps", "v1", "deployments", "Deployment", true, List.of("deploy"), ALL,
                    List.of("status", "scale")),
            new ResourceType("apps", "v1", "replicasets", "ReplicaSet", true, List.of("rs"), ALL,
                    List.of("status", "scale")),
            new ResourceType("coordination.k8s.io", "v1", "leases", "Lease", true, List.of(), List.of(), List.of()));

    private final OpenApiDocuments documents = new OpenApiDocuments(SERVED, OpenApiSchemas.load(MAPPER), "v1.32.0",
            MAPPER);

    @Test
    void indexLinksEveryGroupVersionWithItsHash() throws IOException {
        JsonNode index = MAPPER.readTree(documents.index());
        List<String> paths = new ArrayList<>();
        index.path("paths").fieldNames().forEachRemaining(paths::add);
        assertEquals(List.of("api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1"), paths);
        for (String path : paths) {
            OpenApiDocuments.Document doc = documents.document(path).orElseThrow();
            assertEquals("/openapi/v3/" + path + "?hash=" + doc.hash(),
                    index.at("/paths/" + path.replace("/", "~1") + "/serverRelativeURL").asText());
            assertEquals(128, doc.hash().length());
        }
    }

    /**
     * kubectl (cli-runtime queryParamVerifierV3) sends fieldValidation=Strict, and skips its client-side schema
     * check, only when some PATCH operation carries the kind's x-kubernetes-group-version-kind and a query parameter
     * named fieldValidation; kubectl apply uses the v3 schemas for strategic merge when that operation accepts
     * application/strategic-merge-patch+json. Every PATCH operation of the kind must say so.
     */
    @ParameterizedTest
    @CsvSource({ "api/v1, '', Pod", "api/v1, '', Service", "api/v1, '', ConfigMap", "api/v1, '', Secret",
            "api/v1, '', Namespace", "api/v1, '', Node", "api/v1, '', ServiceAccount", "api/v1, '', Event",
            "api/v1, '', Endpoints", "apis/apps/v1, apps, Deployment", "apis/apps/v1, apps, ReplicaSet",
            "apis/apps/v1, autoscaling, Scale", "apis/coordination.k8s.io/v1, coordination.k8s.io, Lease" })
    void everyPatchOperationOfAKindAdvertisesFieldValidation(String gv, String group, String kind) throws IOException {
        JsonNode doc = MAPPER.readTree(documents.document(gv).orElseThrow().json());
        int patches = 0;
        for (JsonNode pathItem : doc.path("paths")) {
            JsonNode patch = pathItem.get("patch");
            if (patch == null || !gvk(patch.get("x-kubernetes-group-version-kind"), group, kind)) {
                continue;
            }
            patches++;
            boolean fieldValidation = false;
            for (JsonNode p : patch.path("parameters")) {
                fieldValidation |= p.path("name").asText().equals("fieldValidation") && p.path("in").asText()
                        .equals("query");
            }
            assertTrue(fieldValidation);
            assertTrue(patch.at("/requestBody/content").has("application/strategic-merge-patch+json"));
        }
        assertTrue(patches > 0, "no PATCH operation for " + kind);
    }

    /** kubectl explain finds the GVK from one of these four paths, then the schema carrying the same GVK. */
    @ParameterizedTest
    @CsvSource({ "api/v1, /api/v1/namespaces/{namespace}/pods, '', Pod",
            "api/v1, /api/v1/nodes, '', Node", "api/v1, /api/v1/namespaces/{namespace}/services/{name}, '', Service",
            "apis/apps/v1, /apis/apps/v1/namespaces/{namespace}/deployments, apps, Deployment",
            "apis/coordination.k8s.io/v1, /apis/coordination.k8s.io/v1/namespaces/{namespace}/leases, coordination.k8s.io, Lease" })
    void explainFindsTheKindFromItsPaths(String gv, String path, String group, String kind) throws IOException {
        JsonNode doc = MAPPER.readTree(documents.document(gv).orElseThrow().json());
        JsonNode op = doc.path("paths").path(path).path("get");
        assertTrue(gvk(op.get("x-kubernetes-group-version-kind"), group, kind), path);
        JsonNode gvkObject = op.get("x-kubernetes-group-version-kind");
        int schemas = 0;
        for (JsonNode schema : doc.at("/components/schemas")) {
            for (JsonNode candidate : schema.path("x-kubernetes-group-version-kind")) {
                if (candidate.equals(gvkObject)) {
                    schemas++;
                    assertTrue(schema.at("/properties/metadata").isObject());
                }
            }
        }
        assertEquals(1, schemas);
    }

    @Test
    void schemasCarryDescriptionsRequiredFieldsAndPatchMetadata() throws IOException {
        JsonNode schemas = MAPPER.readTree(documents.document("apis/apps/v1").orElseThrow().json())
                .at("/components/schemas");
        JsonNode replicas = schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/replicas");
        assertEquals("integer", replicas.path("type").asText());
        assertTrue(replicas.path("description").asText().startsWith("Number of desired pods."));
        assertTrue(contains(schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/required"), "selector"));
        assertTrue(contains(schemas.at("/io.k8s.api.core.v1.Container/required"), "name"));
        JsonNode containers = schemas.at("/io.k8s.api.core.v1.PodSpec/properties/containers");
        assertEquals("name", containers.path("x-kubernetes-patch-merge-key").asText());
        assertEquals("merge", containers.path("x-kubernetes-patch-strategy").asText());
        assertEquals("#/components/schemas/io.k8s.api.core.v1.Container", containers.at("/items/$ref").asText());
        assertEquals("mountPath", schemas.at("/io.k8s.api.core.v1.Container/properties/volumeMounts")
                .path("x-kubernetes-patch-merge-key").asText());
        assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                schemas.at("/io.k8s.api.apps.v1.Deployment/properties/metadata/$ref").asText());
        assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString",
                schemas.at("/io.k8s.api.apps.v1.RollingUpdateDeployment/properties/maxSurge/allOf/0/$ref").asText());
        assertTrue(schemas.has("io.k8s.api.autoscaling.v1.Scale"));
        assertFalse(schemas.has("io.k8s.api.core.v1.Service"), "a group's document holds only what it reaches");
    }

    private static boolean gvk(JsonNode node, String group, String kind) {
        return node != null && node.path("group").asText().equals(group) && node.path("kind").asText().equals(kind)
                && node.path("version").asText().equals("v1");
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
