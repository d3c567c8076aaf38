package io.kybernetes.scheduler.scheduling;

import static io.kybernetes.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.scheduler.framework.Listers;

class PriorityResolverTest {

    static final Listers CLASSES = new Listers() {
        @Override
        public Integer priorityClassValue(String name) {
            return name.equals("high") ? 1000 : null;
        }

        @Override
        public Integer globalDefaultPriority() {
            return 7;
        }
    };

    @ParameterizedTest(name = "class {0}, spec.priority {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
        "high, -, 1000",
        "high, 5, 5",
        "-, -, 7",
        "missing, -, -",
        "system-cluster-critical, -, 2000000000",
        "system-node-critical, -, 2000001000",
    })
    void resolves(String cls, Integer given, Integer expected) {
        Pod p = new PodBuilder(pod("p", null, null)).editSpec().withPriorityClassName(cls).withPriority(given)
                .endSpec().build();
        assertEquals(expected, new PriorityResolver(CLASSES).resolve(p).getSpec().getPriority());
    }
}
