package io.kybernetes.controllers.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyPairs;
import io.kybernetes.launcher.pki.KeyUsages;

/** Which kubelet-serving requests the approver approves: a node asking for its own name and addresses. */
class KubeletServingApprovalTest {

    static final Node N1 = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
            .addNewAddress().withType("InternalIP").withAddress("192.0.2.2").endAddress()
            .addNewAddress().withType("InternalIP").withAddress("2001:db8::2").endAddress()
            .addNewAddress().withType("Hostname").withAddress("n1").endAddress().endStatus().build();

    static List<String> list(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.split(","));
    }

    static Csr request(String cn, String orgs, String sans) throws GeneralSecurityException {
        CertSpec spec = CertSpec.withSans(cn, list(orgs), list(sans), KeyUsages.SERVER);
        return Csr.parse(Csr.create(spec, KeyPairs.ecdsa()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "own name and IP                | system:node:n1 | system:nodes,system:authenticated | system:node:n1 | system:nodes | n1,192.0.2.2 | digital signature,key encipherment,server auth | yes  | -",
        "ECDSA usages                   | system:node:n1 | system:nodes                      | system:node:n1 | system:nodes | n1           | digital signature,server auth                  | yes  | -",
        "IPv6 spelled another way       | system:node:n1 | system:nodes                      | system:node:n1 | system:nodes | 2001:db8:0:0:0:0:0:2 | digital signature,server auth          | yes  | -",
        "node not registered yet        | system:node:n9 | system:nodes                      | system:node:n9 | system:nodes | 10.0.0.9     | digital signature,server auth                  | yes  | -",
        "another node's name            | system:node:n2 | system:nodes                      | system:node:n1 | system:nodes | n1           | digital signature,server auth                  | no   | is not the subject",
        "not in system:nodes            | system:node:n1 | system:authenticated              | system:node:n1 | system:nodes | n1           | digital signature,server auth                  | no   | not in group",
        "a user, not a node             | jane           | system:nodes                      | jane           | system:nodes | n1           | digital signature,server auth                  | no   | common name",
        "IP the node does not have      | system:node:n1 | system:nodes                      | system:node:n1 | system:nodes | 192.0.2.99   | digital signature,server auth                  | no   | not an address of node n1",
        "wrong organization             | system:node:n1 | system:nodes                      | system:node:n1 | -            | n1           | digital signature,server auth                  | no   | organization",
        "no names                       | system:node:n1 | system:nodes                      | system:node:n1 | system:nodes | -            | digital signature,server auth                  | no   | DNS or IP",
        "client usage                   | system:node:n1 | system:nodes                      | system:node:n1 | system:nodes | n1           | digital signature,server auth,client auth      | no   | usages",
    })
    void servingRefusal(String name, String user, String groups, String cn, String orgs, String sans, String usages,
            String approved, String why) throws Exception {
        Node node = cn.equals("system:node:n1") ? N1 : null;
        String refusal = CsrApprovingController.servingRefusal(user, list(groups), request(cn, orgs, sans),
                list(usages), node);
        if (approved.equals("yes")) {
            assertEquals(null, refusal, name);
        } else {
            assertTrue(refusal != null && refusal.contains(why), name + ": " + refusal);
        }
    }

    @Test
    void emailAndUriNamesAreRefusedBySigner() throws Exception {
        Csr c = request("system:node:n1", "system:nodes", "n1");
        Csr withEmail = new Csr(c.subject(), c.publicKey(), c.dnsNames(), c.ipAddresses(), List.of("a@b.c"),
                c.uris());
        assertTrue(CsrApprovingController.servingRefusal("system:node:n1", List.of("system:nodes"), withEmail,
                List.of("digital signature", "server auth"), N1).contains("Email"));
    }

    final MockApi mock = new MockApi();

    @AfterEach
    void close() {
        mock.close();
    }

    @Test
    void approvesAServingRequestWithoutASubjectAccessReview() throws Exception {
        CsrApprovingControllerTest.FakeApi api = new CsrApprovingControllerTest.FakeApi(Set.of());
        Informers informers = new Informers(mock.client);
        CsrApprovingController c = new CsrApprovingController(informers, api, Clock.systemUTC(), 1);
        mock.client.nodes().resource(N1).create();
        String pem = Csr.create(CertSpec.withSans("system:node:n1", List.of("system:nodes"),
                List.of("n1", "192.0.2.2"), KeyUsages.SERVER), KeyPairs.ecdsa());
        mock.client.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder()
                .withNewMetadata().withName("csr-serving").endMetadata().withNewSpec()
                .withSignerName(Signers.KUBELET_SERVING).withUsername("system:node:n1")
                .withGroups("system:nodes", "system:authenticated")
                .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
                .withUsages(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.KEY_ENCIPHERMENT, KeyUsages.SERVER_AUTH)
                .endSpec().build()).create();
        informers.start().get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertEquals(Result.done(), c.reconcile("csr-serving"));

        assertEquals(List.of(), api.reviews);
        assertEquals(1, api.approvals.size());
        var a = api.approvals.get(0);
        assertEquals(List.of("Approved", "True", "AutoApproved",
                "Auto approving kubelet serving certificate: requested by node n1 for its own name and addresses"),
                List.of(a.getType(), a.getStatus(), a.getReason(), a.getMessage()));
        informers.stop();
    }
}
