package io.kybernetes.scheduler.framework;

import java.util.List;

/**
 * The outcome of a plugin call, as a value. {@link Code#UNSCHEDULABLE} may be resolved by changes on the node
 * (e.g. pods leaving); {@link Code#UNSCHEDULABLE_AND_UNRESOLVABLE} may not (preemption would not help).
 */
public record Status(Code code, List<String> reasons, String plugin) {

    /**
     * {@code SKIP} (PreFilter only, as upstream): the pod asks nothing of this plugin, so the framework does not run
     * the plugin's Filter for it; it counts as success.
     */
    public enum Code { SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE, ERROR, SKIP }

    private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), "");

    public static Status success() {
        return SUCCESS;
    }

    private static final Status SKIP = new Status(Code.SKIP, List.of(), "");

    /** From PreFilter: nothing to check for this pod, skip this plugin's Filter (a success). */
    public static Status skip() {
        return SKIP;
    }

    public static Status unschedulable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), plugin);
    }

    public static Status unresolvable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), plugin);
    }

    public static Status error(String plugin, String reason) {
        return new Status(Code.ERROR, List.of(reason), plugin);
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS || code == Code.SKIP;
    }
}
