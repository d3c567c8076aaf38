package io.kybernetes.apiserver.watch;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.Resource;

/**
 * One watch: the resource and namespace (null: all), the object filter (selectors), the resourceVersion to start
 * after ("" or "0": send the current objects first), and the output options.
 */
public record WatchRequest(Resource resource, String namespace, Predicate<ObjectNode> filter, String resourceVersion,
        long timeoutSeconds, boolean bookmarks, boolean sendInitialEvents, boolean table, String includeObject) {
}
