package io.kybernetes.dns.forward;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Forwards questions outside the cluster domain to the upstream resolvers (dnsjava's SimpleResolver: UDP, retried
 * over TCP when the answer is truncated; ExtendedResolver fails over between them) and caches the answers for their
 * TTL, at most {@code maxTtl}. Negative answers are cached for the SOA minimum; failures are not cached.
 */
public final class Forwarder {

    private record Key(Name name, int type, int dclass) {
    }

    private record Entry(Message response, long ttlNanos) {
    }

    private final Resolver resolver;
    private final Cache<Key, Entry> cache;
    private final long maxTtlSeconds;
    private final List<InetSocketAddress> upstreams;

    public Forwarder(List<InetSocketAddress> upstreams, Duration timeout, long cacheSize, long maxTtlSeconds) {
        this.upstreams = List.copyOf(upstreams);
        this.maxTtlSeconds = maxTtlSeconds;
        if (upstreams.isEmpty()) {
            resolver = null;
        } else {
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
            resolver = ext;
        }
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).expireAfter(new Expiry<Key, Entry>() {
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

    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** The upstream's response to {@code query}'s question (the caller sets the message ID). */
    public CompletionStage<Message> forward(Message query) {
        Record q = query.getQuestion();
        Key key = new Key(q.getName(), q.getType(), q.getDClass());
        Entry hit = cache.getIfPresent(key);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit.response().clone());
        }
        if (resolver == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no upstream resolver configured"));
        }
        Message upstreamQuery = Message.newQuery(q);
        upstreamQuery.getHeader().setFlag(org.xbill.DNS.Flags.RD);
        return resolver.sendAsync(upstreamQuery).thenApply(response -> {
            long ttl = cacheTtl(response);
            if (ttl > 0) {
                cache.put(key, new Entry(response.clone(), TimeUnit.SECONDS.toNanos(ttl)));
            }
            return response;
        });
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
