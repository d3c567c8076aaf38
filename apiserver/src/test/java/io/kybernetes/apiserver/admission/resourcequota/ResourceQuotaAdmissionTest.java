package io.kybernetes.apiserver.admission.resourcequota;

import static io.kybernetes.apiserver.admission.Requests.json;
import static io.kybernetes.apiserver.admission.Requests.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MemoryEtcd;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.admission.Requests;
import io.kybernetes.apiserver.status.ApiException;

class ResourceQuotaAdmissionTest {

    static final String Q = "/registry/resourcequotas/ns/q";

    /** hard, used, resource, object, refusal (or - and the used afterwards) */
    @ParameterizedTest(name = "{2} {3}")
    @CsvSource(nullValues = "-", delimiter = '|', quoteCharacter = '`', value = {
        "{'pods':'2'}|{'pods':'1'}|pods|{'spec':{'containers':[{'name':'a'}]}}|{'pods':'2'}",
        "{'pods':'2'}|{'pods':'2'}|pods|{'spec':{'containers':[{'name':'a'}]}}|exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2",
        "{'requests.cpu':'1','limits.memory':'1Gi'}|{'requests.cpu':'500m','limits.memory':'0'}|pods|{'spec':{'containers':[{'name':'a','resources':{'requests':{'cpu':'600m'},'limits':{'memory':'256Mi'}}}]}}|exceeded quota: q, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1",
        "{'cpu':'2','memory':'1Gi'}|{'cpu':'500m','memory':'512Mi'}|pods|{'spec':{'containers':[{'name':'a','resources':{'requests':{'cpu':'250m','memory':'256Mi'}}},{'name':'b','resources':{'requests':{'cpu':'250m','memory':'256Mi'}}}]}}|{'cpu':'1','memory':'1Gi'}",
        "{'limits.cpu':'2','requests.memory':'1Gi'}|{'limits.cpu':'0','requests.memory':'0'}|pods|{'spec':{'containers':[{'name':'a'},{'name':'b','resources':{'limits':{'cpu':'1'}}}]}}|failed quota: q: must specify limits.cpu for: a; requests.memory for: a,b",
        "{'configmaps':'1'}|{'configmaps':'1'}|configmaps|{'data':{}}|exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1",
        "{'count/configmaps':'3','secrets':'1'}|{'count/configmaps':'1','secrets':'0'}|configmaps|{'data':{}}|{'count/configmaps':'2','secrets':'0'}",
        "{'services.nodeports':'1','services':'5'}|{'services.nodeports':'0','services':'0'}|services|{'spec':{'type':'NodePort','ports':[{'port':1},{'port':2}]}}|exceeded quota: q, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1",
        "{'requests.storage':'10Gi','persistentvolumeclaims':'2'}|{'requests.storage':'8Gi','persistentvolumeclaims':'1'}|persistentvolumeclaims|{'spec':{'resources':{'requests':{'storage':'4Gi'}}}}|exceeded quota: q, requested: requests.storage=4Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi",
        "{'pods':'0'}|{'pods':'0'}|secrets|{}|{'pods':'0'}",
    })
    void creates(String hard, String used, String resource, String obj, String want) {
        MemoryEtcd etcd = new MemoryEtcd().put(Q, "{'metadata':{'name':'q','namespace':'ns'},'spec':{'hard':" + hard
                + "},'status':{'hard':" + hard + ",'used':" + used + "}}");
        ResourceQuotaAdmission plugin = new ResourceQuotaAdmission(new QuotaUsage(etcd, null));
        var o = json(obj);
        io.kybernetes.apiserver.json.Json.with(o, "metadata").put("name", "x");
        AdmissionRequest a = Requests.create(resource, "ns", o);
        ApiException e = refusal(() -> plugin.validate(a));
        if (want.startsWith("{")) {
            assertNull(e, () -> e.getMessage());
            assertEquals(json(want), etcd.object(Q).at("/status/used"));
        } else {
            assertEquals(403, e.code());
            assertEquals(resource + " \"x\" is forbidden: " + want, e.getMessage());
            assertEquals(json(used), etcd.object(Q).at("/status/used"));
        }
    }

    @ParameterizedTest(name = "dry run {0}")
    @CsvSource({"true", "false"})
    void dryRunsDoNotCount(boolean dryRun) {
        MemoryEtcd etcd = new MemoryEtcd().put(Q, "{'metadata':{'name':'q'},'spec':{'hard':{'pods':'5'}},"
                + "'status':{'hard':{'pods':'5'},'used':{'pods':'1'}}}");
        ResourceQuotaAdmission plugin = new ResourceQuotaAdmission(new QuotaUsage(etcd, null));
        AdmissionRequest a = Requests.of("", "pods", "ns", "p", Operation.CREATE, json("{'spec':{}}"), null, dryRun);
        assertNull(refusal(() -> plugin.validate(a)));
        assertEquals(dryRun ? "1" : "2", etcd.object(Q).at("/status/used/pods").asText());
    }
}
