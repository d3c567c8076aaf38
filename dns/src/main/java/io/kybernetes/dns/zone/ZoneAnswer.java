package io.kybernetes.dns.zone;

import java.util.List;

import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * The zone's answer to one question: rcode and the three sections. NODATA is NOERROR with no answers;
 * NXDOMAIN and NODATA carry the zone's SOA in the authority section.
 */
public record ZoneAnswer(int rcode, List<Record> answers, List<Record> authority, List<Record> additional) {

    public ZoneAnswer {
        answers = List.copyOf(answers);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
    }

    public static ZoneAnswer of(List<Record> answers, List<Record> additional) {
        return new ZoneAnswer(Rcode.NOERROR, answers, List.of(), additional);
    }

    public boolean isNxdomain() {
        return rcode == Rcode.NXDOMAIN;
    }

    public boolean isNodata() {
        return rcode == Rcode.NOERROR && answers.isEmpty();
    }
}
