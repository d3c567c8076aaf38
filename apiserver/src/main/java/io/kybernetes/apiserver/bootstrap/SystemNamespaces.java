package io.kybernetes.apiserver.bootstrap;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.registry.Resource;
import io.kybernetes.apiserver.status.ApiException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/** Creates the namespaces every cluster has (default, kube-system, kube-public, kube-node-lease) when missing. */
@ApplicationScoped
public class SystemNamespaces {

    private static final Logger LOG = Logger.getLogger(SystemNamespaces.class);
    static final List<String> NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final GenericStore store;
    private final Registry registry;
    private final Vertx vertx;
    private volatile boolean done;

    public SystemNamespaces(GenericStore store, Registry registry, Vertx vertx) {
        this.store = store;
        this.registry = registry;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent e) {
        ensure(0);
    }

    public boolean done() {
        return done;
    }

    private void ensure(int attempt) {
        Resource ns = registry.resource("", "v1", "namespaces").orElseThrow();
        CompletableFuture<?>[] all = NAMESPACES.stream().map(name -> {
            ObjectNode obj = Json.object();
            obj.put("apiVersion", "v1");
            obj.put("kind", "Namespace");
            obj.putObject("metadata").put("name", name);
            return store.create(ns, null, obj, false).handle((o, t) -> {
                if (t != null && !isAlreadyExists(t)) {
                    throw new IllegalStateException(t);
                }
                if (t == null) {
                    LOG.infof("created namespace %s", name);
                }
                return null;
            });
        }).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(all).whenComplete((v, t) -> {
            if (t == null) {
                done = true;
                return;
            }
            if (attempt % 10 == 0) {
                LOG.warnf("cannot create the system namespaces yet (is etcd up?): %s", t.getMessage());
            }
            vertx.setTimer(Math.min(5000, 200L * (attempt + 1)), id -> ensure(attempt + 1));
        });
    }

    private static boolean isAlreadyExists(Throwable t) {
        while (t.getCause() != null && !(t instanceof ApiException)) {
            t = t.getCause();
        }
        return t instanceof ApiException a && a.code() == 409;
    }
}
