package io.kybernetes.apiserver.admission.storageclass;

import static io.kybernetes.apiserver.admission.Requests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.MemoryEtcd;
import io.kybernetes.apiserver.admission.Requests;

class DefaultStorageClassTest {

    static final String A = "storageclass.kubernetes.io/is-default-class";

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", delimiter = '|', quoteCharacter = '`', value = {
        "{}|newer",
        "{'storageClassName':''}|``",
        "{'storageClassName':'mine'}|mine",
    })
    void claimsWithoutAClassGetTheNewestDefault(String spec, String want) {
        MemoryEtcd etcd = new MemoryEtcd()
                .put("/registry/storageclasses/older", "{'metadata':{'name':'older','creationTimestamp':'2026-01-01T00:00:00Z','annotations':{'" + A + "':'true'}}}")
                .put("/registry/storageclasses/newer", "{'metadata':{'name':'newer','creationTimestamp':'2026-02-01T00:00:00Z','annotations':{'" + A + "':'true'}}}")
                .put("/registry/storageclasses/newest", "{'metadata':{'name':'newest','creationTimestamp':'2026-03-01T00:00:00Z'}}");
        ObjectNode pvc = json("{'metadata':{'name':'c'},'spec':" + spec + "}");
        new DefaultStorageClass(etcd).admit(Requests.create("persistentvolumeclaims", "ns", pvc)).join();
        assertEquals(want, pvc.at("/spec/storageClassName").asText());
    }
}
