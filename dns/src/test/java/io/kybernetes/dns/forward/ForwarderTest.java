package io.kybernetes.dns.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

class ForwarderTest {

    /** An upstream that answers from a function and counts the questions it got. */
    static final class FakeResolver implements Resolver {
        final AtomicInteger asked = new AtomicInteger();
        volatile int rcode = Rcode.NOERROR;
        volatile long ttl = 60;
        volatile boolean truncated;
        volatile boolean fail;

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            asked.incrementAndGet();
            if (fail) {
                return CompletableFuture.failedFuture(new java.net.SocketTimeoutException("timed out"));
            }
            Message r = new Message(query.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.addRecord(query.getQuestion(), Section.QUESTION);
            r.getHeader().setRcode(rcode);
            if (truncated) {
                r.getHeader().setFlag(Flags.TC);
            }
            try {
                if (rcode == Rcode.NOERROR) {
                    r.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, ttl,
                            InetAddress.getByName("192.0.2.1")), Section.ANSWER);
                } else {
                    r.addRecord(new SOARecord(Name.fromString("example."), DClass.IN, 3600,
                            Name.fromString("ns.example."), Name.fromString("h.example."), 1, 1, 1, 1, 20),
                            Section.AUTHORITY);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return CompletableFuture.completedFuture(r);
        }

        @Override
        public void setPort(int port) {
        }

        @Override
        public void setTCP(boolean flag) {
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        }

        @Override
        public void setTSIGKey(TSIG key) {
        }

        @Override
        public void setTimeout(Duration timeout) {
        }
    }

    final FakeResolver upstream = new FakeResolver();
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final Forwarder forwarder = new Forwarder(List.of(), upstream, 100, 30, now::get);

    Message ask(String name) throws Exception {
        return forwarder.forward(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)))
                .toCompletableFuture().get();
    }

    static void advance(AtomicLong clock, long seconds) {
        clock.addAndGet(seconds * 1_000_000_000L);
    }

    @Test
    void cachesForTheTtlAndCountsItDown() throws Exception {
        assertEquals(60, ask("a.example.").getSection(Section.ANSWER).get(0).getTTL(), "a fresh answer keeps the upstream TTL");
        advance(now, 10);
        Message hit = ask("A.example.");
        assertEquals(1, upstream.asked.get(), "the second question is a cache hit (names are case-insensitive)");
        assertEquals(50, hit.getSection(Section.ANSWER).get(0).getTTL(), "TTL counted down by the 10 s in the cache");
        advance(now, 21);
        ask("a.example.");
        assertEquals(2, upstream.asked.get(), "expired after at most --cache max TTL (30 s)");
    }

    static Stream<Arguments> cacheTimes() {
        return Stream.of(
                Arguments.of("short TTL", Rcode.NOERROR, 5L, false, 5L),
                Arguments.of("long TTL capped", Rcode.NOERROR, 600L, false, 30L),
                Arguments.of("NXDOMAIN: SOA minimum", Rcode.NXDOMAIN, 0L, false, 20L),
                Arguments.of("SERVFAIL: not cached", Rcode.SERVFAIL, 0L, false, 0L),
                Arguments.of("truncated: not cached", Rcode.NOERROR, 60L, true, 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cacheTimes")
    void cacheTime(String name, int rcode, long ttl, boolean truncated, long want) throws Exception {
        upstream.rcode = rcode;
        upstream.ttl = ttl;
        upstream.truncated = truncated;
        ask("x.example.");
        advance(now, Math.max(0, want - 1));
        ask("x.example.");
        assertEquals(want > 1 ? 1 : 2, upstream.asked.get(), "still cached just before " + want + " s");
        advance(now, 2);
        ask("x.example.");
        assertEquals(want > 1 ? 2 : 3, upstream.asked.get(), "gone after " + want + " s");
    }

    @Test
    void failuresPropagateAndAreNotCached() throws Exception {
        upstream.fail = true;
        assertThrows(ExecutionException.class, () -> ask("down.example."));
        upstream.fail = false;
        assertEquals(Rcode.NOERROR, ask("down.example.").getRcode());
        assertEquals(2, upstream.asked.get());
    }

    @Test
    void noUpstreamIsAFailureNotAHang() {
        Forwarder none = new Forwarder(List.of(), Duration.ofSeconds(1), 10, 30);
        assertThrows(ExecutionException.class, () -> none.forward(Message.newQuery(Record.newRecord(
                Name.fromString("a.example."), Type.A, DClass.IN))).toCompletableFuture().get());
    }
}
