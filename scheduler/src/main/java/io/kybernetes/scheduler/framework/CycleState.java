package io.kybernetes.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/** Data shared between the extension points of one scheduling cycle of one pod. */
public final class CycleState {

    private final Map<String, Object> data = new HashMap<>();

    public void write(String key, Object value) {
        data.put(key, value);
    }

    public <T> T read(String key, Class<T> type) {
        return type.cast(data.get(key));
    }
}
