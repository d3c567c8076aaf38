package io.kybernetes.apiserver.authentication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;

/** Who made a request, as upstream's user.Info: name, uid, groups and extra values. */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    public static final String ANONYMOUS = "system:anonymous";
    public static final String UNAUTHENTICATED = "system:unauthenticated";
    public static final String AUTHENTICATED = "system:authenticated";
    public static final String MASTERS = "system:masters";

    public UserInfo {
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public static UserInfo anonymous() {
        return new UserInfo(ANONYMOUS, "", List.of(UNAUTHENTICATED), Map.of());
    }

    /** This user with {@code system:authenticated} added, as every authenticated (non-anonymous) user has it. */
    public UserInfo authenticated() {
        if (groups.contains(AUTHENTICATED)) {
            return this;
        }
        List<String> g = new ArrayList<>(groups);
        g.add(AUTHENTICATED);
        return new UserInfo(name, uid, g, extra);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    /** authentication.k8s.io/v1 UserInfo. */
    public ObjectNode toJson() {
        ObjectNode u = Json.object();
        u.put("username", name);
        if (!uid.isEmpty()) {
            u.put("uid", uid);
        }
        groups.forEach(u.withArray("groups")::add);
        if (!extra.isEmpty()) {
            ObjectNode e = u.putObject("extra");
            extra.forEach((k, v) -> v.forEach(e.withArray(k)::add));
        }
        return u;
    }
}
