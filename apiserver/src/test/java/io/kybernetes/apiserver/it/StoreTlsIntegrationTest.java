package io.kybernetes.apiserver.it;

import java.util.List;

import org.junit.jupiter.api.condition.EnabledIf;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The apiserver over TLS with a client certificate to our store (its packaged jar) started with etcd's TLS flags.
 * Runs when the store is built (the reactor builds it before the apiserver; alone: mvn -pl store package).
 */
@QuarkusTest
@TestProfile(StoreTlsIntegrationTest.Profile.class)
@EnabledIf(value = "io.kybernetes.apiserver.it.TlsStoreResource$Store#built",
        disabledReason = "store/target/quarkus-app/quarkus-run.jar is not built (mvn -pl store package)")
class StoreTlsIntegrationTest extends StorageTlsChecks {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TlsStoreResource.Store.class));
        }
    }
}
