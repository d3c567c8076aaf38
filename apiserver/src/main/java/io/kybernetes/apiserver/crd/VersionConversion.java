package io.kybernetes.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.Conversion;

/** A custom resource version served from its storage version with the "None" strategy: only apiVersion changes. */
record VersionConversion(String storageApiVersion, String servedApiVersion) implements Conversion {

    @Override
    public ObjectNode toStorage(ObjectNode served) {
        served.put("apiVersion", storageApiVersion);
        return served;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        stored.put("apiVersion", servedApiVersion);
        return stored;
    }

    @Override
    public boolean identity() {
        return storageApiVersion.equals(servedApiVersion);
    }
}
