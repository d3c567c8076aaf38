package io.kybernetes.kubelet.gc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.ContainerMetadata;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.Image;
import io.kybernetes.kubelet.cri.v1.ImageSpec;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxMetadata;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;
import io.kybernetes.kubelet.pod.CriLabels;

/** An in-memory runtime for the collectors' unit tests; it records what was removed, in order. */
final class FakeRuntime implements GcRuntime {

    final Map<String, Image> images = new LinkedHashMap<>();
    final Map<String, Container> containers = new LinkedHashMap<>();
    final Map<String, PodSandbox> sandboxes = new LinkedHashMap<>();
    final List<String> removed = new ArrayList<>();

    FakeRuntime image(String id, long size, String... tags) {
        images.put(id, Image.newBuilder().setId(id).setSize(size).addAllRepoTags(List.of(tags)).build());
        return this;
    }

    FakeRuntime pinnedImage(String id, long size, String tag) {
        images.put(id, Image.newBuilder().setId(id).setSize(size).addRepoTags(tag).setPinned(true).build());
        return this;
    }

    /** A container of pod {@code uid}, created {@code createdSecondsAgo} before {@code now}. */
    FakeRuntime container(String id, String uid, String name, ContainerState state, Instant created, String sandbox,
                          String imageRef) {
        containers.put(id, Container.newBuilder().setId(id).setPodSandboxId(sandbox)
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(imageRef)).setImageRef(imageRef)
                .setState(state).setCreatedAt(nanos(created))
                .putLabels(CriLabels.POD_UID, uid).putLabels(CriLabels.CONTAINER_NAME, name)
                .putLabels(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE).build());
        return this;
    }

    FakeRuntime sandbox(String id, String uid, PodSandboxState state, Instant created) {
        sandboxes.put(id, PodSandbox.newBuilder().setId(id)
                .setMetadata(PodSandboxMetadata.newBuilder().setUid(uid).setName("p").setNamespace("ns"))
                .setState(state).setCreatedAt(nanos(created))
                .putLabels(CriLabels.POD_UID, uid).putLabels(CriLabels.MANAGED_BY, CriLabels.MANAGED_BY_VALUE).build());
        return this;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Override
    public List<Image> images() {
        return List.copyOf(images.values());
    }

    @Override
    public List<Container> containers() {
        return List.copyOf(containers.values());
    }

    @Override
    public List<PodSandbox> sandboxes() {
        return List.copyOf(sandboxes.values());
    }

    @Override
    public void removeImage(String id) {
        images.remove(id);
        removed.add(id);
    }

    @Override
    public void removeContainer(String id) {
        containers.remove(id);
        removed.add(id);
    }

    @Override
    public void removeSandbox(String id) {
        sandboxes.remove(id);
        removed.add(id);
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
