package io.kybernetes.apiserver.admission.tolerations;

import static io.kybernetes.apiserver.admission.Requests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.Requests;

class DefaultTolerationSecondsTest {

    static final String NR = "{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoExecute','tolerationSeconds':300}";
    static final String UR = "{'key':'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute','tolerationSeconds':300}";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "[]|[" + NR + "," + UR + "]",
        "[{'key':'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute','tolerationSeconds':5}]|[{'key':'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute','tolerationSeconds':5}," + NR + "]",
        "[{'operator':'Exists'}]|[{'operator':'Exists'}]",
        "[{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoSchedule'}]|[{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoSchedule'}," + NR + "," + UR + "]",
    })
    void defaults(String given, String want) {
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':{'tolerations':" + given + "}}");
        new DefaultTolerationSeconds().admit(Requests.create("pods", "ns", pod)).join();
        assertEquals(json("{'t':" + want + "}").get("t"), pod.at("/spec/tolerations"));
    }
}
