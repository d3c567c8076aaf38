package io.kybernetes.apiserver.it;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The apiserver over TLS with a client certificate to a real etcd 3.4 started with --client-cert-auth. */
@QuarkusTest
@TestProfile(EtcdTlsIntegrationTest.Profile.class)
class EtcdTlsIntegrationTest extends StorageTlsChecks {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TlsStoreResource.Etcd.class));
        }
    }
}
