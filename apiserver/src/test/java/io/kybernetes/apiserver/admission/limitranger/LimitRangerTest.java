package io.kybernetes.apiserver.admission.limitranger;

import static io.kybernetes.apiserver.admission.Requests.json;
import static io.kybernetes.apiserver.admission.Requests.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MemoryEtcd;
import io.kybernetes.apiserver.admission.Requests;
import io.kybernetes.apiserver.status.ApiException;

class LimitRangerTest {

    static LimitRanger plugin(String limits) {
        return new LimitRanger(new MemoryEtcd().put("/registry/limitranges/ns/lr",
                "{'metadata':{'name':'lr'},'spec':{'limits':[" + limits + "]}}"));
    }

    @Test
    void defaultsFillMissingLimitsAndRequests() {
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'init'}],'containers':["
                + "{'name':'a'},{'name':'b','resources':{'limits':{'cpu':'2'},'requests':{'cpu':'1'}}}]}}");
        AdmissionRequest a = Requests.create("pods", "ns", pod);
        assertNull(refusal(() -> plugin("{'type':'Container','default':{'cpu':'500m','memory':'256Mi'},"
                + "'defaultRequest':{'cpu':'100m'}}").admit(a)));
        assertEquals(json("{'limits':{'cpu':'500m','memory':'256Mi'},'requests':{'cpu':'100m','memory':'256Mi'}}"),
                pod.at("/spec/containers/0/resources"));
        assertEquals(json("{'limits':{'cpu':'2','memory':'256Mi'},'requests':{'cpu':'1','memory':'256Mi'}}"),
                pod.at("/spec/containers/1/resources"));
        assertEquals("LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; "
                + "memory request for container b; memory limit for container b; cpu, memory request for init "
                + "container init; cpu, memory limit for init container init",
                pod.at("/metadata/annotations/kubernetes.io~1limit-ranger").asText());
    }

    @Test
    void maxBecomesTheDefaultLimitAndMinTheDefaultRequest() {
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}]}}");
        assertNull(refusal(() -> plugin("{'type':'Container','max':{'cpu':'1'},'min':{'memory':'64Mi'}}")
                .admit(Requests.create("pods", "ns", pod))));
        assertEquals(json("{'limits':{'cpu':'1'},'requests':{'cpu':'1','memory':'64Mi'}}"),
                pod.at("/spec/containers/0/resources"));
    }

    /** limit range item, the pod's container resources (two containers), the refusal or - */
    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(nullValues = "-", delimiter = '|', quoteCharacter = '`', value = {
        "{'type':'Container','max':{'cpu':'1'}}|{'limits':{'cpu':'500m'}}|-",
        "{'type':'Container','max':{'cpu':'1'}}|{'limits':{'cpu':'2'}}|maximum cpu usage per Container is 1, but limit is 2",
        "{'type':'Container','max':{'cpu':'1'}}|{}|maximum cpu usage per Container is 1.  No limit is specified",
        "{'type':'Container','max':{'memory':'1Gi'}}|{'limits':{'memory':'512Mi'},'requests':{'memory':'2Gi'}}|maximum memory usage per Container is 1Gi, but request is 2Gi",
        "{'type':'Container','min':{'memory':'64Mi'}}|{'requests':{'memory':'32Mi'}}|minimum memory usage per Container is 64Mi, but request is 32Mi",
        "{'type':'Container','min':{'memory':'64Mi'}}|{}|minimum memory usage per Container is 64Mi.  No request is specified",
        "{'type':'Container','min':{'cpu':'100m'}}|{'requests':{'cpu':'200m'},'limits':{'cpu':'50m'}}|minimum cpu usage per Container is 100m, but limit is 50m",
        "{'type':'Container','maxLimitRequestRatio':{'cpu':'2'}}|{'requests':{'cpu':'100m'},'limits':{'cpu':'400m'}}|cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000",
        "{'type':'Container','maxLimitRequestRatio':{'cpu':'2'}}|{'requests':{'cpu':'100m'},'limits':{'cpu':'200m'}}|-",
        "{'type':'Container','maxLimitRequestRatio':{'cpu':'2'}}|{'limits':{'cpu':'200m'}}|cpu max limit to request ratio per Container is 2, but no request is specified or request is 0",
        "{'type':'Pod','max':{'cpu':'1'}}|{'limits':{'cpu':'600m'}}|maximum cpu usage per Pod is 1, but limit is 1200m",
        "{'type':'Pod','max':{'cpu':'2'}}|{'limits':{'cpu':'600m'}}|-",
        "{'type':'Pod','min':{'memory':'1Gi'}}|{'requests':{'memory':'256Mi'}}|minimum memory usage per Pod is 1Gi, but request is 512Mi",
    })
    void podBounds(String item, String resources, String refusal) {
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a','resources':" + resources
                + "},{'name':'b','resources':" + resources + "}]}}");
        ApiException e = refusal(() -> plugin(item).validate(Requests.create("pods", "ns", pod)));
        if (refusal == null) {
            assertNull(e, () -> e.getMessage());
        } else {
            assertEquals(403, e.code());
            String one = "pods \"p\" is forbidden: ";
            assertEquals(item.contains("Pod'") ? one + refusal : one + "[" + refusal + ", " + refusal + "]",
                    e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        "500Mi|minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi",
        "5Gi|maximum storage usage per PersistentVolumeClaim is 2Gi, but limit is 5Gi",
        "1536Mi|-",
    })
    void claimBounds(String size, String refusal) {
        ObjectNode pvc = json("{'metadata':{'name':'c'},'spec':{'resources':{'requests':{'storage':'" + size + "'}}}}");
        ApiException e = refusal(() -> plugin("{'type':'PersistentVolumeClaim','min':{'storage':'1Gi'},"
                + "'max':{'storage':'2Gi'}}").validate(Requests.create("persistentvolumeclaims", "ns", pvc)));
        assertEquals(refusal == null ? null : "persistentvolumeclaims \"c\" is forbidden: " + refusal,
                e == null ? null : e.getMessage());
    }
}
