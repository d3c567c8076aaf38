package io.kybernetes.store.watch;

import java.util.List;

import io.etcd.jetcd.api.Event;

/** Where a watcher's events go (one gRPC watch stream). Must not block: it only queues. */
public interface WatchSink {

    /** Events for {@code w}, all at revisions {@code <= rev}, in order. */
    void events(Watcher w, long rev, List<Event> events);

    /** {@code w} asked for history older than {@code compactRev}; the watcher is canceled. */
    void compacted(Watcher w, long compactRev);

    /** A progress notification for {@code w}: it has seen every change up to {@code rev}. */
    void progress(Watcher w, long rev);

    /** Events queued and not yet written to the client: a slow client's watchers stop being fed live. */
    int backlog();
}
