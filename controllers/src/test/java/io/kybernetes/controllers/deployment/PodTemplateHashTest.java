package io.kybernetes.controllers.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;

class PodTemplateHashTest {

    static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void stableSafeAndSensitiveToTheTemplate() {
        String h = PodTemplateHash.compute(template("nginx:1"), null);
        assertEquals(h, PodTemplateHash.compute(template("nginx:1"), null));
        assertNotEquals(h, PodTemplateHash.compute(template("nginx:2"), null));
        assertTrue(h.matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}"), h);
    }

    @Test
    void collisionCountChangesTheHash() {
        assertNotEquals(PodTemplateHash.compute(template("nginx:1"), null),
                PodTemplateHash.compute(template("nginx:1"), 1));
    }

    @Test
    void theHashLabelIsIgnoredWhenComparingAndHashing() {
        PodTemplateSpec t = template("nginx:1");
        String h = PodTemplateHash.compute(t, null);
        PodTemplateSpec labelled = new PodTemplateSpecBuilder(t).editMetadata()
                .addToLabels(PodTemplateHash.LABEL, h).endMetadata().build();
        assertTrue(PodTemplateHash.equalIgnoringHash(t, labelled));
        assertEquals(h, PodTemplateHash.compute(labelled, null));
    }

    @Test
    void explicitZeroValuesDoNotMakeATemplateDifferent() {
        PodTemplateSpec plain = template("nginx");
        PodTemplateSpec zeros = new PodTemplateSpecBuilder(plain).editMetadata().withGeneration(0L).endMetadata()
                .editSpec().withHostPID(false).withHostIPC(false).editFirstContainer().withStdin(false).withTty(false)
                .withNewResources().endResources().endContainer().endSpec().build();
        assertTrue(PodTemplateHash.equalIgnoringHash(plain, zeros));
        assertEquals(PodTemplateHash.compute(plain, null), PodTemplateHash.compute(zeros, null));
        PodTemplateSpec different = new PodTemplateSpecBuilder(plain).editSpec().withHostPID(true).endSpec().build();
        assertTrue(!PodTemplateHash.equalIgnoringHash(plain, different));
    }

    @Test
    void safeEncodingMapsEachDigit() {
        assertEquals("bcdfghjklm", PodTemplateHash.safeEncode("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009"));
        assertEquals(PodTemplateHash.safeEncode("0123456789").length(), 10);
    }
}
