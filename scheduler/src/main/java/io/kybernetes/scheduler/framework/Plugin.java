package io.kybernetes.scheduler.framework;

/** A scheduling plugin. It implements only the extension points it needs. */
public interface Plugin {
    String name();
}
