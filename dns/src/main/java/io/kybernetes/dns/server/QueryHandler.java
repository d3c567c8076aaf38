package io.kybernetes.dns.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import io.kybernetes.dns.forward.Forwarder;
import io.kybernetes.dns.zone.ClusterState;
import io.kybernetes.dns.zone.ClusterZone;
import io.kybernetes.dns.zone.ZoneAnswer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One DNS message in, one out (wire format): the cluster zone answers its names from the current snapshot, the
 * forwarder everything else. UDP answers are truncated (TC) to 512 bytes or the client's EDNS payload size, so the
 * client retries over TCP. Never throws: bad messages get FORMERR, unsupported opcodes NOTIMP, upstream failures
 * SERVFAIL.
 */
public final class QueryHandler {

    private static final Logger LOG = Logger.getLogger(QueryHandler.class);

    /** The EDNS payload size we advertise (the DNS flag day 2020 value). */
    static final int EDNS_PAYLOAD = 1232;
    static final int TCP_MAX = 65535;

    private final ClusterZone zone;
    private final Supplier<ClusterState> state;
    private final Forwarder forwarder;
    private final MeterRegistry registry;
    private final Timer duration;
    private final Counter forwarded;

    public QueryHandler(ClusterZone zone, Supplier<ClusterState> state, Forwarder forwarder, MeterRegistry registry) {
        this.zone = zone;
        this.state = state;
        this.forwarder = forwarder;
        this.registry = registry;
        this.duration = Timer.builder("coredns.dns.request.duration").description("time to answer a DNS request")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.forwarded = Counter.builder("coredns.forward.requests")
                .description("questions forwarded to the upstream resolvers (cache misses and hits)").register(registry);
    }

    /** The wire-format response to {@code wire}, or null to drop it (not even a header to answer). */
    public CompletionStage<byte[]> handle(byte[] wire, boolean tcp) {
        long start = System.nanoTime();
        Message query;
        try {
            query = new Message(wire);
        } catch (java.io.IOException e) {
            if (wire.length < Header.LENGTH) {
                return CompletableFuture.completedFuture(null);
            }
            Message formerr = new Message(((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
            formerr.getHeader().setFlag(Flags.QR);
            formerr.getHeader().setRcode(Rcode.FORMERR);
            return CompletableFuture.completedFuture(finish(formerr, null, tcp, start));
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return CompletableFuture.completedFuture(null); // a response: never answer it (loops)
        }
        Record question = query.getQuestion();
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            return CompletableFuture.completedFuture(finish(reply(query, Rcode.NOTIMP, false), query, tcp, start));
        }
        if (question == null) {
            return CompletableFuture.completedFuture(finish(reply(query, Rcode.FORMERR, false), query, tcp, start));
        }
        registry.counter("coredns.dns.requests", "proto", tcp ? "tcp" : "udp", "type", typeTag(question.getType()))
                .increment();
        ZoneAnswer answer = question.getDClass() == DClass.IN || question.getDClass() == DClass.ANY
                ? zone.answer(state.get(), question.getName(), question.getType())
                : null;
        if (answer != null) {
            Message response = reply(query, answer.rcode(), true);
            answer.answers().forEach(r -> response.addRecord(r, Section.ANSWER));
            answer.authority().forEach(r -> response.addRecord(r, Section.AUTHORITY));
            answer.additional().forEach(r -> response.addRecord(r, Section.ADDITIONAL));
            CNAMERecord cname = externalCname(answer, question.getType());
            if (cname == null) {
                return CompletableFuture.completedFuture(finish(response, query, tcp, start));
            }
            return chase(response, cname, question.getType()).thenApply(m -> finish(m, query, tcp, start));
        }
        forwarded.increment();
        return forwarder.forward(query).handle((upstream, err) -> {
            if (err != null) {
                LOG.debugf("forwarding %s %s failed: %s", question.getName(), Type.string(question.getType()),
                        err.getMessage());
                return finish(reply(query, Rcode.SERVFAIL, false), query, tcp, start);
            }
            Message response = upstream.clone();
            response.getHeader().setID(query.getHeader().getID());
            response.removeAllRecords(Section.QUESTION);
            response.addRecord(question, Section.QUESTION);
            for (Record r : List.copyOf(response.getSection(Section.ADDITIONAL))) {
                if (r instanceof OPTRecord) {
                    response.removeRecord(r, Section.ADDITIONAL);
                }
            }
            if (!query.getHeader().getFlag(Flags.RD)) {
                response.getHeader().unsetFlag(Flags.RD);
            }
            return finish(response, query, tcp, start);
        });
    }

    /** An ExternalName answer (a lone CNAME out of the zone) when the client asked for another type. */
    private CNAMERecord externalCname(ZoneAnswer answer, int qtype) {
        if (qtype == Type.CNAME || answer.answers().size() != 1 || !(answer.answers().get(0) instanceof CNAMERecord c)) {
            return null;
        }
        return c;
    }

    /** Appends the records of the CNAME's target, as CoreDNS resolves an ExternalName's target for the client. */
    private CompletionStage<Message> chase(Message response, CNAMERecord cname, int qtype) {
        Record q = Record.newRecord(cname.getTarget(), qtype, DClass.IN);
        ZoneAnswer inZone = zone.answer(state.get(), cname.getTarget(), qtype);
        if (inZone != null) {
            inZone.answers().forEach(r -> response.addRecord(r, Section.ANSWER));
            return CompletableFuture.completedFuture(response);
        }
        forwarded.increment();
        return forwarder.forward(Message.newQuery(q)).handle((upstream, err) -> {
            if (err == null && upstream.getRcode() == Rcode.NOERROR) {
                upstream.getSection(Section.ANSWER).forEach(r -> response.addRecord(r, Section.ANSWER));
            }
            return response;
        });
    }

    private static Message reply(Message query, int rcode, boolean authoritative) {
        Message response = new Message(query.getHeader().getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (authoritative) {
            h.setFlag(Flags.AA);
        }
        h.setOpcode(query.getHeader().getOpcode());
        h.setRcode(rcode);
        if (query.getQuestion() != null) {
            response.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return response;
    }

    private byte[] finish(Message response, Message query, boolean tcp, long start) {
        int max = TCP_MAX;
        OPTRecord opt = query == null ? null : query.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        if (!tcp) {
            max = opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
        }
        byte[] out = response.toWire(max);
        registry.counter("coredns.dns.responses", "rcode", Rcode.string(response.getRcode())).increment();
        duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return out;
    }

    private static final List<Integer> TAGGED_TYPES = List.of(Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.CNAME,
            Type.TXT, Type.SOA, Type.NS, Type.MX, Type.ANY);

    private static String typeTag(int type) {
        return TAGGED_TYPES.contains(type) ? Type.string(type) : "other";
    }
}
