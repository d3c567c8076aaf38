package io.kybernetes.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdmissionChainTest {

    static final Set<String> IMPLEMENTED = Set.of("NamespaceLifecycle", "LimitRanger", "ServiceAccount",
            "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass", "ResourceQuota",
            "AlwaysAdmit", "AlwaysDeny");

    static List<String> list(String s) {
        return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split(";"));
    }

    @ParameterizedTest(name = "enable={0} disable={1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "-|-|NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority,DefaultTolerationSeconds,DefaultStorageClass,ResourceQuota",
        "AlwaysDeny;NamespaceLifecycle|-|NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority,DefaultTolerationSeconds,DefaultStorageClass,ResourceQuota,AlwaysDeny",
        "-|PodSecurity;ResourceQuota;TaintNodesByCondition|NamespaceLifecycle,LimitRanger,ServiceAccount,Priority,DefaultTolerationSeconds,DefaultStorageClass",
        "AlwaysAdmit|NamespaceLifecycle;LimitRanger;ServiceAccount;PodSecurity;Priority;DefaultTolerationSeconds;DefaultStorageClass;ResourceQuota|AlwaysAdmit",
    })
    void enabledPluginsFollowUpstreamOrder(String enable, String disable, String want) {
        assertEquals(want, String.join(",", AdmissionChain.enabled(list(enable), list(disable), IMPLEMENTED)));
    }

    @ParameterizedTest(name = "enable={0} disable={1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "Foo|-|enable-admission-plugins plugin \"Foo\" is unknown",
        "NodeRestriction|-|enable-admission-plugins plugin \"NodeRestriction\" is unknown (not implemented by kybernetes)",
        "-|Bar|disable-admission-plugins plugin \"Bar\" is unknown",
        "LimitRanger|LimitRanger|[LimitRanger] in enable-admission-plugins and disable-admission-plugins overlapped",
    })
    void unknownOrOverlappingNamesAreRefused(String enable, String disable, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdmissionChain.enabled(list(enable), list(disable), IMPLEMENTED));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
