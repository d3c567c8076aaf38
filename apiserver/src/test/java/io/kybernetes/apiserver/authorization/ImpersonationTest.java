package io.kybernetes.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.vertx.core.MultiMap;

class ImpersonationTest {

    static final UserInfo ADMIN = new UserInfo("admin", "", List.of("ops"), Map.of());

    @Test
    void noHeadersNoImpersonation() {
        assertNull(Impersonation.of(ADMIN, MultiMap.caseInsensitiveMultiMap()));
        assertThrows(IllegalArgumentException.class, () -> Impersonation.of(ADMIN,
                MultiMap.caseInsensitiveMultiMap().add("Impersonate-Group", "g")));
    }

    @Test
    void userAndGroups() {
        Impersonation i = Impersonation.of(ADMIN, MultiMap.caseInsensitiveMultiMap().add("Impersonate-User", "jane")
                .add("Impersonate-Group", "dev").add("Impersonate-Group", "qa").add("Impersonate-Extra-Scopes", "view"));
        assertEquals("jane", i.user().name());
        assertEquals(List.of("dev", "qa", "system:authenticated"), i.user().groups());
        assertEquals(Map.of("scopes", List.of("view")), i.user().extra());
        assertEquals(List.of("users/jane", "groups/dev", "groups/qa", "userextras/view"), i.checks().stream()
                .map(a -> a.resource() + "/" + a.name()).toList());
        i.checks().forEach(a -> assertEquals("impersonate", a.verb()));
    }

    @Test
    void serviceAccountsAndAnonymous() {
        Impersonation sa = Impersonation.of(ADMIN, MultiMap.caseInsensitiveMultiMap()
                .add("Impersonate-User", "system:serviceaccount:ns1:bot"));
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"),
                sa.user().groups());
        Attributes check = sa.checks().get(0);
        assertEquals(List.of("serviceaccounts", "ns1", "bot"), List.of(check.resource(), check.namespace(), check.name()));
        Impersonation anon = Impersonation.of(ADMIN, MultiMap.caseInsensitiveMultiMap()
                .add("Impersonate-User", "system:anonymous"));
        assertEquals(List.of("system:unauthenticated"), anon.user().groups());
    }
}
