package io.kybernetes.apiserver.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;

/** The v5 WebSocket to SPDY translation against a SPDY server made of Netty's codec (the kubelet's side). */
class ExecTranslatorTest {

    /** The server's end of the connection: decodes what the translator sends, encodes what it answers. */
    private final EmbeddedChannel server = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final List<Buffer> toClient = new ArrayList<>();
    private final List<Object> serverGot = new ArrayList<>();
    private boolean clientClosed;
    private boolean backendClosed;

    @AfterEach
    void release() {
        serverGot.forEach(ReferenceCountUtil::release);
        server.finishAndReleaseAll();
    }

    private ExecTranslator translator(ExecTranslator.Streams streams) {
        return new ExecTranslator(new ExecTranslator.Client() {
            @Override
            public void send(Buffer message) {
                toClient.add(message);
            }

            @Override
            public void close() {
                clientClosed = true;
            }

            @Override
            public boolean writeQueueFull() {
                return false;
            }

            @Override
            public void onDrain(Runnable r) {
            }
        }, new ExecTranslator.Backend() {
            @Override
            public void write(Buffer bytes) {
                server.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
                Object f;
                while ((f = server.readInbound()) != null) {
                    serverGot.add(f);
                }
            }

            @Override
            public void close() {
                backendClosed = true;
            }

            @Override
            public void pause() {
            }

            @Override
            public void resume() {
            }
        }, streams);
    }

    /** Frames written by the server, as the bytes the translator receives. */
    private Buffer serverSends(Object... frames) {
        for (Object f : frames) {
            server.writeOutbound(f);
        }
        Buffer out = Buffer.buffer();
        Object b;
        while ((b = server.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) b;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.appendBytes(bytes);
        }
        return out;
    }

    private List<String> openedStreamTypes() {
        List<String> types = new ArrayList<>();
        for (Object f : serverGot) {
            if (f instanceof SpdySynStreamFrame syn) {
                types.add(syn.streamId() + ":" + syn.headers().getAsString("streamtype"));
            }
        }
        return types;
    }

    @ParameterizedTest(name = "stdin={0} stdout={1} stderr={2} tty={3}")
    @CsvSource(delimiter = '|', value = {
        "false | true  | true  | false | 1:error,3:stdout,5:stderr",
        "true  | true  | true  | false | 1:error,3:stdin,5:stdout,7:stderr",
        "true  | true  | true  | true  | 1:error,3:stdin,5:stdout,7:resize",
        "true  | true  | false | true  | 1:error,3:stdin,5:stdout,7:resize",
        "false | false | true  | false | 1:error,3:stderr",
    })
    void opensTheStreamsUpstreamExpects(boolean stdin, boolean stdout, boolean stderr, boolean tty, String expected) {
        translator(new ExecTranslator.Streams(stdin, stdout, stderr, tty));
        assertEquals(List.of(expected.split(",")), openedStreamTypes());
    }

    @Test
    void carriesChannelsBothWaysAndClosesStdinOnTheV5Signal() {
        ExecTranslator t = translator(new ExecTranslator.Streams(true, true, true, false));
        // ids: error 1, stdin 3, stdout 5, stderr 7
        t.fromClient(Buffer.buffer().appendByte((byte) 0).appendString("echo hi\n"));
        t.fromClient(Buffer.buffer().appendByte((byte) 255).appendByte((byte) 0));
        List<SpdyDataFrame> data = serverGot.stream().filter(f -> f instanceof SpdyDataFrame)
                .map(f -> (SpdyDataFrame) f).toList();
        assertEquals(2, data.size());
        assertEquals(3, data.get(0).streamId());
        assertEquals("echo hi\n", data.get(0).content().toString(StandardCharsets.UTF_8));
        assertFalse(data.get(0).isLast());
        assertEquals(3, data.get(1).streamId());
        assertTrue(data.get(1).isLast(), "the close signal half-closes stdin");

        t.fromBackend(serverSends(new DefaultSpdySynReplyFrame(1), new DefaultSpdySynReplyFrame(5),
                new DefaultSpdyDataFrame(5, Unpooled.copiedBuffer("hi\n", StandardCharsets.UTF_8)),
                new DefaultSpdyDataFrame(7, Unpooled.copiedBuffer("oops", StandardCharsets.UTF_8)),
                new DefaultSpdyDataFrame(1, Unpooled.copiedBuffer("{\"status\":\"Success\"}", StandardCharsets.UTF_8))));
        assertEquals(List.of("1hi\n", "2oops", "3{\"status\":\"Success\"}"),
                toClient.stream().map(b -> b.getUnsignedByte(0) + b.getString(1, b.length())).toList());

        t.backendClosed();
        assertTrue(clientClosed);
    }

    @Test
    void resizeGoesToTheResizeStreamAndUnknownChannelsAreDropped() {
        ExecTranslator t = translator(new ExecTranslator.Streams(true, true, false, true));
        // ids: error 1, stdin 3, stdout 5, resize 7
        t.fromClient(Buffer.buffer().appendByte((byte) 4).appendString("{\"Width\":80,\"Height\":24}"));
        t.fromClient(Buffer.buffer().appendByte((byte) 2).appendString("not for the server"));
        t.fromClient(Buffer.buffer());
        List<SpdyDataFrame> data = serverGot.stream().filter(f -> f instanceof SpdyDataFrame)
                .map(f -> (SpdyDataFrame) f).toList();
        assertEquals(1, data.size());
        assertEquals(7, data.get(0).streamId());
        assertEquals("{\"Width\":80,\"Height\":24}", data.get(0).content().toString(StandardCharsets.UTF_8));
    }

    @Test
    void clientGoingAwayDropsTheKubeletConnection() {
        ExecTranslator t = translator(new ExecTranslator.Streams(false, true, true, false));
        t.clientClosed();
        assertTrue(backendClosed);
        t.fromClient(Buffer.buffer().appendByte((byte) 0).appendString("late"));
        assertEquals(0, serverGot.stream().filter(f -> f instanceof SpdyDataFrame).count());
    }

    /**
     * On real sockets: a kubelet that writes a large stdout and closes at once, a client that reads late. Every byte
     * reaches the client before the WebSocket closes (kubectl cp of a large file out of a pod).
     */
    @Test
    void everyByteTheKubeletSentArrivesBeforeTheClose() throws Exception {
        byte[] data = new byte[768 * 1024];
        new java.util.Random(3).nextBytes(data);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            var kubelet = vertx.createNetServer().connectHandler(s -> {
                EmbeddedChannel enc = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
                for (int off = 0; off < data.length; off += 32 * 1024) {
                    enc.writeOutbound(new DefaultSpdyDataFrame(3, Unpooled.wrappedBuffer(data, off, 32 * 1024)));
                }
                Buffer out = Buffer.buffer();
                ByteBuf b;
                while ((b = enc.readOutbound()) != null) {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    b.release();
                    out.appendBytes(bytes);
                }
                enc.finishAndReleaseAll();
                // answers once the streams were opened (a close with their frames still unread would be a reset)
                s.handler(opened -> {
                    s.handler(null);
                    s.write(out).onComplete(v -> s.close());
                });
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            var apiserver = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSendBufferSize(8 * 1024))
                    .requestHandler(req -> {
                        // as PodStreamRoutes does: dial the kubelet first, then accept the client's upgrade
                        req.pause();
                        vertx.createNetClient().connect(kubelet.actualPort(), "127.0.0.1").onSuccess(k -> {
                            k.pause();
                            req.toWebSocket().onSuccess(ws -> ExecTranslator.start(ws, k, Buffer.buffer(),
                                    new ExecTranslator.Streams(false, true, false, false)));
                        });
                    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
            java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
            java.net.http.WebSocket ws = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build().newWebSocketBuilder()
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + apiserver.actualPort() + "/"),
                            new java.net.http.WebSocket.Listener() {
                                private boolean first = true;

                                @Override
                                public void onOpen(java.net.http.WebSocket w) {
                                    // no demand until the kubelet has written everything and closed
                                }

                                @Override
                                public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket w,
                                        java.nio.ByteBuffer message, boolean last) {
                                    if (first) {
                                        assertEquals(ChannelProtocol.STDOUT, message.get());
                                    }
                                    byte[] bytes = new byte[message.remaining()];
                                    message.get(bytes);
                                    synchronized (stdout) {
                                        stdout.writeBytes(bytes);
                                    }
                                    first = last;
                                    return null;
                                }

                                @Override
                                public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code,
                                        String reason) {
                                    closed.complete(code);
                                    return null;
                                }
                            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            Thread.sleep(1500);
            ws.request(Long.MAX_VALUE);
            assertEquals(1000, closed.get(20, java.util.concurrent.TimeUnit.SECONDS));
            synchronized (stdout) {
                assertEquals(data.length, stdout.size());
                org.junit.jupiter.api.Assertions.assertArrayEquals(data, stdout.toByteArray());
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
