package io.kybernetes.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class PodUpdatesTest {

    static Pod base() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").withResourceVersion("5")
                .addToLabels("app", "a").endMetadata()
                .withNewSpec().withNodeName("n").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().withNewStatus().withPhase("Pending").endStatus().build();
    }

    static Stream<Arguments> updates() {
        return Stream.<Arguments>of(
                Arguments.of("resync (same resourceVersion)", (UnaryOperator<Pod>) p -> p, true),
                Arguments.of("status only, same phase", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("6").endMetadata().editStatus().withMessage("x").endStatus().build(), false),
                Arguments.of("new phase", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("6").endMetadata().editStatus().withPhase("Succeeded").endStatus().build(), true),
                Arguments.of("label", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("6").addToLabels("zone", "b").endMetadata().build(), true),
                Arguments.of("annotation", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("6").addToAnnotations("k", "v").endMetadata().build(), true),
                Arguments.of("deletion", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("6").withDeletionTimestamp("2026-11-24T00:00:00Z")
                        .withDeletionGracePeriodSeconds(30L).endMetadata().build(), true),
                Arguments.of("spec (image)", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("6").endMetadata().editSpec().editFirstContainer().withImage("nginx")
                        .endContainer().endSpec().build(), true),
                Arguments.of("recreated with a new uid", (UnaryOperator<Pod>) p -> new PodBuilder(p).editMetadata()
                        .withResourceVersion("9").withUid("u2").endMetadata().build(), true));
    }

    @ParameterizedTest(name = "{0} -> sync {2}")
    @MethodSource("updates")
    void onlyTheKubeletsOwnStatusWritesAreSkipped(String name, UnaryOperator<Pod> change, boolean sync) {
        Pod before = base();
        assertEquals(sync, PodUpdates.needsSync(before, change.apply(base())));
    }
}
