package io.kybernetes.apiserver.admission.podsecurity;

import static io.kybernetes.apiserver.admission.Requests.json;
import static io.kybernetes.apiserver.admission.Requests.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MemoryEtcd;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.admission.Requests;
import io.kybernetes.apiserver.admission.podsecurity.PodSecurityStandards.Level;
import io.kybernetes.apiserver.status.ApiException;

class PodSecurityTest {

    static final String RESTRICTED_OK = "'securityContext':{'runAsNonRoot':true,'seccompProfile':{'type':'RuntimeDefault'}},"
            + "'containers':[{'name':'a','securityContext':{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}}]";

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "BASELINE|'containers':[{'name':'x'}]|",
        "BASELINE|'containers':[{'name':'x','securityContext':{'privileged':true}}]|privileged (container \"x\" must not set securityContext.privileged=true)",
        "BASELINE|'hostNetwork':true,'hostPID':true,'containers':[{'name':'x','ports':[{'containerPort':80,'hostPort':8080}]}]|host namespaces (hostNetwork=true, hostPID=true), hostPort (container \"x\" uses hostPort 8080)",
        "BASELINE|'volumes':[{'name':'d','hostPath':{'path':'/'}}],'containers':[{'name':'a','securityContext':{'capabilities':{'add':['NET_ADMIN','CHOWN']}}},{'name':'b','securityContext':{'privileged':true}}]|non-default capabilities (container \"a\" must not include \"NET_ADMIN\" in securityContext.capabilities.add), hostPath volumes (volume \"d\"), privileged (container \"b\" must not set securityContext.privileged=true)",
        "BASELINE|'securityContext':{'seccompProfile':{'type':'Unconfined'},'sysctls':[{'name':'kernel.msgmax','value':'1'}]},'containers':[{'name':'x'}]|seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\"), forbidden sysctls (kernel.msgmax)",
        "RESTRICTED|" + RESTRICTED_OK + "|",
        "RESTRICTED|'containers':[{'name':'x'}]|allowPrivilegeEscalation != false (container \"x\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"x\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"x\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"x\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
        "RESTRICTED|'securityContext':{'runAsNonRoot':true,'runAsUser':0,'seccompProfile':{'type':'RuntimeDefault'}},'volumes':[{'name':'h','hostPath':{'path':'/'}}],'containers':[{'name':'a','securityContext':{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL'],'add':['NET_BIND_SERVICE','SYS_TIME']}}}]|unrestricted capabilities (container \"a\" must not include \"SYS_TIME\" in securityContext.capabilities.add), hostPath volumes (volume \"h\"), restricted volume types (volume \"h\" uses restricted volume type \"hostPath\"), runAsUser=0 (pod must not set runAsUser=0)",
    })
    void standards(Level level, String spec, String want) {
        List<PodSecurityStandards.Violation> v = PodSecurityStandards.check(level, json("{" + spec + "}"));
        assertEquals(want == null ? "" : want, PodSecurity.join(v));
    }

    final MemoryEtcd etcd = new MemoryEtcd()
            .put("/registry/namespaces/strict", "{'metadata':{'name':'strict','labels':{"
                    + "'pod-security.kubernetes.io/enforce':'baseline','pod-security.kubernetes.io/warn':'restricted',"
                    + "'pod-security.kubernetes.io/warn-version':'v1.32'}}}")
            .put("/registry/namespaces/open", "{'metadata':{'name':'open'}}");

    @Test
    void enforceRefusesAndWarnWarns() {
        PodSecurity plugin = new PodSecurity(etcd);
        AdmissionRequest bad = Requests.create("pods", "strict",
                json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'x','securityContext':{'privileged':true}}]}}"));
        ApiException e = refusal(() -> plugin.validate(bad));
        assertEquals("pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"x\" "
                + "must not set securityContext.privileged=true)", e.getMessage());
        assertEquals(403, e.code());

        AdmissionRequest plain = Requests.create("pods", "strict",
                json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'x'}]}}"));
        assertNull(refusal(() -> plugin.validate(plain)));
        assertEquals(1, plain.warnings().size());
        assertEquals(true, plain.warnings().get(0).startsWith(
                "would violate PodSecurity \"restricted:v1.32\": allowPrivilegeEscalation != false ("),
                plain.warnings().get(0));

        AdmissionRequest deployment = Requests.of("apps", "deployments", "strict", "d", Operation.CREATE,
                json("{'spec':{'template':{'spec':{'containers':[{'name':'x','securityContext':{'privileged':true}}]}}}}"),
                null, false);
        assertNull(refusal(() -> plugin.validate(deployment)));
        assertEquals(1, deployment.warnings().size());

        AdmissionRequest open = Requests.create("pods", "open", bad.object());
        assertNull(refusal(() -> plugin.validate(open)));
        assertEquals(0, open.warnings().size());
    }
}
