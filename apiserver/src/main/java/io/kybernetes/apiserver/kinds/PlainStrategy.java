package io.kybernetes.apiserver.kinds;

import jakarta.enterprise.context.ApplicationScoped;

import io.kybernetes.apiserver.registry.Strategy;

/** A kind with no rules of its own (the defaults of {@link Strategy}). */
@ApplicationScoped
public class PlainStrategy implements Strategy {
}
