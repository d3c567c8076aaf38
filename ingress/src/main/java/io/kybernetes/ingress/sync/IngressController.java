package io.kybernetes.ingress.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.ingress.IngressConfig;
import io.kybernetes.ingress.model.ClassFilter;
import io.kybernetes.ingress.model.ClusterView;
import io.kybernetes.ingress.model.ConfigBuilder;
import io.kybernetes.ingress.model.ProxyConfig;
import io.kybernetes.ingress.nginx.Nginx;
import io.kybernetes.ingress.nginx.NginxConfRenderer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The controller loop. Informer events only ask for a sync; the sync runs on one thread after a quiet period
 * ({@code --debounce}), so a burst of events costs one render. A sync builds the {@link ProxyConfig} from the
 * caches, renders nginx.conf, and lets {@link Nginx} test and reload it; then it publishes the Ingresses' status.
 * Level-triggered: every sync starts from the whole cluster view, never from the event.
 */
@ApplicationScoped
public class IngressController {

    private static final Logger LOG = Logger.getLogger(IngressController.class);

    @Inject
    IngressConfig config;

    @Inject
    Instance<KubernetesClient> clients;

    @Inject
    MeterRegistry meters;

    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicInteger lastReloadOk = new AtomicInteger(1);
    private volatile boolean ready;
    private volatile boolean statusDirty;
    private ScheduledExecutorService loop;
    private ClusterCache cache;
    private Nginx nginx;
    private NginxConfRenderer renderer;
    private StatusPublisher status;
    private EventRecorder events;
    private Duration debounce;
    private Set<String> reported = Set.of();
    private Counter successes;
    private Counter failures;
    private Timer reloads;

    void onStart(@Observes StartupEvent ev) {
        if (!config.enabled()) {
            return;
        }
        KubernetesClient client = clients.get();
        debounce = IngressConfig.duration(config.debounce());
        Path dir = Path.of(config.configDir());
        renderer = new NginxConfRenderer(new NginxConfRenderer.Settings(dir, config.httpPort(), config.httpsPort(),
                config.workerProcesses()));
        nginx = new Nginx(Path.of(config.nginxBinary()), dir);
        status = new StatusPublisher(client, config.publishStatusAddress().orElse(null));
        events = new EventRecorder(client, config.podNamespace().orElse(null), config.podName().orElse(null));
        successes = Counter.builder("nginx_ingress_controller_success")
                .description("configuration reloads that nginx accepted").register(meters);
        failures = Counter.builder("nginx_ingress_controller_errors")
                .description("configurations nginx -t refused or reloads that failed").register(meters);
        reloads = Timer.builder("nginx_ingress_controller_reload").description("test and reload of nginx")
                .register(meters);
        meters.gauge("nginx_ingress_controller_config_last_reload_successful", lastReloadOk);

        // nginx serves 404 from the start; the cluster's routes follow once the caches are filled
        nginx.start(renderer.render(ConfigBuilder.build(EMPTY, ClassFilter.of(List.of(), config.ingressClass(),
                config.controllerClass(), false))));
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingress-sync");
            t.setDaemon(true);
            return t;
        });
        cache = new ClusterCache();
        cache.start(client, IngressConfig.duration(config.resyncPeriod()).toMillis(), this::requestSync);
        loop.scheduleWithFixedDelay(this::tick, 10, 10, TimeUnit.SECONDS);
        LOG.infof("serving IngressClass %s (controller %s) on ports %d/%d, status address %s",
                config.ingressClass(), config.controllerClass(), config.httpPort(), config.httpsPort(),
                config.publishStatusAddress().orElse("(none)"));
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (cache != null) {
            cache.stop();
        }
        if (loop != null) {
            loop.shutdownNow();
        }
        if (nginx != null) {
            nginx.stop();
        }
    }

    void requestSync() {
        if (pending.compareAndSet(false, true)) {
            loop.schedule(this::sync, debounce.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            nginx.ensureRunning();
            if (statusDirty || lastReloadOk.get() == 0) {
                requestSync();
            }
        } catch (RuntimeException e) {
            LOG.warnf("health tick: %s", e.toString());
        }
    }

    private void sync() {
        pending.set(false);
        if (!cache.synced()) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            ClassFilter filter = ClassFilter.of(cache.ingressClasses(), config.ingressClass(),
                    config.controllerClass(), config.watchIngressWithoutClass());
            ProxyConfig pc = ConfigBuilder.build(cache, filter);
            report(pc.problems());
            Nginx.Outcome out = nginx.apply(renderer.render(pc), pc.certificates());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (!out.applied()) {
                lastReloadOk.set(0);
                failures.increment();
                LOG.errorf("nginx refused the new configuration; keeping the last good one: %s", out.error());
                events.emit("Warning", "RELOAD", "Error reloading NGINX: " + out.error());
            } else if (out.changed()) {
                lastReloadOk.set(1);
                successes.increment();
                reloads.record(Duration.ofMillis(ms));
                LOG.infof("nginx reloaded in %d ms: %d servers, %d upstreams, %d certificates", ms,
                        pc.servers().size(), pc.upstreams().size(), pc.certificates().size());
            } else {
                lastReloadOk.set(1);
            }
            if (!ready && out.applied()) {
                ready = true;
                LOG.info("routes of the cluster's Ingresses are live");
            }
            List<Ingress> served = cache.ingresses().stream().filter(filter::serves).toList();
            statusDirty = !status.publish(served);
        } catch (RuntimeException e) {
            LOG.errorf(e, "sync failed; retrying");
            statusDirty = true;
        }
    }

    /** Logs each problem once while it lasts, not on every sync. */
    private void report(List<String> problems) {
        Set<String> now = new HashSet<>(problems);
        for (String p : problems) {
            if (!reported.contains(p)) {
                LOG.warn(p);
            }
        }
        reported = now;
    }

    /** Live while nginx runs. */
    public boolean live() {
        return nginx == null || nginx.running();
    }

    /** Ready once the caches are filled and nginx serves the routes built from them. */
    public boolean ready() {
        return ready && nginx != null && nginx.running();
    }

    private static final ClusterView EMPTY = new ClusterView() {
        @Override
        public List<Ingress> ingresses() {
            return List.of();
        }

        @Override
        public List<IngressClass> ingressClasses() {
            return List.of();
        }

        @Override
        public Optional<Service> service(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public List<EndpointSlice> endpointSlices(String namespace, String service) {
            return List.of();
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
        }
    };
}
