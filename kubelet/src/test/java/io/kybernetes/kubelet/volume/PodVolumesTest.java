package io.kybernetes.kubelet.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.kubelet.pod.ContainerSpecs;

class PodVolumesTest {

    @TempDir
    Path root;

    @Test
    void emptyDirAndHostPathAreMountedAndCleanedUp() throws Exception {
        Path host = root.resolve("host");
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1").endMetadata()
                .withNewSpec()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("h").withNewHostPath().withPath(host.toString()).withType("DirectoryOrCreate")
                .endHostPath().endVolume()
                .addNewContainer().withName("c").withImage("busybox")
                .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                .addNewVolumeMount().withName("h").withMountPath("/h").withReadOnly(true).endVolumeMount()
                .endContainer().endSpec().build();
        PodVolumes volumes = new PodVolumes(null, root);
        Map<String, String> paths = volumes.prepare(pod);
        assertTrue(Files.isDirectory(Path.of(paths.get("scratch"))));
        assertTrue(Files.isDirectory(host));
        var config = ContainerSpecs.containerConfig(pod, pod.getSpec().getContainers().get(0), 0, false, "", "", paths);
        assertEquals("/scratch", config.getMounts(0).getContainerPath());
        assertEquals(paths.get("scratch"), config.getMounts(0).getHostPath());
        assertTrue(config.getMounts(1).getReadonly());
        volumes.cleanup("u1");
        assertFalse(Files.exists(root.resolve("pods/u1")));
        assertTrue(Files.isDirectory(host), "hostPath targets are never removed");
    }

    @Test
    void unsupportedVolumeTypesAreReported() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u2").endMetadata()
                .withNewSpec().addNewVolume().withName("nfs").withNewNfs().withServer("x").withPath("/")
                .endNfs().endVolume().endSpec().build();
        var e = assertThrows(PodVolumes.VolumeException.class, () -> new PodVolumes(null, root).prepare(pod));
        assertEquals("volume \"nfs\": type not supported by this kubelet", e.getMessage());
    }
}
