package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;
import io.kybernetes.apiserver.table.Age;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests: request, signerName and usages required, the requesting user
 * set by the server from the authenticated user, status and approval subresources, kubectl's
 * SIGNERNAME/REQUESTOR/CONDITION columns.
 */
public class CertificateSigningRequestStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        ObjectNode spec = Json.with(obj, "spec");
        // the requester, as the server authenticated it (anonymous while authentication is off)
        var user = io.kybernetes.apiserver.admission.RequestScope.current().user();
        spec.put("username", user.name());
        var groups = spec.putArray("groups");
        user.groups().forEach(groups::add);
        if (user.uid() == null || user.uid().isEmpty()) {
            spec.remove("uid");
        } else {
            spec.put("uid", user.uid());
        }
        spec.remove("extra");
        if (user.extra() != null && !user.extra().isEmpty()) {
            ObjectNode extra = spec.putObject("extra");
            user.extra().forEach((k, v) -> v.forEach(extra.withArray(k)::add));
        }
    }

    @Override
    public List<Cause> validate(ObjectNode obj) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        if (spec.path("request").asText("").isEmpty()) {
            causes.add(Cause.required("spec.request"));
        }
        if (spec.path("signerName").asText("").isEmpty()) {
            causes.add(Cause.required("spec.signerName"));
        }
        if (spec.path("usages").isEmpty()) {
            causes.add(Cause.required("spec.usages"));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<Cause> causes = validate(obj);
        if (!obj.path("spec").equals(old.path("spec"))) {
            causes.add(Cause.invalid("spec", "", "field is immutable"));
        }
        return causes;
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.age(),
                Column.of("SignerName", "string", "Only one signer is supported at the moment."),
                Column.of("Requestor", "string", "Name of the user requesting the certificate."),
                Column.of("RequestedDuration", "string", "Requested duration of the certificate"),
                Column.of("Condition", "string", "Current status of the certificate"));
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        List<String> conditions = new ArrayList<>();
        for (JsonNode c : obj.path("status").path("conditions")) {
            conditions.add(c.path("type").asText());
        }
        if (conditions.isEmpty()) {
            conditions.add("Pending");
        }
        if (obj.path("status").has("certificate")) {
            conditions.add("Issued");
        }
        JsonNode seconds = obj.path("spec").get("expirationSeconds");
        String duration = seconds == null || seconds.isNull() ? "<none>"
                : Age.human(java.time.Duration.ofSeconds(seconds.asLong()));
        return List.of(Json.str(obj, "metadata.name"), Age.since(Json.str(obj, "metadata.creationTimestamp")),
                Json.str(obj, "spec.signerName"), Json.str(obj, "spec.username"), duration,
                String.join(",", conditions));
    }
}
