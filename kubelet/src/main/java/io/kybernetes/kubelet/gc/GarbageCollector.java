package io.kybernetes.kubelet.gc;

import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

/**
 * Runs the two collectors as upstream's kubelet does: container GC every minute, image GC every five minutes (an
 * image GC that fails twice in a row posts ImageGCFailed on the Node; a failed container GC, ContainerGCFailed), and
 * both at once, removing everything unused, when the eviction manager must reclaim disk.
 */
public final class GarbageCollector {

    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
    public static final String CONTAINER_GC_FAILED = "ContainerGCFailed";

    private final ContainerGc containers;
    private final ImageGc images;
    private final BooleanSupplier allSourcesReady;
    private final ImageGc.NodeEvents events;
    private boolean previousImageGcFailed;

    public GarbageCollector(ContainerGc containers, ImageGc images, BooleanSupplier allSourcesReady,
                            ImageGc.NodeEvents events) {
        this.containers = containers;
        this.images = images;
        this.allSourcesReady = allSourcesReady;
        this.events = events;
    }

    /** The periodic container collection. */
    public void collectContainers() {
        try {
            containers.collect(allSourcesReady.getAsBoolean(), false);
        } catch (RuntimeException e) {
            LOG.warnf("container garbage collection failed: %s", e.toString());
            events.warning(CONTAINER_GC_FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The periodic image collection. */
    public synchronized void collectImages() {
        try {
            images.garbageCollect();
            previousImageGcFailed = false;
        } catch (RuntimeException e) {
            if (previousImageGcFailed) {
                LOG.warnf("image garbage collection failed multiple times in a row: %s", e.getMessage());
                events.warning(ImageGc.IMAGE_GC_FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
            } else {
                LOG.warnf("image garbage collection failed once: %s", e.getMessage());
            }
            previousImageGcFailed = true;
        }
    }

    /** Node-level disk reclaim before evicting pods: dead containers (terminated pods' too), then unused images. */
    public void reclaimDisk() {
        try {
            containers.collect(allSourcesReady.getAsBoolean(), true);
        } catch (RuntimeException e) {
            LOG.warnf("container garbage collection (disk reclaim) failed: %s", e.toString());
        }
        try {
            images.deleteUnusedImages();
        } catch (RuntimeException e) {
            LOG.warnf("image garbage collection (disk reclaim) failed: %s", e.getMessage());
        }
    }
}
