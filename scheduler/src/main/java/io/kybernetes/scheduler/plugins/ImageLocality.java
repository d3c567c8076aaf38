package io.kybernetes.scheduler.plugins;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.framework.CycleState;
import io.kybernetes.scheduler.framework.NodeInfo;
import io.kybernetes.scheduler.framework.PreScorePlugin;
import io.kybernetes.scheduler.framework.ScorePlugin;
import io.kybernetes.scheduler.framework.Status;

/**
 * Favours nodes that already have the pod's images (node.status.images): each present image adds its size scaled
 * by the fraction of all nodes that have it (so an image present everywhere does not pull pods together); the sum
 * is clamped to [23 MiB, 1000 MiB x containers] and mapped linearly onto [0, 100], as upstream.
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {

    public static final String NAME = "ImageLocality";
    static final long MB = 1024L * 1024;
    static final long MIN_THRESHOLD = 23 * MB;
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;
    private static final String STATE_KEY = "PreScore" + NAME;
    private static final NodeInfo.Key<Map<String, Long>> IMAGES = NodeInfo.Key.of(ImageLocality::images);

    /** Per image name: its size and on how many nodes it is. */
    record ImageState(long size, int numNodes) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        // How many nodes hold an image is counted lazily in score, once per cycle and only for an image of the pod
        // that a scored node holds: a scan of every node per cycle cost more than the rest of scoring at 5,000 nodes.
        return Status.success();
    }

    /** On how many of the cycle's nodes {@code image} is. */
    private static int numNodes(CycleState state, String image) {
        return state.memo(STATE_KEY + "/" + image, () -> {
            int count = 0;
            for (NodeInfo n : state.nodes()) {
                if (n.memo(IMAGES).containsKey(image)) {
                    count++;
                }
            }
            return count;
        });
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        int total = Math.max(1, state.nodes().size());
        Map<String, Long> here = node.memo(IMAGES);
        List<String> podImages = state.memo(NAME + "/podImages", () -> {
            List<String> l = new ArrayList<>();
            if (pod.getSpec().getInitContainers() != null) {
                pod.getSpec().getInitContainers().forEach(c -> l.add(normalizedImageName(c.getImage())));
            }
            if (pod.getSpec().getContainers() != null) {
                pod.getSpec().getContainers().forEach(c -> l.add(normalizedImageName(c.getImage())));
            }
            return l;
        });
        if (here.isEmpty()) {
            return calculatePriority(0, podImages.size());
        }
        long sum = 0;
        for (String image : podImages) {
            Long size = here.get(image);
            if (size != null) {
                int numNodes = Math.max(1, numNodes(state, image));
                sum += (long) (size * ((double) numNodes / total));
            }
        }
        return calculatePriority(sum, podImages.size());
    }

    static long calculatePriority(long sum, int numContainers) {
        long max = MAX_CONTAINER_THRESHOLD * numContainers;
        if (max <= MIN_THRESHOLD) {
            return 0;
        }
        long s = Math.max(MIN_THRESHOLD, Math.min(sum, max));
        return MAX_NODE_SCORE * (s - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
    }

    /** An image without a tag means :latest (a digest or tag after the last slash is kept). */
    static String normalizedImageName(String name) {
        if (name == null) {
            return "";
        }
        return name.lastIndexOf(':') <= name.lastIndexOf('/') ? name + ":latest" : name;
    }

    static Map<String, Long> images(NodeInfo node) {
        if (node.node().getStatus() == null || node.node().getStatus().getImages() == null) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        for (ContainerImage img : node.node().getStatus().getImages()) {
            if (img.getNames() == null) {
                continue;
            }
            long size = img.getSizeBytes() == null ? 0 : img.getSizeBytes();
            for (String n : img.getNames()) {
                out.put(n, size);
            }
        }
        return out;
    }
}
