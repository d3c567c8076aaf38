package io.kybernetes.apiserver.storage;

import java.util.List;

/** The values under a prefix and the store revision they were read at. */
public record ListResult(List<StoredValue> items, long revision) {
}
