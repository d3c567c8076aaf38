package io.kybernetes.store.watch;

/** How a watcher reports: prev_kv, the NOPUT/NODELETE filters, periodic progress notifications. */
public record WatchOptions(boolean prevKv, boolean noPut, boolean noDelete, boolean progressNotify) {

    public static final WatchOptions DEFAULT = new WatchOptions(false, false, false, false);
}
