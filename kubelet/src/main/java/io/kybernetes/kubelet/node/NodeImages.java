package io.kybernetes.kubelet.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.kybernetes.kubelet.cri.v1.Image;

/** The Node's {@code status.images} from the runtime's image list, as upstream: largest first, at most 50, 5 names each. */
public final class NodeImages {

    public static final int MAX_IMAGES = 50;
    public static final int MAX_NAMES_PER_IMAGE = 5;

    private NodeImages() {
    }

    public static List<ContainerImage> of(List<Image> images) {
        List<ContainerImage> out = new ArrayList<>();
        images.stream().sorted(Comparator.comparingLong(Image::getSize).reversed()).limit(MAX_IMAGES).forEach(i -> {
            List<String> names = new ArrayList<>(i.getRepoDigestsList());
            names.addAll(i.getRepoTagsList());
            out.add(new ContainerImage(names.size() > MAX_NAMES_PER_IMAGE ? names.subList(0, MAX_NAMES_PER_IMAGE)
                    : names, i.getSize()));
        });
        return out;
    }
}
