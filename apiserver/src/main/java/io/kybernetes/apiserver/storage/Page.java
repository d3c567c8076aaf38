package io.kybernetes.apiserver.storage;

import java.util.List;

/**
 * One range read: the values in key order, the revision they were read at, whether more keys follow in the range
 * (the limit cut it) and how many keys the whole range holds from its start.
 */
public record Page(List<StoredValue> items, long revision, boolean more, long count) {
}
