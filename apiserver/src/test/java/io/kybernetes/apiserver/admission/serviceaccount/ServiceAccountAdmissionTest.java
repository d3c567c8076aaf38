package io.kybernetes.apiserver.admission.serviceaccount;

import static io.kybernetes.apiserver.admission.Requests.json;
import static io.kybernetes.apiserver.admission.Requests.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MemoryEtcd;
import io.kybernetes.apiserver.admission.Requests;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

class ServiceAccountAdmissionTest {

    final MemoryEtcd etcd = new MemoryEtcd()
            .put("/registry/serviceaccounts/ns/default", "{'metadata':{'name':'default','namespace':'ns'}}")
            .put("/registry/serviceaccounts/ns/quiet", "{'metadata':{'name':'quiet'},'automountServiceAccountToken':false}");

    ServiceAccountAdmission plugin(boolean signing) {
        return new ServiceAccountAdmission(etcd,
                MemoryEtcd.config(signing ? Map.of("serviceAccountSigningKeyFile", "/key.pem") : Map.of()));
    }

    static ObjectNode pod(String specExtra) {
        return json("{'metadata':{'name':'p'},'spec':{" + specExtra + "'initContainers':[{'name':'i'}],"
                + "'containers':[{'name':'a'},{'name':'b','volumeMounts':[{'name':'d','mountPath':'/d'}]}]}}");
    }

    /** account, pod's extra spec, signing key, wanted serviceAccountName, token mounted, refusal */
    @ParameterizedTest(name = "{1} signing={2}")
    @CsvSource(nullValues = "-", delimiter = '|', quoteCharacter = '`', value = {
        "``|true|default|true|-",
        "``|false|default|false|-",
        "'serviceAccountName':'quiet',|true|quiet|false|-",
        "'serviceAccountName':'quiet','automountServiceAccountToken':true,|true|quiet|true|-",
        "'automountServiceAccountToken':false,|true|default|false|-",
        "'serviceAccountName':'ghost',|false|ghost|false|-",
        "'serviceAccountName':'ghost',|true|ghost|false|pods \"p\" is forbidden: error looking up service account ns/ghost: serviceaccount \"ghost\" not found",
        "'serviceAccountName':'ghost','automountServiceAccountToken':false,|true|ghost|false|-",
        "'serviceAccount':'quiet',|true|quiet|false|-",
    })
    void defaultsAndMounts(String extra, boolean signing, String account, boolean mounted, String refusal) {
        ObjectNode pod = pod(extra);
        AdmissionRequest a = Requests.create("pods", "ns", pod);
        ApiException e = refusal(() -> plugin(signing).admit(a));
        if (refusal != null) {
            assertEquals(403, e.code());
            assertEquals(refusal, e.getMessage());
            return;
        }
        assertNull(e);
        assertEquals(account, Json.str(pod, "spec.serviceAccountName"));
        JsonNode volumes = pod.path("spec").path("volumes");
        assertEquals(mounted ? 1 : 0, volumes.size());
        if (mounted) {
            String name = volumes.get(0).path("name").asText();
            assertTrue(name.matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}"), name);
            assertEquals(json("{'defaultMode':420,'sources':[{'serviceAccountToken':{'expirationSeconds':3607,"
                    + "'path':'token'}},{'configMap':{'name':'kube-root-ca.crt','items':[{'key':'ca.crt',"
                    + "'path':'ca.crt'}]}},{'downwardAPI':{'items':[{'fieldRef':{'apiVersion':'v1',"
                    + "'fieldPath':'metadata.namespace'},'path':'namespace'}]}}]}"), volumes.get(0).get("projected"));
            JsonNode want = json("{'name':'" + name + "','readOnly':true,"
                    + "'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount'}");
            for (String c : new String[] {"initContainers", "containers"}) {
                for (JsonNode container : pod.path("spec").path(c)) {
                    JsonNode mounts = container.path("volumeMounts");
                    assertEquals(want, mounts.get(mounts.size() - 1));
                }
            }
        }
    }

    @Test
    void mirrorPodsAndExistingMountsAreLeftAlone() {
        ObjectNode mirror = pod("'serviceAccountName':'ghost',");
        Json.with(mirror, "metadata", "annotations").put("kubernetes.io/config.mirror", "x");
        assertNull(refusal(() -> plugin(true).admit(Requests.create("pods", "ns", mirror))));
        assertTrue(mirror.path("spec").path("volumes").isMissingNode());
        ObjectNode own = json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a','volumeMounts':[{'name':'t',"
                + "'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount'}]}]}}");
        assertNull(refusal(() -> plugin(true).admit(Requests.create("pods", "ns", own))));
        assertTrue(own.path("spec").path("volumes").isMissingNode());
    }
}
