package io.kybernetes.kubelet.gc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.Image;
import io.kybernetes.kubelet.eviction.Observation;

/**
 * The image garbage collector, as upstream's image manager: it tracks when each image was first detected and last
 * used by a container, and when the image file system's usage reaches the high threshold it removes images no
 * container uses, least recently used first, skipping pinned ones (the sandbox image) and ones detected less than the
 * minimum age ago, until usage is down to the low threshold. With a maximum age, images unused for longer are
 * removed whatever the usage.
 */
public final class ImageGc {

    private static final Logger LOG = Logger.getLogger(ImageGc.class);

    /** Upstream's event reasons. */
    public static final String FREE_DISK_SPACE_FAILED = "FreeDiskSpaceFailed";
    public static final String IMAGE_GC_FAILED = "ImageGCFailed";
    public static final String INVALID_DISK_CAPACITY = "InvalidDiskCapacity";

    /** {@code --image-gc-high-threshold}, {@code --image-gc-low-threshold}, {@code --image-minimum-gc-age}, {@code --image-maximum-gc-age}. */
    public record Policy(int highThresholdPercent, int lowThresholdPercent, Duration minAge, Duration maxAge) {

        public static final Policy DEFAULT = new Policy(85, 80, Duration.ofMinutes(2), Duration.ZERO);

        public Policy {
            if (highThresholdPercent < 0 || highThresholdPercent > 100) {
                throw new IllegalArgumentException("invalid HighThresholdPercent " + highThresholdPercent
                        + ", must be in range [0-100]");
            }
            if (lowThresholdPercent < 0 || lowThresholdPercent > 100) {
                throw new IllegalArgumentException("invalid LowThresholdPercent " + lowThresholdPercent
                        + ", must be in range [0-100]");
            }
            if (lowThresholdPercent > highThresholdPercent) {
                throw new IllegalArgumentException("LowThresholdPercent " + lowThresholdPercent
                        + " can not be higher than HighThresholdPercent " + highThresholdPercent);
            }
            if (minAge.isNegative() || maxAge.isNegative()) {
                throw new IllegalArgumentException("image GC ages must not be negative");
            }
            if (!maxAge.isZero() && maxAge.compareTo(minAge) < 0) {
                throw new IllegalArgumentException("ImageMaximumGCAge " + maxAge + " must be greater than "
                        + "ImageMinimumGCAge " + minAge);
            }
        }
    }

    /** Raised when the collection could not free what it had to; the message is the event's. */
    public static final class GcException extends RuntimeException {
        private final String reason;

        GcException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** The event reason already posted for it, or null. */
        public String reason() {
            return reason;
        }
    }

    /** Where the collector posts Node events (Warning FreeDiskSpaceFailed...). */
    public interface NodeEvents {
        void warning(String reason, String message);
    }

    /** What the kubelet knows of one image. */
    static final class ImageRecord {
        final String id;
        final Instant firstDetected;
        Instant lastUsed; // null: never seen in use
        long size;
        boolean pinned;
        List<String> names = List.of();

        ImageRecord(String id, Instant firstDetected) {
            this.id = id;
            this.firstDetected = firstDetected;
        }

        /** Since when the image has been idle: its last use, or its detection when it was never used. */
        Instant idleSince() {
            return lastUsed == null ? firstDetected : lastUsed;
        }
    }

    /** Least recently used first; among images never used, the earliest detected first (as upstream). */
    static final Comparator<ImageRecord> EVICTION_ORDER = Comparator
            .comparing((ImageRecord r) -> r.lastUsed == null ? Instant.MIN : r.lastUsed)
            .thenComparing(r -> r.firstDetected);

    private final Policy policy;
    private final GcRuntime runtime;
    private final Supplier<Observation> imageFs;
    private final Set<String> pinnedNames;
    private final NodeEvents events;
    private final Clock clock;
    private final Map<String, ImageRecord> records = new HashMap<>();

    /**
     * @param imageFs   the image file system's available bytes and capacity (null: unknown)
     * @param pinned    image references never collected (the sandbox image), in any form ({@code pause:3.9},
     *                  {@code docker.io/library/pause:3.9})
     */
    public ImageGc(Policy policy, GcRuntime runtime, Supplier<Observation> imageFs, Set<String> pinned,
                   NodeEvents events, Clock clock) {
        this.policy = policy;
        this.runtime = runtime;
        this.imageFs = imageFs;
        this.pinnedNames = new HashSet<>();
        pinned.forEach(n -> pinnedNames.add(ImageNames.normalize(n)));
        this.events = events;
        this.clock = clock;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Lists the images and the containers, records newly detected images and marks those used by a container (in
     * any state) as used now; forgets images that are gone. Returns the ids of the images in use.
     */
    public synchronized Set<String> detect(Instant now) {
        List<Image> images = runtime.images();
        Set<String> inUse = new HashSet<>();
        List<Container> containers = runtime.containers();
        for (Image image : images) {
            if (used(image, containers)) {
                inUse.add(image.getId());
            }
        }
        Set<String> present = new HashSet<>();
        for (Image image : images) {
            present.add(image.getId());
            ImageRecord r = records.computeIfAbsent(image.getId(), id -> {
                LOG.debugf("image %s %s detected", id, image.getRepoTagsList());
                return new ImageRecord(id, now);
            });
            if (inUse.contains(image.getId())) {
                r.lastUsed = now;
            }
            r.size = image.getSize();
            r.names = names(image);
            r.pinned = image.getPinned() || r.names.stream().anyMatch(n -> pinnedNames.contains(ImageNames.normalize(n)));
        }
        records.keySet().retainAll(present);
        return inUse;
    }

    /** A container uses an image when its image id or reference names the image. */
    private static boolean used(Image image, List<Container> containers) {
        List<String> names = names(image);
        for (Container c : containers) {
            for (String ref : List.of(c.getImageId(), c.getImageRef(), c.hasImage() ? c.getImage().getImage() : "")) {
                if (!ref.isEmpty() && (ref.equals(image.getId()) || names.contains(ref)
                        || names.stream().anyMatch(n -> ImageNames.normalize(n).equals(ImageNames.normalize(ref))))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> names(Image image) {
        List<String> n = new ArrayList<>(image.getRepoTagsList());
        n.addAll(image.getRepoDigestsList());
        return n;
    }

    /**
     * One periodic pass: images idle past the maximum age go first; then, when the image file system's usage is at
     * or above the high threshold, unused images are removed until usage is down to the low threshold. Throws
     * {@link GcException} when it could not free enough (after posting FreeDiskSpaceFailed on the Node).
     */
    public synchronized long garbageCollect() {
        Instant now = clock.instant();
        long freed = freeOldImages(now);
        Observation fs = imageFs.get();
        if (fs == null) {
            throw new GcException(null, "image filesystem stats are not available");
        }
        long capacity = fs.capacity();
        long available = Math.min(fs.available(), capacity);
        if (capacity <= 0) {
            String msg = "invalid capacity " + capacity + " on image filesystem";
            events.warning(INVALID_DISK_CAPACITY, msg);
            throw new GcException(INVALID_DISK_CAPACITY, msg);
        }
        int usagePercent = 100 - (int) (available * 100 / capacity);
        if (usagePercent < policy.highThresholdPercent()) {
            LOG.debugf("image filesystem usage %d%% is below the high threshold %d%%", usagePercent,
                    policy.highThresholdPercent());
            return freed;
        }
        long amountToFree = capacity * (100 - policy.lowThresholdPercent()) / 100 - available;
        LOG.infof("image filesystem usage %d%% is at or over the high threshold %d%%: trying to free %d bytes down "
                + "to the low threshold %d%%", usagePercent, policy.highThresholdPercent(), amountToFree,
                policy.lowThresholdPercent());
        long more = freeSpace(amountToFree, now);
        if (more < amountToFree) {
            String msg = "Failed to garbage collect required amount of images. Attempted to free " + amountToFree
                    + " bytes, but only found " + more + " bytes eligible to free.";
            events.warning(FREE_DISK_SPACE_FAILED, msg);
            throw new GcException(FREE_DISK_SPACE_FAILED, msg);
        }
        return freed + more;
    }

    /** Removes every image no container uses (older than the minimum age, not pinned): disk-pressure reclaim. */
    public synchronized long deleteUnusedImages() {
        LOG.info("removing all unused images");
        return freeSpace(Long.MAX_VALUE, clock.instant());
    }

    /** Images that can go now, in the order they go. */
    synchronized List<ImageRecord> evictionOrder(Instant now) {
        Set<String> inUse = detect(now);
        return records.values().stream()
                .filter(r -> !inUse.contains(r.id) && !r.pinned)
                .sorted(EVICTION_ORDER).toList();
    }

    private long freeOldImages(Instant now) {
        if (policy.maxAge().isZero()) {
            return 0;
        }
        long freed = 0;
        for (ImageRecord r : evictionOrder(now)) {
            if (Duration.between(r.idleSince(), now).compareTo(policy.maxAge()) > 0
                    && Duration.between(r.firstDetected, now).compareTo(policy.minAge()) >= 0) {
                LOG.infof("image %s %s unused for longer than the maximum age %s", r.id, r.names, policy.maxAge());
                if (remove(r)) {
                    freed += r.size;
                }
            }
        }
        return freed;
    }

    private long freeSpace(long bytesToFree, Instant now) {
        long freed = 0;
        List<String> errors = new ArrayList<>();
        for (ImageRecord r : evictionOrder(now)) {
            if (Duration.between(r.firstDetected, now).compareTo(policy.minAge()) < 0) {
                LOG.debugf("image %s is younger than the minimum GC age %s: kept", r.id, policy.minAge());
                continue;
            }
            try {
                runtime.removeImage(r.id);
            } catch (StatusRuntimeException e) {
                errors.add(r.id + ": " + e.getStatus());
                continue;
            }
            records.remove(r.id);
            freed += r.size;
            LOG.infof("removed image %s %s, %d bytes (idle since %s)", r.id, r.names, r.size, r.idleSince());
            if (freed >= bytesToFree) {
                break;
            }
        }
        if (freed > 0) {
            LOG.infof("image garbage collection freed %d bytes", freed);
        }
        if (!errors.isEmpty()) {
            throw new GcException(null, "wanted to free " + (bytesToFree == Long.MAX_VALUE ? "all unused" : bytesToFree)
                    + " bytes, but freed " + freed + " bytes space with errors in image deletion: " + errors);
        }
        return freed;
    }

    private boolean remove(ImageRecord r) {
        try {
            runtime.removeImage(r.id);
            records.remove(r.id);
            LOG.infof("removed image %s %s, %d bytes", r.id, r.names, r.size);
            return true;
        } catch (StatusRuntimeException e) {
            LOG.warnf("remove image %s: %s", r.id, e.getStatus());
            return false;
        }
    }
}
