package io.kybernetes.apiserver.admission;

import java.util.ArrayList;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

/** Admission requests for the plugin tests. */
public final class Requests {

    private Requests() {
    }

    public static ObjectNode json(String s) {
        try {
            return (ObjectNode) Json.parse(s.replace('\'', '"').getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    public static AdmissionRequest create(String resource, String ns, ObjectNode obj) {
        return new AdmissionRequest("", resource, "", ns, Json.str(obj, "metadata.name"), "", Operation.CREATE, obj,
                null, UserInfo.anonymous(), false, new ArrayList<>());
    }

    public static AdmissionRequest of(String group, String resource, String ns, String name, Operation op,
            ObjectNode obj, ObjectNode old, boolean dryRun) {
        return new AdmissionRequest(group, resource, "", ns, name, "", op, obj, old, UserInfo.anonymous(), dryRun,
                new ArrayList<>());
    }

    /** The refusal a plugin's future failed with, or null when it admitted. */
    public static ApiException refusal(java.util.function.Supplier<java.util.concurrent.CompletableFuture<Void>> f) {
        try {
            f.get().join();
            return null;
        } catch (ApiException e) {
            return e;
        } catch (CompletionException e) {
            if (e.getCause() instanceof ApiException a) {
                return a;
            }
            throw e;
        }
    }
}
