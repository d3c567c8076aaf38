package io.kybernetes.controllers.cronjob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kybernetes.controllers.reconcile.Times;

/** The pure time arithmetic of the CronJob controller. */
public final class Scheduling {

    /** More missed start times than this get a warning event, as upstream. */
    static final int TOO_MANY_MISSED = 100;
    private static final int MAX_SCAN = 1_000_000;

    /** The most recent unmet start time (null: none) and how many were missed in all. */
    public record Unmet(Instant time, long missed) {
    }

    private Scheduling() {
    }

    /** Start times after the last schedule (or creation), not older than startingDeadlineSeconds, up to now. */
    public static Unmet mostRecentUnmet(CronJob cj, Schedule schedule, Instant now) {
        Instant earliest = cj.getStatus() != null && Times.parse(cj.getStatus().getLastScheduleTime()) != null
                ? Times.parse(cj.getStatus().getLastScheduleTime())
                : Times.parse(cj.getMetadata().getCreationTimestamp());
        if (earliest == null) {
            earliest = now;
        }
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        if (deadline != null) {
            Instant bound = now.minusSeconds(deadline);
            if (bound.isAfter(earliest)) {
                earliest = bound;
            }
        }
        Instant last = null;
        long missed = 0;
        Instant t = schedule.next(earliest);
        while (t != null && !t.isAfter(now) && missed < MAX_SCAN) {
            last = t;
            missed++;
            t = schedule.next(t);
        }
        return new Unmet(last, missed);
    }

    /** A scheduled start is too late once startingDeadlineSeconds have passed since it. */
    public static boolean tooLate(CronJob cj, Instant scheduled, Instant now) {
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        return deadline != null && scheduled.plusSeconds(deadline).isBefore(now);
    }

    /** {@code <cronjob>-<scheduled time in minutes since the epoch>}, as upstream names a CronJob's Jobs. */
    public static String jobName(CronJob cj, Instant scheduled) {
        return cj.getMetadata().getName() + "-" + scheduled.getEpochSecond() / 60;
    }

    /** How long until the next start after now (plus a little, so the clock has passed it); null: never. */
    public static Duration untilNext(Schedule schedule, Instant now) {
        Instant next = schedule.next(now);
        return next == null ? null : Duration.between(now, next).plusMillis(100);
    }

    /** Finished Jobs beyond {@code limit}, oldest first (by start time, then creation). */
    public static List<Job> beyondHistoryLimit(List<Job> finished, int limit) {
        if (finished.size() <= limit) {
            return List.of();
        }
        List<Job> sorted = new ArrayList<>(finished);
        sorted.sort(Comparator.comparing(Scheduling::startOf));
        return sorted.subList(0, sorted.size() - limit);
    }

    private static Instant startOf(Job j) {
        Instant t = j.getStatus() == null ? null : Times.parse(j.getStatus().getStartTime());
        if (t == null) {
            t = Times.parse(j.getMetadata().getCreationTimestamp());
        }
        return t == null ? Instant.EPOCH : t;
    }
}
