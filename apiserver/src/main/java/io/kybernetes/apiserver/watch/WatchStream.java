package io.kybernetes.apiserver.watch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.registry.Conversion;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.table.Tables;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

/**
 * Streams one watch over an etcd watch to its client: a chunked HTTP response of newline-delimited JSON watch
 * events, or (for a WebSocket upgrade, as upstream's watch server) one text message per event, closed with a
 * normal closure when the watch ends. Only the transport differs: the events, filtering, bookmarks, timeout and
 * 410 handling are the same. Objects that
 * start or stop matching the filter become ADDED or DELETED, as upstream's cacher does. Store callbacks hop onto
 * the request's Vert.x context before writing.
 */
public final class WatchStream implements WatchCache.Listener {

    private static final Logger LOG = Logger.getLogger(WatchStream.class);
    /** How often a BOOKMARK is sent when the client allows them. Non-final so tests may shorten it. */
    static long bookmarkIntervalMillis = 30_000;

    private final WatchRequest req;
    private final Context context;
    private final EtcdStore store;
    private final WatchCache cache;
    private final long from;
    private WatchOutput output;
    private AutoCloseable watcher;
    private long lastRevision;
    private boolean columnsSent;
    private boolean closed;
    private final List<Long> timers = new ArrayList<>();

    /**
     * Prepares one watch; throws an ApiException (to be answered as a normal HTTP error, before any upgrade or
     * stream header) for a malformed resourceVersion.
     */
    public WatchStream(WatchRequest req, Context context, EtcdStore store, WatchCache cache) {
        this.req = req;
        this.context = context;
        this.store = store;
        this.cache = cache;
        String rv = req.resourceVersion() == null ? "" : req.resourceVersion();
        if (rv.isEmpty() || rv.equals("0") || req.sendInitialEvents()) {
            from = -1;
        } else {
            try {
                from = Long.parseLong(rv);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid resource version: " + rv);
            }
        }
    }

    /** Streams the watch as a chunked HTTP 200 response of newline-delimited watch events. */
    public void streamTo(HttpServerResponse response) {
        start(new HttpOutput(response, req.table() ? Tables.MEDIA_TYPE : "application/json"));
    }

    /** Streams the watch over an accepted WebSocket, one text message per watch event. */
    public void streamTo(ServerWebSocket socket) {
        start(new WebSocketOutput(socket));
    }

    private void start(WatchOutput out) {
        this.output = out;
        out.open(this::close);
        long timeout = req.timeoutSeconds() > 0 ? req.timeoutSeconds()
                : 1800 + ThreadLocalRandom.current().nextLong(1800);
        timers.add(context.owner().setTimer(timeout * 1000, t -> finish()));
        if (req.bookmarks()) {
            timers.add(context.owner().setPeriodic(bookmarkIntervalMillis, t -> bookmark(false)));
        }
        if (from < 0) {
            store.list(req.resource().prefix(req.namespace())).whenComplete((list, err) -> context.runOnContext(v -> {
                if (err != null) {
                    onError(err);
                    return;
                }
                for (StoredValue sv : list.items()) {
                    ObjectNode obj = req.resource().decode(sv);
                    if (req.filter().test(obj)) {
                        send("ADDED", obj);
                    }
                }
                lastRevision = list.revision();
                if (req.sendInitialEvents()) {
                    bookmark(true);
                }
                watchFrom(list.revision() + 1);
            }));
        } else {
            lastRevision = from;
            watchFrom(from + 1);
        }
    }

    private void watchFrom(long revision) {
        if (closed) {
            return;
        }
        watcher = cache.watch(req.resource().prefix(null), req.resource().prefix(req.namespace()), revision, this);
    }

    /** Keys of what the watchers of one served version derive from a shared {@link Change}. */
    private record Derived(Conversion conversion, String form) {
    }

    @Override
    public void onChange(Change change) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            lastRevision = change.revision();
            Resource r = req.resource();
            Conversion conv = r.conversion();
            ObjectNode old = change.prev() == null ? null
                    : change.memo(new Derived(conv, "prev"), () -> r.decode(change.prev()));
            boolean oldMatch = old != null && req.filter().test(old);
            if (change.deleted()) {
                if (oldMatch) {
                    send("DELETED", change, "deleted", () -> {
                        ObjectNode gone = old.deepCopy();
                        Json.with(gone, "metadata").put("resourceVersion", Long.toString(change.revision()));
                        return gone;
                    });
                }
                return;
            }
            ObjectNode obj = change.memo(new Derived(conv, "value"), () -> r.decode(change.value()));
            boolean newMatch = req.filter().test(obj);
            if (newMatch && oldMatch) {
                send("MODIFIED", change, "value", () -> obj);
            } else if (newMatch) {
                send("ADDED", change, "value", () -> obj);
            } else if (oldMatch) {
                send("DELETED", change, "value", () -> obj);
            }
        });
    }

    @Override
    public void onCompacted(long compactedRevision) {
        context.runOnContext(v -> {
            ApiException gone = ApiException.gone("too old resource version: " + req.resourceVersion() + " ("
                    + compactedRevision + ")");
            event("ERROR", gone.toStatus());
            finish();
        });
    }

    @Override
    public void onError(Throwable error) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            LOG.warnf("watch on %s failed: %s", req.resource().prefix(req.namespace()), error.toString());
            event("ERROR", ApiException.internal("watch failed: " + error.getMessage()).toStatus());
            finish();
        });
    }

    private void bookmark(boolean initialEventsEnd) {
        ObjectNode obj = Json.object();
        obj.put("kind", req.resource().type().kind());
        obj.put("apiVersion", req.resource().type().apiVersion());
        ObjectNode meta = obj.putObject("metadata");
        meta.put("resourceVersion", Long.toString(lastRevision));
        if (initialEventsEnd) {
            meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        }
        event("BOOKMARK", obj);
    }

    private void send(String type, ObjectNode obj) {
        if (req.table()) {
            ObjectNode t = Tables.table(req.resource().strategy(), List.of(obj),
                    Json.str(obj, "metadata.resourceVersion"), req.includeObject(), !columnsSent);
            columnsSent = true;
            event(type, t);
        } else {
            event(type, obj);
        }
    }

    /**
     * Sends the object derived as {@code form} from a shared change; as JSON, its encoding is shared too (the event
     * is spliced around it, byte for byte what encoding the whole event would give).
     */
    private void send(String type, Change change, String form, Supplier<ObjectNode> object) {
        Derived key = new Derived(req.resource().conversion(), form);
        ObjectNode obj = change.memo(key, object);
        if (req.table() || closed) {
            send(type, obj);
            return;
        }
        byte[] json = change.memo(new Derived(key.conversion(), form + ".json"), () -> Json.bytes(obj));
        byte[] head = EVENT_HEADS.get(type);
        byte[] e = new byte[head.length + json.length + 1];
        System.arraycopy(head, 0, e, 0, head.length);
        System.arraycopy(json, 0, e, head.length, json.length);
        e[e.length - 1] = '}';
        output.write(e);
    }

    private static final java.util.Map<String, byte[]> EVENT_HEADS = java.util.Map.of(
            "ADDED", head("ADDED"), "MODIFIED", head("MODIFIED"), "DELETED", head("DELETED"));

    private static byte[] head(String type) {
        return ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
    }

    private void event(String type, ObjectNode object) {
        if (closed) {
            return;
        }
        ObjectNode e = Json.object();
        e.put("type", type);
        e.set("object", object);
        output.write(Json.bytes(e));
    }

    private void finish() {
        if (!closed) {
            close();
            output.end();
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        timers.forEach(t -> context.owner().cancelTimer(t));
        if (watcher != null) {
            try {
                watcher.close();
            } catch (Exception e) {
                LOG.debugf("closing watcher: %s", e);
            }
        }
    }

    /** Where the encoded watch events go. */
    private interface WatchOutput {

        /** Sends the stream's header, if any; clientGone runs when the client closes the connection. */
        void open(Runnable clientGone);

        void write(byte[] event);

        void end();
    }

    private record HttpOutput(HttpServerResponse response, String contentType) implements WatchOutput {

        @Override
        public void open(Runnable clientGone) {
            response.setChunked(true);
            response.putHeader("Content-Type", contentType);
            response.putHeader("Cache-Control", "no-cache, private");
            response.setStatusCode(200);
            response.closeHandler(v -> clientGone.run());
            response.write("");
        }

        @Override
        public void write(byte[] event) {
            response.write(Buffer.buffer(event.length + 1).appendBytes(event).appendByte((byte) '\n'));
        }

        @Override
        public void end() {
            try {
                response.end();
            } catch (IllegalStateException ignored) {
                // the client went away first
            }
        }
    }

    private record WebSocketOutput(ServerWebSocket socket) implements WatchOutput {

        @Override
        public void open(Runnable clientGone) {
            // the client is not expected to send anything: messages are dropped, a close (or a broken
            // connection) stops the watch
            socket.handler(b -> { });
            socket.closeHandler(v -> clientGone.run());
            socket.exceptionHandler(e -> LOG.debugf("watch websocket: %s", e.toString()));
        }

        @Override
        public void write(byte[] event) {
            socket.writeTextMessage(new String(event, StandardCharsets.UTF_8));
        }

        @Override
        public void end() {
            if (!socket.isClosed()) {
                socket.close((short) 1000);
            }
        }
    }
}
