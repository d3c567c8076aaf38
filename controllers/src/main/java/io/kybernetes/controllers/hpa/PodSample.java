package io.kybernetes.controllers.hpa;

import java.time.Instant;

/**
 * What the replica calculation needs of one pod selected by the target: its phase, whether it is being deleted,
 * its start time and Ready condition (status and last transition, null when absent), the summed request of the
 * metric's resource over its containers (milli units, null when a container has none), and its usage from the
 * metrics API (milli units, with the sample's timestamp and window; null when the API has none).
 */
public record PodSample(String name, String phase, boolean deleting, Instant startTime, Boolean ready,
        Instant readyTransition, Long requestMilli, Long usageMilli, Instant usageTime, long windowSeconds) {
}
