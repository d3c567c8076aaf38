package io.kybernetes.apiserver.admission;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.status.ApiException;

/**
 * What an admission plugin sees of one write, as upstream's admission.Attributes: the resource (group, plural,
 * kind), namespace, name, subresource, operation, the new object (mutable for mutating plugins; null on delete), the
 * stored object (update and delete), the requesting user and whether it is a dry run (plugins must then not persist
 * side effects). Warnings added here become the response's {@code Warning} headers.
 */
public record AdmissionRequest(String group, String resource, String kind, String namespace, String name,
        String subresource, Operation operation, ObjectNode object, ObjectNode oldObject, UserInfo user,
        boolean dryRun, List<String> warnings) {

    public AdmissionRequest {
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
        subresource = subresource == null ? "" : subresource;
    }

    /** Whether this is the main resource (no subresource) of the core group's {@code plural}. */
    public boolean isCore(String plural) {
        return group.isEmpty() && resource.equals(plural) && subresource.isEmpty();
    }

    public void warn(String warning) {
        synchronized (warnings) {
            warnings.add(warning);
        }
    }

    /** The group-qualified resource, as upstream prints it ({@code pods}, {@code deployments.apps}). */
    public String qualifiedResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    /**
     * Upstream's admission refusal (NewForbidden): 403 Forbidden, {@code <resource> "<name>" is forbidden: <why>}.
     */
    public ApiException forbidden(String why) {
        String what = name.isEmpty() ? qualifiedResource() + " is forbidden: "
                : qualifiedResource() + " \"" + name + "\" is forbidden: ";
        return new ApiException(403, "Forbidden", what + why, name.isEmpty() ? null : name, group, resource, null,
                null);
    }
}
