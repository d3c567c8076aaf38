package io.kybernetes.store.mvcc;

import java.util.Comparator;

import com.google.protobuf.ByteString;

/**
 * The keys an etcd request names: {@code end == null} is the single key {@code key}; an empty {@code end} is every
 * key {@code >= key} (the wire form is range_end "\0"); otherwise the half-open interval {@code [key, end)}.
 */
public record KeyRange(ByteString key, ByteString end) {

    public static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();
    private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

    /** Decodes the wire form (key, range_end) used by Range, DeleteRange, Compare and Watch. */
    public static KeyRange of(ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return new KeyRange(key, null);
        }
        if (rangeEnd.equals(ZERO)) {
            return new KeyRange(key, ByteString.EMPTY);
        }
        return new KeyRange(key, rangeEnd);
    }

    public static KeyRange single(ByteString key) {
        return new KeyRange(key, null);
    }

    public boolean isSingle() {
        return end == null;
    }

    public boolean contains(ByteString k) {
        if (end == null) {
            return key.equals(k);
        }
        return ORDER.compare(k, key) >= 0 && (end.isEmpty() || ORDER.compare(k, end) < 0);
    }

    public boolean overlaps(KeyRange o) {
        if (isSingle()) {
            return o.contains(key);
        }
        if (o.isSingle()) {
            return contains(o.key);
        }
        // [a,b) and [c,d) overlap iff a < d and c < b (an empty end is +infinity)
        boolean aBeforeD = o.end.isEmpty() || ORDER.compare(key, o.end) < 0;
        boolean cBeforeB = end.isEmpty() || ORDER.compare(o.key, end) < 0;
        return aBeforeD && cBeforeB;
    }
}
