package io.kybernetes.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.kybernetes.kubelet.cri.v1.Image;

class NodeImagesTest {

    @Test
    void largestFirstDigestsThenTagsAtMostFiveNamesAndFiftyImages() {
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            images.add(Image.newBuilder().setId("sha256:" + i).setSize(i * 10L).addRepoTags("img" + i + ":1")
                    .addRepoDigests("img" + i + "@sha256:d" + i).build());
        }
        images.add(Image.newBuilder().setId("sha256:many").setSize(10_000).addAllRepoTags(List.of("a:1", "a:2", "a:3",
                "a:4")).addAllRepoDigests(List.of("a@sha256:1", "a@sha256:2")).build());
        List<ContainerImage> out = NodeImages.of(images);
        assertEquals(50, out.size());
        assertEquals(new ContainerImage(List.of("a@sha256:1", "a@sha256:2", "a:1", "a:2", "a:3"), 10_000L), out.get(0));
        assertEquals(new ContainerImage(List.of("img59@sha256:d59", "img59:1"), 590L), out.get(1));
        assertEquals(110L, out.get(49).getSizeBytes()); // "many", then 590 down to 110
    }
}
