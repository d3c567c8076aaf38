package io.kybernetes.apiserver.admission.priority;

import static io.kybernetes.apiserver.admission.Requests.json;
import static io.kybernetes.apiserver.admission.Requests.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.MemoryEtcd;
import io.kybernetes.apiserver.admission.Requests;
import io.kybernetes.apiserver.status.ApiException;

class PriorityAdmissionTest {

    /** pod spec, globalDefault class present, wanted class/priority/policy or refusal */
    @ParameterizedTest(name = "{0} default={1}")
    @CsvSource(nullValues = "-", delimiter = '|', quoteCharacter = '`', value = {
        "{}|false|/0/PreemptLowerPriority",
        "{}|true|low/100/Never",
        "{'priorityClassName':'system-node-critical'}|true|system-node-critical/2000001000/PreemptLowerPriority",
        "{'priorityClassName':'nope'}|false|no PriorityClass with name nope was found",
        "{'priorityClassName':'system-node-critical','priority':5}|false|the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000 from the given PriorityClass name",
    })
    void resolves(String spec, boolean globalDefault, String want) {
        MemoryEtcd etcd = new MemoryEtcd().put("/registry/priorityclasses/system-node-critical",
                "{'metadata':{'name':'system-node-critical'},'value':2000001000}");
        if (globalDefault) {
            etcd.put("/registry/priorityclasses/low", "{'metadata':{'name':'low'},'value':100,'globalDefault':true,"
                    + "'preemptionPolicy':'Never'}");
        }
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':" + spec + "}");
        ApiException e = refusal(() -> new PriorityAdmission(etcd).admit(Requests.create("pods", "ns", pod)));
        if (!want.contains("/")) {
            assertEquals("pods \"p\" is forbidden: " + want, e.getMessage());
            return;
        }
        assertNull(e);
        assertEquals(want, pod.at("/spec/priorityClassName").asText() + "/" + pod.at("/spec/priority").asText() + "/"
                + pod.at("/spec/preemptionPolicy").asText());
    }
}
