package io.kybernetes.apiserver.admission.resourcequota;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.StoredValue;
import io.quarkus.runtime.StartupEvent;

/**
 * The part of upstream's resource quota controller this apiserver does itself: every {@value #PERIOD_SECONDS} s
 * (and at start) each quota's status.hard and status.used are measured from the stored objects and written when
 * they differ (compare-and-swap; a quota the admission changed meanwhile waits for the next round), so usage that
 * deletions freed comes back and {@code kubectl describe quota} is right.
 */
@ApplicationScoped
public class QuotaRecalculator {

    private static final Logger LOG = Logger.getLogger(QuotaRecalculator.class);
    static final int PERIOD_SECONDS = 10;

    private final QuotaUsage quotas;
    private ScheduledExecutorService timer;

    public QuotaRecalculator(QuotaUsage quotas) {
        this.quotas = quotas;
    }

    void start(@Observes StartupEvent ev) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resourcequota-recalculator");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::recalculate, 1, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void recalculate() {
        try {
            for (StoredValue sv : quotas.quotas(null).get(PERIOD_SECONDS, TimeUnit.SECONDS)) {
                ObjectNode quota = GenericStore.decode(sv);
                Set<String> hard = new HashSet<>();
                quota.path("spec").path("hard").fieldNames().forEachRemaining(hard::add);
                String ns = quota.path("metadata").path("namespace").asText();
                quotas.usage(ns, hard).thenCompose(used -> quotas.writeStatus(sv, used))
                        .get(PERIOD_SECONDS, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debugf("resource quota recalculation failed: %s", e.toString());
        }
    }
}
