package io.kybernetes.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

class AdmissionReviewsTest {

    static JsonNode json(String s) throws Exception {
        return Json.parse(s.replace('\'', '"').getBytes());
    }

    @Test
    void requestCarriesUpstreamFields() throws Exception {
        ObjectNode old = (ObjectNode) json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'}}");
        ObjectNode obj = old.deepCopy();
        UserInfo user = new UserInfo("alice", "u1", List.of("dev", "system:authenticated"),
                Map.of("scopes", List.of("a")));
        AdmissionRequest a = new AdmissionRequest("apps", "deployments", "Deployment", "ns", "d", "scale",
                Operation.UPDATE, obj, old, user, true, new ArrayList<>());
        JsonNode r = AdmissionReviews.request("id-1", a, "v1").path("request");
        assertEquals("id-1", r.path("uid").asText());
        assertEquals(json("{'group':'apps','version':'v1','kind':'Deployment'}"), r.path("kind"));
        assertEquals(json("{'group':'apps','version':'v1','resource':'deployments'}"), r.path("resource"));
        assertEquals("scale", r.path("subResource").asText());
        assertEquals("d", r.path("name").asText());
        assertEquals("ns", r.path("namespace").asText());
        assertEquals("UPDATE", r.path("operation").asText());
        assertEquals(json("{'username':'alice','uid':'u1','groups':['dev','system:authenticated'],"
                + "'extra':{'scopes':['a']}}"), r.path("userInfo"));
        assertEquals(old, r.path("oldObject"));
        assertTrue(r.path("dryRun").asBoolean());
        assertEquals(json("{'kind':'UpdateOptions','apiVersion':'meta.k8s.io/v1','dryRun':['All']}"),
                r.path("options"));
    }

    @Test
    void allowedWithPatchAndWarnings() throws Exception {
        String patch = Base64.getEncoder().encodeToString("[{\"op\":\"remove\",\"path\":\"/a\"}]".getBytes());
        AdmissionReviews.Verdict v = AdmissionReviews.response("w", "u", json("{'apiVersion':'admission.k8s.io/v1',"
                + "'kind':'AdmissionReview','response':{'uid':'u','allowed':true,'patchType':'JSONPatch','patch':'"
                + patch + "','warnings':['careful']}}"), true);
        assertTrue(v.allowed());
        assertEquals(json("[{'op':'remove','path':'/a'}]"), v.patch());
        assertEquals(List.of("careful"), v.warnings());
        assertNull(v.denial());
    }

    /** status code, reason, message -> the Status a refusal becomes. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "0; ''; no; 400; ''; admission webhook \"w\" denied the request: no",
            "200; ''; no; 400; ''; admission webhook \"w\" denied the request: no",
            "403; Forbidden; no; 403; Forbidden; admission webhook \"w\" denied the request: no",
            "422; Invalid; ''; 422; Invalid; admission webhook \"w\" denied the request: Invalid",
            "0; ''; ''; 400; ''; admission webhook \"w\" denied the request without explanation",
    })
    void denial(int code, String reason, String message, int wantCode, String wantReason, String wantMessage)
            throws Exception {
        ObjectNode status = Json.object().put("code", code).put("reason", reason).put("message", message);
        ObjectNode review = (ObjectNode) json("{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview',"
                + "'response':{'uid':'u','allowed':false}}");
        ((ObjectNode) review.get("response")).set("status", status);
        AdmissionReviews.Verdict v = AdmissionReviews.response("w", "u", review, false);
        assertFalse(v.allowed());
        ApiException e = v.denial();
        assertEquals(wantCode, e.code());
        assertEquals(wantReason, e.reason());
        assertEquals(wantMessage, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "{'apiVersion':'admission.k8s.io/v1beta1','kind':'AdmissionReview','response':{'uid':'u','allowed':true}}; "
                    + "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview'}; webhook response was absent",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','response':{'uid':'x','allowed':true}}; "
                    + "expected response.uid=\"u\", got \"x\"",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','response':{'uid':'u','allowed':true,"
                    + "'patch':'W10=','patchType':'JSONPatch'}}; validating webhook may not return a patch",
    })
    void invalidResponses(String body, String message) throws Exception {
        JsonNode review = json(body);
        var e = assertThrows(AdmissionReviews.InvalidResponse.class,
                () -> AdmissionReviews.response("w", "u", review, false));
        assertEquals(message, e.getMessage());
    }
}
