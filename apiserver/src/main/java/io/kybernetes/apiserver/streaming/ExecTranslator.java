package io.kybernetes.apiserver.streaming;

import java.util.HashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.NetSocket;

/**
 * Serves an exec or attach WebSocket of {@code v5.channel.k8s.io} (what kubectl 1.30+ asks for first) by speaking
 * the SPDY protocol {@code v4.channel.k8s.io} to the kubelet, as upstream's apiserver translates these streams for
 * runtimes that only know SPDY: channel n of the WebSocket is the SPDY stream whose {@code streamtype} header names
 * it, and v5's close signal for stdin becomes a FIN on the stdin stream (so {@code exec -i} and {@code cp} end the
 * remote input). The error stream's Status (exit code) goes back on channel 3; when the kubelet closes the
 * connection the WebSocket closes normally.
 */
final class ExecTranslator implements SpdySession.Listener {

    private static final Logger LOG = Logger.getLogger(ExecTranslator.class);

    /** The streams the request asked for (query flags), as upstream derives them: no stderr with a tty. */
    record Streams(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        boolean has(int channel) {
            return switch (channel) {
                case ChannelProtocol.STDIN -> stdin;
                case ChannelProtocol.STDOUT -> stdout;
                case ChannelProtocol.STDERR -> stderr && !tty;
                case ChannelProtocol.ERROR -> true;
                case ChannelProtocol.RESIZE -> tty;
                default -> false;
            };
        }
    }

    /** The client's side: a WebSocket in Vert.x, anything that takes channel messages in tests. */
    interface Client {
        void send(Buffer message);

        void close();

        boolean writeQueueFull();

        void onDrain(Runnable r);
    }

    /** The kubelet's side: the upgraded connection. */
    interface Backend {
        void write(Buffer bytes);

        void close();

        void pause();

        void resume();
    }

    private final Client client;
    private final Backend backend;
    private final SpdySession session;
    private final Map<Integer, Integer> channelOfStream = new HashMap<>();
    private final Map<Integer, Integer> streamOfChannel = new HashMap<>();
    private boolean stdinClosed;
    private boolean done;

    ExecTranslator(Client client, Backend backend, Streams streams) {
        this.client = client;
        this.backend = backend;
        this.session = new SpdySession(backend::write, this);
        // the order client-go opens them in: error first, then stdin, stdout, stderr, resize
        for (int ch : new int[] {ChannelProtocol.ERROR, ChannelProtocol.STDIN, ChannelProtocol.STDOUT,
                ChannelProtocol.STDERR, ChannelProtocol.RESIZE}) {
            if (streams.has(ch)) {
                int id = session.open(Map.of("streamtype", ChannelProtocol.streamType(ch)), false);
                channelOfStream.put(id, ch);
                streamOfChannel.put(ch, id);
            }
        }
    }

    /** Bytes from the kubelet. */
    void fromBackend(Buffer bytes) {
        session.receive(bytes);
    }

    /** A binary message from the client. */
    void fromClient(Buffer message) {
        ChannelProtocol.Message m = ChannelProtocol.parse(message);
        if (m == null || done) {
            return;
        }
        if (m.channel() == ChannelProtocol.CLOSE) {
            int closed = m.closedChannel();
            Integer id = streamOfChannel.get(closed);
            if (closed == ChannelProtocol.STDIN && id != null && !stdinClosed) {
                stdinClosed = true;
                session.write(id, Buffer.buffer(), true);
            }
            return;
        }
        Integer id = streamOfChannel.get(m.channel());
        if (id == null || (m.channel() != ChannelProtocol.STDIN && m.channel() != ChannelProtocol.RESIZE)) {
            LOG.debugf("dropped %d bytes for channel %d", m.data().length(), m.channel());
            return;
        }
        if (m.channel() == ChannelProtocol.STDIN && stdinClosed) {
            return;
        }
        if (m.data().length() > 0) {
            session.write(id, m.data(), false);
        }
    }

    @Override
    public void data(int streamId, Buffer data) {
        Integer ch = channelOfStream.get(streamId);
        if (ch == null || done) {
            return;
        }
        client.send(ChannelProtocol.frame(ch, data));
        if (client.writeQueueFull()) {
            backend.pause();
            client.onDrain(backend::resume);
        }
    }

    @Override
    public void closed(int streamId) {
        LOG.tracef("stream %d closed by the kubelet", streamId);
    }

    @Override
    public void ended(String why) {
        LOG.debugf("SPDY session ended: %s", why);
        backend.close();
    }

    /** The kubelet's connection closed: the session is over, and so is the WebSocket. */
    void backendClosed() {
        if (!done) {
            done = true;
            client.close();
        }
    }

    /** The client went away: drop the kubelet's connection (the runtime ends the session). */
    void clientClosed() {
        if (!done) {
            done = true;
            session.close();
            backend.close();
        }
    }

    /** Wires a Vert.x WebSocket and the kubelet's upgraded socket (paused, with bytes read past its 101). */
    static void start(WebSocketBase ws, NetSocket kubelet, Buffer rest, Streams streams) {
        ExecTranslator t = new ExecTranslator(new Client() {
            @Override
            public void send(Buffer message) {
                ws.writeBinaryMessage(message);
            }

            @Override
            public void close() {
                if (!ws.isClosed()) {
                    ws.close((short) 1000);
                }
            }

            @Override
            public boolean writeQueueFull() {
                return ws.writeQueueFull();
            }

            @Override
            public void onDrain(Runnable r) {
                ws.drainHandler(v -> r.run());
            }
        }, new Backend() {
            @Override
            public void write(Buffer bytes) {
                kubelet.write(bytes);
                if (kubelet.writeQueueFull()) {
                    ws.pause();
                    kubelet.drainHandler(v -> ws.resume());
                }
            }

            @Override
            public void close() {
                kubelet.close();
            }

            @Override
            public void pause() {
                kubelet.pause();
            }

            @Override
            public void resume() {
                kubelet.resume();
            }
        }, streams);
        kubelet.handler(t::fromBackend);
        // the end comes after every byte the socket still held (paused by back-pressure); its close would come before
        kubelet.endHandler(v -> t.backendClosed());
        kubelet.exceptionHandler(e -> kubelet.close());
        ws.binaryMessageHandler(t::fromClient);
        ws.closeHandler(v -> t.clientClosed());
        ws.exceptionHandler(e -> ws.close());
        if (rest.length() > 0) {
            t.fromBackend(rest);
        }
        kubelet.resume();
    }
}
