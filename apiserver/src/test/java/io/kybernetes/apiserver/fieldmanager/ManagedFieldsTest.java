package io.kybernetes.apiserver.fieldmanager;

import static io.kybernetes.apiserver.fieldmanager.FieldsTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

class ManagedFieldsTest {

    static ObjectNode cm(String data) throws IOException {
        return (ObjectNode) json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':" + data + "}");
    }

    static ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force) {
        return ManagedFields.apply(live, config, manager, "v1", force, true);
    }

    static JsonNode fieldsOf(JsonNode obj, String manager, String operation) {
        for (JsonNode e : obj.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e.get("fieldsV1");
            }
        }
        return null;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kubectl-client-side-apply||kubectl-client-side-apply",
        "|kubectl/v1.32.5 (linux/amd64) kubernetes/9894294|kubectl",
        "|Helm/3.17.2|Helm",
        "|kube-controller-manager/v1.32.0 (linux/amd64)/replicaset-controller|kube-controller-manager",
        "||''",
    })
    void managerNames(String fieldManager, String userAgent, String manager) {
        assertEquals(manager, ManagedFields.manager(fieldManager, userAgent));
    }

    @Test
    void applyRecordsTheAppliedFieldsAndEntryShape() throws IOException {
        ObjectNode obj = apply(Json.object(), cm("{'a':'1'}"), "m1", false);
        JsonNode e = obj.path("metadata").path("managedFields").get(0);
        assertEquals("m1", e.path("manager").asText());
        assertEquals("Apply", e.path("operation").asText());
        assertEquals("v1", e.path("apiVersion").asText());
        assertEquals("FieldsV1", e.path("fieldsType").asText());
        assertTrue(e.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), e.toString());
        assertEquals(json("{'f:data':{'f:a':{}}}"), e.get("fieldsV1"));
    }

    @Test
    void changingAnotherAppliersFieldConflicts() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1'}"), "m1", false);
        ApiException e = assertThrows(ApiException.class, () -> apply(live, cm("{'a':'2'}"), "m2", false));
        assertEquals(409, e.code());
        ObjectNode status = e.toStatus();
        assertEquals("Conflict", status.path("reason").asText());
        assertEquals("Apply failed with 1 conflict: conflict with \"m1\": .data.a", status.path("message").asText());
        JsonNode cause = status.path("details").path("causes").get(0);
        assertEquals("FieldManagerConflict", cause.path("reason").asText());
        assertEquals(".data.a", cause.path("field").asText());
        assertEquals("conflict with \"m1\"", cause.path("message").asText());
    }

    @Test
    void forceMovesOwnership() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1','b':'1'}"), "m1", false);
        ObjectNode obj = apply(live, cm("{'a':'2'}"), "m2", true);
        assertEquals("2", obj.path("data").path("a").asText());
        assertEquals(json("{'f:data':{'f:b':{}}}"), fieldsOf(obj, "m1", "Apply"));
        assertEquals(json("{'f:data':{'f:a':{}}}"), fieldsOf(obj, "m2", "Apply"));
    }

    @Test
    void sameValueMakesCoOwners() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1'}"), "m1", false);
        ObjectNode obj = apply(live, cm("{'a':'1'}"), "m2", false);
        assertEquals(json("{'f:data':{'f:a':{}}}"), fieldsOf(obj, "m1", "Apply"));
        assertEquals(json("{'f:data':{'f:a':{}}}"), fieldsOf(obj, "m2", "Apply"));
        // m1 no longer applies a: m2 still owns it, so it stays
        ObjectNode after = apply(obj, cm("{'b':'1'}"), "m1", false);
        assertEquals("1", after.path("data").path("a").asText());
        assertEquals(json("{'f:data':{'f:b':{}}}"), fieldsOf(after, "m1", "Apply"));
    }

    @Test
    void fieldsNoLongerAppliedAreRemoved() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1','b':'2'}"), "m1", false);
        ObjectNode obj = apply(live, cm("{'a':'1'}"), "m1", false);
        assertEquals(json("{'a':'1'}"), obj.get("data"));
    }

    @Test
    void keyedListItemsNoLongerAppliedAreRemoved() throws IOException {
        ObjectNode live = apply(Json.object(), (ObjectNode) json("{'spec':{'containers':[{'name':'a','image':'x'},"
                + "{'name':'b','image':'y'}]}}"), "m1", false);
        ObjectNode obj = apply(live, (ObjectNode) json("{'spec':{'containers':[{'name':'a','image':'z'}]}}"), "m1",
                false);
        assertEquals(json("[{'name':'a','image':'z'}]"), obj.path("spec").get("containers"));
    }

    @Test
    void applyingOverAnUpdateManagerConflictsAndNamesItsVersion() throws IOException {
        ObjectNode created = cm("{'a':'1'}");
        ManagedFields.update(Json.object(), created, "kubectl-create", "v1", "");
        ApiException e = assertThrows(ApiException.class, () -> apply(created, cm("{'a':'2'}"), "m", false));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1"), msg);
        assertTrue(msg.endsWith(": .data.a"), msg);
    }

    @Test
    void twoConflictsAreListedPerManager() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1','b':'1'}"), "m1", false);
        ApiException e = assertThrows(ApiException.class, () -> apply(live, cm("{'a':'2','b':'2'}"), "m2", false));
        assertEquals("Apply failed with 2 conflicts: conflicts with \"m1\":\n- .data.a\n- .data.b", e.getMessage());
    }

    @Test
    void updatesTakeOwnershipFromEveryOtherManager() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1','b':'1'}"), "m1", false);
        ObjectNode updated = live.deepCopy();
        ((ObjectNode) updated.get("data")).put("a", "9");
        ManagedFields.update(live, updated, "editor", "v1", "");
        assertEquals(json("{'f:data':{'f:b':{}}}"), fieldsOf(updated, "m1", "Apply"));
        assertEquals(json("{'f:data':{'f:a':{}}}"), fieldsOf(updated, "editor", "Update"));
        // m1 re-applies without a: it no longer owns a, so a stays
        ObjectNode after = apply(updated, cm("{'b':'1'}"), "m1", false);
        assertEquals("9", after.path("data").path("a").asText());
    }

    @Test
    void entriesWithoutFieldsAreDropped() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1'}"), "first", false);
        ObjectNode updated = live.deepCopy();
        ((ObjectNode) updated.get("data")).put("a", "2");
        ManagedFields.update(live, updated, "second", "v1", "");
        JsonNode mf = updated.path("metadata").path("managedFields");
        assertEquals(1, mf.size(), mf.toString());
        assertEquals("second", mf.get(0).path("manager").asText());
    }

    @Test
    void removedFieldsLeaveEveryEntry() throws IOException {
        ObjectNode live = cm("{'a':'1','b':'1'}");
        ManagedFields.update(Json.object(), live, "first", "v1", "");
        ObjectNode updated = live.deepCopy();
        ((ObjectNode) updated.get("data")).remove("b");
        ManagedFields.update(live, updated, "second", "v1", "");
        assertEquals(json("{'f:data':{'.':{},'f:a':{}}}"), fieldsOf(updated, "first", "Update"));
        assertEquals(null, fieldsOf(updated, "second", "Update"));
    }

    @Test
    void unchangedApplyKeepsTheStoredEntries() throws IOException {
        ObjectNode live = apply(Json.object(), cm("{'a':'1'}"), "m1", false);
        Json.with(live, "metadata").withArray("managedFields").forEach(e -> ((ObjectNode) e).put("time", "2020-01-01T00:00:00Z"));
        ObjectNode again = apply(live, cm("{'a':'1'}"), "m1", false);
        assertEquals(live, again);
        assertFalse(again.path("metadata").path("managedFields").isEmpty());
    }

    @Test
    void kubectlTakesOverFromClientSideApplyWhenTheLiveObjectMatchesTheLastApplied() throws IOException {
        ObjectNode live = cm("{'a':'1'}");
        Json.with(live, "metadata", "annotations").put(ManagedFields.LAST_APPLIED,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}");
        ManagedFields.update(Json.object(), live, "kubectl-client-side-apply", "v1", "");
        // another manager than kubectl conflicts
        assertThrows(ApiException.class, () -> apply(live, cm("{'a':'2'}"), "other", false));
        ObjectNode obj = apply(live, cm("{'a':'2'}"), "kubectl", false);
        assertEquals("2", obj.path("data").path("a").asText());
        assertEquals(json("{'f:data':{'f:a':{}}}"), fieldsOf(obj, "kubectl", "Apply"));
        // the annotation follows the applied configuration
        assertTrue(obj.path("metadata").path("annotations").path(ManagedFields.LAST_APPLIED).asText()
                .contains("\"a\":\"2\""), obj.toString());

        // a field changed since the last client-side apply still conflicts
        ObjectNode drifted = live.deepCopy();
        ((ObjectNode) drifted.get("data")).put("a", "5");
        assertThrows(ApiException.class, () -> apply(drifted, cm("{'a':'2'}"), "kubectl", false));
    }

    @Test
    void mainResourceWritesDoNotOwnStatusWhenItIsASubresource() throws IOException {
        ObjectNode pod = (ObjectNode) json("{'spec':{'nodeName':'n'},'status':{'phase':'Pending'}}");
        ManagedFields.update(Json.object(), pod, "kubectl-create", "v1", "", true);
        assertEquals(json("{'f:spec':{'f:nodeName':{}}}"), fieldsOf(pod, "kubectl-create", "Update"));
        ObjectNode running = pod.deepCopy();
        ((ObjectNode) running.get("status")).put("phase", "Running");
        ManagedFields.update(pod, running, "kubelet", "v1", "status", true);
        JsonNode e = running.path("metadata").path("managedFields").get(1);
        assertEquals("kubelet", e.path("manager").asText());
        assertEquals("status", e.path("subresource").asText());
        assertEquals(json("{'f:status':{'f:phase':{}}}"), e.get("fieldsV1"));
    }

    @Test
    void aMapStaysWhileTheApplierStillOwnsFieldsInIt() throws IOException {
        // an entry as kubectl's client-side to server-side migration writes it: the map itself is a member
        ObjectNode live = cm("{'a':'1','b':'2'}");
        ObjectNode entry = Json.with(live, "metadata").putArray("managedFields").addObject();
        entry.put("manager", "m").put("operation", "Apply").put("apiVersion", "v1").put("fieldsType", "FieldsV1");
        entry.set("fieldsV1", json("{'f:data':{'.':{},'f:a':{},'f:b':{}}}"));
        ObjectNode obj = apply(live, cm("{'a':'1'}"), "m", false);
        assertEquals(json("{'a':'1'}"), obj.get("data"));
    }

    @Test
    void applyToStatusSetsOnlyStatus() throws IOException {
        ObjectNode live = (ObjectNode) json("{'metadata':{'name':'p'},'spec':{'a':1},'status':{'phase':'Pending'}}");
        ObjectNode obj = ManagedFields.apply(live, (ObjectNode) json("{'metadata':{'name':'p'},'spec':{'a':2},"
                + "'status':{'phase':'Running'}}"), "kubelet", "v1", false, true, "status");
        assertEquals(1, obj.path("spec").path("a").asInt());
        assertEquals("Running", obj.path("status").path("phase").asText());
        JsonNode e = obj.path("metadata").path("managedFields").get(0);
        assertEquals("status", e.path("subresource").asText());
        assertEquals(json("{'f:status':{'f:phase':{}}}"), e.get("fieldsV1"));
    }
}
