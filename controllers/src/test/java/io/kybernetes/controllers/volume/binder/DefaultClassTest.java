package io.kybernetes.controllers.volume.binder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;

class DefaultClassTest {

    static StorageClass sc(String name, String created, String annotation, String value) {
        var b = new StorageClassBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
                .endMetadata().withProvisioner("p");
        if (annotation != null) {
            b.editMetadata().addToAnnotations(annotation, value).endMetadata();
        }
        return b.build();
    }

    static final String GA = "storageclass.kubernetes.io/is-default-class";
    static final String BETA = "storageclass.beta.kubernetes.io/is-default-class";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("none marked", List.of(sc("a", "2026-01-01T00:00:00Z", null, null)), null),
                Arguments.of("marked false", List.of(sc("a", "2026-01-01T00:00:00Z", GA, "false")), null),
                Arguments.of("one marked", List.of(sc("a", "2026-01-01T00:00:00Z", null, null),
                        sc("b", "2026-01-01T00:00:00Z", GA, "true")), "b"),
                Arguments.of("beta annotation", List.of(sc("old", "2026-01-01T00:00:00Z", BETA, "true")), "old"),
                Arguments.of("several: the newest", List.of(sc("a", "2026-01-01T00:00:00Z", GA, "true"),
                        sc("b", "2026-03-01T00:00:00Z", GA, "true"), sc("c", "2026-02-01T00:00:00Z", GA, "true")),
                        "b"),
                Arguments.of("same age: the first name", List.of(sc("z", "2026-01-01T00:00:00Z", GA, "true"),
                        sc("m", "2026-01-01T00:00:00Z", GA, "true")), "m"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void picksTheDefaultStorageClass(String name, List<StorageClass> classes, String want) {
        StorageClass got = PersistentVolumeBinder.defaultClass(classes);
        assertEquals(want, got == null ? null : got.getMetadata().getName());
    }
}
