package io.kybernetes.dns.forward;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Forwards questions outside the cluster domain to the upstream resolvers (dnsjava's SimpleResolver: UDP, retried
 * over TCP when the answer is truncated; ExtendedResolver fails over between them) and caches the answers for their
 * TTL, at most {@code maxTtl}, counting the TTLs down on the way out. Negative answers are cached for the SOA
 * minimum; failures and truncated answers are not cached.
 */
public final class Forwarder {

    private record Key(Name name, int type, int dclass) {
    }

    private record Entry(Message response, long storedNanos, long ttlNanos) {
    }

    private final Resolver resolver;
    private final Cache<Key, Entry> cache;
    private final long maxTtlSeconds;
    private final List<InetSocketAddress> upstreams;
    private final LongSupplier nanoTime;

    public Forwarder(List<InetSocketAddress> upstreams, Duration timeout, long cacheSize, long maxTtlSeconds) {
        this(upstreams, resolvers(upstreams, timeout), cacheSize, maxTtlSeconds, System::nanoTime);
    }

    /** With any resolver and clock (tests). */
    Forwarder(List<InetSocketAddress> upstreams, Resolver resolver, long cacheSize, long maxTtlSeconds,
            LongSupplier nanoTime) {
        this.upstreams = List.copyOf(upstreams);
        this.maxTtlSeconds = maxTtlSeconds;
        this.resolver = resolver;
        this.nanoTime = nanoTime;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).ticker(nanoTime::getAsLong).expireAfter(new Expiry<Key, Entry>() {
            @Override
            public long expireAfterCreate(Key key, Entry value, long currentTime) {
                return value.ttlNanos();
            }

            @Override
            public long expireAfterUpdate(Key key, Entry value, long currentTime, long currentDuration) {
                return value.ttlNanos();
            }

            @Override
            public long expireAfterRead(Key key, Entry value, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
    }

    private static Resolver resolvers(List<InetSocketAddress> upstreams, Duration timeout) {
        if (upstreams.isEmpty()) {
            return null;
        }
        Resolver[] rs = new Resolver[upstreams.size()];
        for (int i = 0; i < rs.length; i++) {
            SimpleResolver r = new SimpleResolver(upstreams.get(i));
            r.setTimeout(timeout);
            rs[i] = r;
        }
        ExtendedResolver ext = new ExtendedResolver(rs);
        ext.setLoadBalance(false);
        ext.setRetries(2);
        ext.setTimeout(timeout.multipliedBy(rs.length * 2L));
        return ext;
    }

    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** The upstream's response to {@code query}'s question (the caller sets the message ID). */
    public CompletionStage<Message> forward(Message query) {
        Record q = query.getQuestion();
        Key key = new Key(q.getName(), q.getType(), q.getDClass());
        Entry hit = cache.getIfPresent(key);
        if (hit != null) {
            return CompletableFuture.completedFuture(aged(hit.response(),
                    TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong() - hit.storedNanos())));
        }
        if (resolver == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no upstream resolver configured"));
        }
        Message upstreamQuery = Message.newQuery(q);
        upstreamQuery.getHeader().setFlag(org.xbill.DNS.Flags.RD);
        return resolver.sendAsync(upstreamQuery).thenApply(response -> {
            long ttl = cacheTtl(response);
            if (ttl > 0) {
                cache.put(key, new Entry(response.clone(), nanoTime.getAsLong(), TimeUnit.SECONDS.toNanos(ttl)));
            }
            return response;
        });
    }

    /** A copy of a cached response whose TTLs count down the seconds it has been cached, as a resolver's do. */
    static Message aged(Message cached, long seconds) {
        Message out = cached.clone();
        if (seconds <= 0) {
            return out;
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            for (Record r : List.copyOf(out.getSection(section))) {
                if (r.getType() == Type.OPT) {
                    continue;
                }
                out.removeRecord(r, section);
                out.addRecord(Record.newRecord(r.getName(), r.getType(), r.getDClass(), Math.max(0, r.getTTL() - seconds),
                        r.rdataToWireCanonical()), section);
            }
        }
        return out;
    }

    /** Seconds to cache {@code response}; 0 for failures and truncated answers. */
    long cacheTtl(Message response) {
        int rcode = response.getRcode();
        if (response.getHeader().getFlag(org.xbill.DNS.Flags.TC)) {
            return 0;
        }
        if (rcode == Rcode.NOERROR && !response.getSection(Section.ANSWER).isEmpty()) {
            long min = maxTtlSeconds;
            for (Record r : response.getSection(Section.ANSWER)) {
                min = Math.min(min, r.getTTL());
            }
            return min;
        }
        if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) {
            for (Record r : response.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord soa) {
                    return Math.min(maxTtlSeconds, Math.min(soa.getTTL(), soa.getMinimum()));
                }
            }
            return Math.min(maxTtlSeconds, 5);
        }
        return 0;
    }

    public long cached() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
