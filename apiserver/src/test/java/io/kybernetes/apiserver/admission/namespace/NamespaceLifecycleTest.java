package io.kybernetes.apiserver.admission.namespace;

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

class NamespaceLifecycleTest {

    final MemoryEtcd etcd = new MemoryEtcd()
            .put("/registry/namespaces/live", "{'metadata':{'name':'live'}}")
            .put("/registry/namespaces/dying", "{'metadata':{'name':'dying','deletionTimestamp':'2026-01-01T00:00:00Z'}}");
    final NamespaceLifecycle plugin = new NamespaceLifecycle(etcd);

    @ParameterizedTest(name = "{0} {1} in {2}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        "CREATE|pods|live|p|-|-",
        "CREATE|pods|missing|p|404|namespaces \"missing\" not found",
        "CREATE|configmaps|dying|c|403|configmaps \"c\" is forbidden: unable to create new content in namespace dying because it is being terminated",
        "UPDATE|pods|dying|p|-|-",
        "DELETE|pods|dying|p|-|-",
        "CREATE|namespaces||missing|-|-",
        "DELETE|namespaces||default|403|namespaces \"default\" is forbidden: this namespace may not be deleted",
        "DELETE|namespaces||kube-system|403|namespaces \"kube-system\" is forbidden: this namespace may not be deleted",
        "DELETE|namespaces||kube-public|403|namespaces \"kube-public\" is forbidden: this namespace may not be deleted",
        "DELETE|namespaces||live|-|-",
    })
    void lifecycle(Operation op, String resource, String ns, String name, Integer code, String message) {
        AdmissionRequest a = Requests.of("", resource, ns, name, op,
                op == Operation.DELETE ? null : json("{'metadata':{'name':'" + name + "'}}"), null, false);
        ApiException e = refusal(() -> plugin.admit(a).thenCompose(v -> plugin.validate(a)));
        if (code == null) {
            assertNull(e, () -> e.getMessage());
        } else {
            assertEquals(code, e.code());
            assertEquals(message, e.getMessage());
        }
    }
}
