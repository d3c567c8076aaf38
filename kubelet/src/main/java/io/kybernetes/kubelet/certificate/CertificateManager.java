package io.kybernetes.kubelet.certificate;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.launcher.pki.Issued;

/**
 * Keeps one of the kubelet's certificates current, as upstream's certificate manager: a certificate in the store that
 * is {@code acceptable} is kept until its {@link RotationDeadline} (70-90% of its lifetime, jittered), then a new
 * one is requested with {@code client} and written to the store, and {@code onRotate} runs (the HTTPS server reloads,
 * or nothing: the client's {@link FileKeyManager} notices the file by itself). Failed requests are retried with
 * backoff (2 s doubling up to 5 minutes).
 */
public final class CertificateManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CertificateManager.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final String what;
    private final CertificateStore store;
    private final Supplier<CertificateRequest> request;
    private final Supplier<KubernetesClient> client;
    private final Predicate<X509Certificate> acceptable;
    private final Runnable onRotate;
    private final Duration requestTimeout;
    private final Clock clock;
    private final DoubleSupplier random;
    private final ScheduledExecutorService loop;
    private volatile Instant deadline;
    private int failures;

    public CertificateManager(String what, CertificateStore store, Supplier<CertificateRequest> request,
            Supplier<KubernetesClient> client, Predicate<X509Certificate> acceptable, Runnable onRotate,
            Duration requestTimeout, Clock clock) {
        this(what, store, request, client, acceptable, onRotate, requestTimeout, clock,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    CertificateManager(String what, CertificateStore store, Supplier<CertificateRequest> request,
            Supplier<KubernetesClient> client, Predicate<X509Certificate> acceptable, Runnable onRotate,
            Duration requestTimeout, Clock clock, DoubleSupplier random) {
        this.what = what;
        this.store = store;
        this.request = request;
        this.client = client;
        this.acceptable = acceptable;
        this.onRotate = onRotate;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.random = random;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-cert-" + what);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        loop.execute(this::check);
    }

    /** When the current certificate is to be renewed (null before the first check). */
    public Instant deadline() {
        return deadline;
    }

    /** The certificate in use if acceptable. */
    Optional<Issued> current() {
        return store.current().filter(i -> acceptable.test(i.cert())
                && i.cert().getNotAfter().toInstant().isAfter(clock.instant()));
    }

    /** Renews now when due, else schedules the check at the deadline. */
    void check() {
        Optional<Issued> current = current();
        if (current.isPresent()) {
            Instant d = RotationDeadline.of(current.get().cert(), random);
            deadline = d;
            if (clock.instant().isBefore(d)) {
                LOG.infof("%s certificate valid until %s; rotation deadline %s", what,
                        current.get().cert().getNotAfter().toInstant(), d);
                schedule(Duration.between(clock.instant(), d));
                return;
            }
            LOG.infof("%s certificate reached its rotation deadline %s: requesting a new one", what, d);
        } else {
            LOG.infof("no %s certificate yet: requesting one", what);
        }
        if (renew()) {
            failures = 0;
            loop.execute(this::check);
        } else {
            failures++;
            long backoff = Math.min(MAX_BACKOFF.toMillis(), 2000L << Math.min(failures - 1, 16));
            schedule(Duration.ofMillis(backoff));
        }
    }

    /** One request; true when a new certificate is in the store. */
    boolean renew() {
        try {
            CertificateRequest.Result r = request.get().submit(client.get(), requestTimeout, clock);
            store.update(r.chain(), r.key());
            LOG.infof("%s certificate rotated: %s valid until %s (%s)", what, r.leaf().getSubjectX500Principal(),
                    r.leaf().getNotAfter().toInstant(), store.currentPath());
            onRotate.run();
            return true;
        } catch (CertificateRequestException e) {
            LOG.warnf("%s certificate not renewed: %s", what, e.getMessage());
        } catch (Exception e) {
            LOG.warnf("%s certificate not renewed: %s", what, e.toString());
        }
        return false;
    }

    private void schedule(Duration in) {
        if (!loop.isShutdown()) {
            loop.schedule(this::check, Math.max(0, in.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
