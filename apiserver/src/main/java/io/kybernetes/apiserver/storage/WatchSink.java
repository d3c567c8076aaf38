package io.kybernetes.apiserver.storage;

/** Receives the changes of a watched prefix, in revision order. */
public interface WatchSink {

    /** A put (prev is null for a create) or a delete (value is null; revision is the deletion's). */
    void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted);

    /** The requested start revision was compacted away. */
    void onCompacted(long compactedRevision);

    void onError(Throwable error);
}
