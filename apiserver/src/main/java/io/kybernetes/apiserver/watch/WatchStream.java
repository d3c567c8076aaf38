package io.kybernetes.apiserver.watch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.kybernetes.apiserver.storage.WatchSink;
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
public final class WatchStream implements WatchSink {

    private static final Logger LOG = Logger.getLogger(WatchStream.class);
    /** How often a BOOKMARK is sent when the client allows them. Non-final so tests may shorten it. */
    static long bookmarkIntervalMillis = 30_000;

    private final WatchRequest req;
    private final Context context;
    private final EtcdStore store;
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
    public WatchStream(WatchRequest req, Context context, EtcdStore store) {
        this.req = req;
        this.context = context;
        this.store = store;
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
        watcher = store.watch(req.resource().prefix(req.namespace()), revision, this);
    }

    @Override
    public void onChange(StoredValue value, StoredValue prev, long revision, boolean deleted) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            lastRevision = revision;
            ObjectNode old = prev == null ? null : req.resource().decode(prev);
            boolean oldMatch = old != null && req.filter().test(old);
            if (deleted) {
                if (oldMatch) {
                    Json.with(old, "metadata").put("resourceVersion", Long.toString(revision));
                    send("DELETED", old);
                }
                return;
            }
            ObjectNode obj = req.resource().decode(value);
            boolean newMatch = req.filter().test(obj);
            if (newMatch && oldMatch) {
                send("MODIFIED", obj);
            } else if (newMatch) {
                send("ADDED", obj);
            } else if (oldMatch) {
                send("DELETED", obj);
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
