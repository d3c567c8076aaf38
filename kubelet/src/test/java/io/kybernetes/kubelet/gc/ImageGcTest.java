package io.kybernetes.kubelet.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.eviction.Observation;

class ImageGcTest {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final long CAPACITY = 1000;

    final FakeRuntime rt = new FakeRuntime();
    final FakeRuntime.MutableClock clock = new FakeRuntime.MutableClock(T0);
    final List<String> events = new ArrayList<>();
    /** Bytes used on the image file system besides the images. */
    long otherUse = 0;

    ImageGc gc(ImageGc.Policy policy) {
        return new ImageGc(policy, rt, () -> new Observation(CAPACITY - otherUse
                - rt.images.values().stream().mapToLong(i -> i.getSize()).sum(), CAPACITY),
                Set.of("pause:3.9"), (reason, message) -> events.add(reason + ": " + message), clock);
    }

    static ImageGc.Policy policy(int high, int low, String minAge) {
        return new ImageGc.Policy(high, low, Duration.parse(minAge), Duration.ZERO);
    }

    /**
     * Three unused images last used at different times (a: never, b: at +1m, c: at +2m) go least recently used
     * first; the GC stops as soon as enough is freed.
     */
    @ParameterizedTest(name = "usage {0}+images, high {1}%, low {2}% -> removes {3}")
    @CsvSource({
            // other use, high, low, removed (in order)
            "0,   90, 10, ''",          // 300/1000 = 30% < 90%: nothing
            "550, 85, 80, a",           // 85%: free down to 80% = 50 bytes: a (100) suffices
            "550, 85, 60, a b c",       // free 250 bytes: a + b (200) is not enough, c too
            "600, 85, 40, a b c",       // free 500: all three (300) and still short
            "0,   30, 20, a",           // 30% >= 30%: free to 20% = 100 bytes: a
    })
    void removesUnusedImagesLeastRecentlyUsedFirst(long other, int high, int low, String expected) {
        otherUse = other;
        rt.image("sha256:a", 100, "docker.io/library/a:1").image("sha256:b", 100, "docker.io/library/b:1")
                .image("sha256:c", 100, "docker.io/library/c:1");
        ImageGc gc = gc(policy(high, low, "PT0S"));
        gc.detect(clock.instant());
        for (String used : List.of("b", "c")) {
            clock.advance(Duration.ofMinutes(1));
            rt.container("c-" + used, "uid1", "app", ContainerState.CONTAINER_RUNNING, clock.instant(), "s1", "sha256:" + used);
            gc.detect(clock.instant());
            rt.containers.clear();
        }
        clock.advance(Duration.ofMinutes(1));
        List<String> want = expected.isBlank() ? List.of() : Arrays.stream(expected.split(" ")).map(x -> "sha256:" + x).toList();
        long needed = Math.max(0, CAPACITY * (100 - low) / 100 - (CAPACITY - other - 300));
        if (needed > 300) {
            // cannot free enough: everything eligible goes, then FreeDiskSpaceFailed
            ImageGc.GcException e = assertThrows(ImageGc.GcException.class, gc::garbageCollect);
            assertEquals(ImageGc.FREE_DISK_SPACE_FAILED, e.reason());
            assertEquals(List.of("FreeDiskSpaceFailed: Failed to garbage collect required amount of images. Attempted to "
                    + "free " + needed + " bytes, but only found 300 bytes eligible to free."), events);
            assertEquals(List.of("sha256:a", "sha256:b", "sha256:c"), rt.removed);
            return;
        }
        gc.garbageCollect();
        assertEquals(want, rt.removed);
        assertEquals(List.of(), events);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "in use by image id,            sha256:a, ''",
            "in use by tag,                 docker.io/library/a:1, ''",
            "in use by short name,          a:1, ''",
            "used by another image only,    sha256:b, sha256:a",
    })
    void neverRemovesImagesInUse(String name, String containerImage, String expected) {
        rt.image("sha256:a", 100, "docker.io/library/a:1").image("sha256:b", 100, "docker.io/library/b:1");
        rt.container("c1", "uid1", "app", ContainerState.CONTAINER_EXITED, T0, "s1", containerImage);
        ImageGc gc = gc(policy(10, 0, "PT0S"));
        clock.advance(Duration.ofMinutes(5));
        assertThrows(ImageGc.GcException.class, gc::garbageCollect); // cannot reach 0%
        assertEquals(expected.isBlank() ? List.of("sha256:b") : List.of(expected), rt.removed);
    }

    @Test
    void keepsPinnedImagesBySandboxImageNameAndRuntimePin() {
        rt.image("sha256:pause", 10, "docker.io/library/pause:3.9").pinnedImage("sha256:pinned", 10, "x/y:1")
                .image("sha256:a", 100, "docker.io/library/a:1");
        ImageGc gc = gc(policy(10, 0, "PT0S"));
        gc.detect(T0);
        assertEquals(List.of("sha256:a"), gc.evictionOrder(T0).stream().map(r -> r.id).toList());
        gc.deleteUnusedImages();
        assertEquals(List.of("sha256:a"), rt.removed);
        assertTrue(rt.images.containsKey("sha256:pause") && rt.images.containsKey("sha256:pinned"));
    }

    @ParameterizedTest(name = "detected {0} ago, minimum age {1} -> removed {2}")
    @CsvSource({
            "PT1M,  PT2M, false",
            "PT2M,  PT2M, true",
            "PT10M, PT2M, true",
            "PT0S,  PT0S, true",
    })
    void keepsImagesYoungerThanTheMinimumAge(String age, String minAge, boolean removed) {
        rt.image("sha256:a", 100, "docker.io/library/a:1");
        ImageGc gc = gc(policy(10, 0, minAge));
        gc.detect(T0);
        clock.advance(Duration.parse(age));
        gc.deleteUnusedImages();
        assertEquals(removed, rt.removed.contains("sha256:a"));
    }

    @ParameterizedTest(name = "idle {0}, maximum age {1} -> removed {2}")
    @CsvSource({
            "PT30M, PT1H, false",
            "PT2H,  PT1H, true",
            "PT2H,  PT0S, false",   // 0: off
    })
    void removesImagesIdlePastTheMaximumAgeWhateverTheUsage(String idle, String maxAge, boolean removed) {
        rt.image("sha256:a", 100, "docker.io/library/a:1");
        rt.container("c1", "uid1", "app", ContainerState.CONTAINER_RUNNING, T0, "s1", "sha256:a");
        ImageGc gc = gc(new ImageGc.Policy(90, 80, Duration.ofMinutes(2), Duration.parse(maxAge)));
        gc.detect(T0);
        rt.containers.clear(); // no longer used from T0 on
        clock.advance(Duration.parse(idle));
        gc.garbageCollect(); // usage 10%: below the high threshold
        assertEquals(removed, rt.removed.contains("sha256:a"));
    }

    @Test
    void forgetsImagesRemovedBehindItsBackAndRestartsTheirAge() {
        rt.image("sha256:a", 100, "docker.io/library/a:1");
        ImageGc gc = gc(policy(10, 0, "PT2M"));
        gc.detect(T0);
        rt.images.clear();
        gc.detect(T0.plusSeconds(60));
        rt.image("sha256:a", 100, "docker.io/library/a:1"); // pulled again
        clock.advance(Duration.ofMinutes(3));
        gc.detect(clock.instant());
        clock.advance(Duration.ofMinutes(1));
        gc.deleteUnusedImages();
        assertEquals(List.of(), rt.removed, "first detected again 1m ago: younger than the minimum age");
    }

    @Test
    void invalidCapacityIsAnEvent() {
        ImageGc gc = new ImageGc(ImageGc.Policy.DEFAULT, rt, () -> new Observation(0, 0), Set.of(),
                (reason, message) -> events.add(reason + ": " + message), clock);
        assertThrows(ImageGc.GcException.class, gc::garbageCollect);
        assertEquals(List.of("InvalidDiskCapacity: invalid capacity 0 on image filesystem"), events);
    }

    @ParameterizedTest(name = "high {0} low {1} min {2} max {3}: {4}")
    @CsvSource({
            "101, 80, PT2M, PT0S, 'invalid HighThresholdPercent 101, must be in range [0-100]'",
            "85,  -1, PT2M, PT0S, 'invalid LowThresholdPercent -1, must be in range [0-100]'",
            "80,  85, PT2M, PT0S, LowThresholdPercent 85 can not be higher than HighThresholdPercent 80",
            "85,  80, PT2M, PT1M, ImageMaximumGCAge PT1M must be greater than ImageMinimumGCAge PT2M",
    })
    void rejectsBadPolicies(int high, int low, String min, String max, String message) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ImageGc.Policy(high, low, Duration.parse(min), Duration.parse(max)));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "pause:3.9,                          docker.io/library/pause:3.9",
            "busybox,                            docker.io/library/busybox:latest",
            "library/nginx,                      docker.io/library/nginx:latest",
            "docker.io/nginx:1,                  docker.io/library/nginx:1",
            "docker.io/library/pause:3.9,        docker.io/library/pause:3.9",
            "127.0.0.1:5000/library/busybox,     127.0.0.1:5000/library/busybox:latest",
            "localhost/kubelet-it/pause:3.9,     localhost/kubelet-it/pause:3.9",
            "quay.io/x/y@sha256:abc,             quay.io/x/y@sha256:abc",
            "sha256:abc,                         sha256:abc",
    })
    void normalizesImageNames(String in, String out) {
        assertEquals(out, ImageNames.normalize(in));
    }
}
