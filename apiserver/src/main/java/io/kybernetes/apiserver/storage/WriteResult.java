package io.kybernetes.apiserver.storage;

import java.util.Optional;

/**
 * Outcome of a conditional write: whether the condition held, the revision of the write, and the current value of
 * the key when the condition failed (absent if the key does not exist).
 */
public record WriteResult(boolean succeeded, long revision, Optional<StoredValue> current) {
}
