package io.kybernetes.proxy.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the rules were last written successfully; {@code /healthz} turns unhealthy when that is older than twice
 * the sync period (or, before the first sync, when the proxy has been up that long without one).
 */
public final class SyncStatus {

    private final Clock clock;
    private final Duration maxAge;
    private final Instant started;
    private volatile Instant lastSuccess;
    private volatile int servicePorts;
    private volatile String lastError = "";

    public SyncStatus(Clock clock, Duration syncPeriod) {
        this.clock = clock;
        this.maxAge = syncPeriod.multipliedBy(2);
        this.started = clock.instant();
    }

    public void succeeded(int servicePorts) {
        this.servicePorts = servicePorts;
        this.lastError = "";
        this.lastSuccess = clock.instant();
    }

    public void failed(String error) {
        this.lastError = error;
    }

    public boolean healthy() {
        Instant ref = lastSuccess != null ? lastSuccess : started;
        return Duration.between(ref, clock.instant()).compareTo(maxAge) <= 0;
    }

    public boolean synced() {
        return lastSuccess != null;
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    public int servicePorts() {
        return servicePorts;
    }

    public String lastError() {
        return lastError;
    }
}
