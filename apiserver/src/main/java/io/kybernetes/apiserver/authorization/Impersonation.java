package io.kybernetes.apiserver.authorization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kybernetes.apiserver.authentication.ServiceAccountTokens;
import io.kybernetes.apiserver.authentication.UserInfo;
import io.vertx.core.MultiMap;

/**
 * Upstream's impersonation headers ({@code kubectl --as}, {@code --as-group}, {@code --as-uid}):
 * {@code Impersonate-User}, {@code Impersonate-Group} (repeated), {@code Impersonate-Uid} and
 * {@code Impersonate-Extra-<key>}. The requester needs the verb {@code impersonate} on users (or serviceaccounts for
 * {@code system:serviceaccount:<ns>:<name>}), groups, uids and userextras/&lt;key&gt;; the request then runs as the
 * impersonated user, in system:authenticated (system:unauthenticated for system:anonymous) and, for a service
 * account, in its service account groups.
 */
public record Impersonation(UserInfo user, List<Attributes> checks) {

    /** Null when the request impersonates nobody; IllegalArgumentException for groups or extra without a user. */
    public static Impersonation of(UserInfo requester, MultiMap headers) {
        String name = headers.get("Impersonate-User");
        List<String> groups = headers.getAll("Impersonate-Group");
        String uid = headers.get("Impersonate-Uid");
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (var e : headers.entries()) {
            if (e.getKey().regionMatches(true, 0, "Impersonate-Extra-", 0, 18)) {
                extra.computeIfAbsent(decode(e.getKey().substring(18)).toLowerCase(java.util.Locale.ROOT),
                        k -> new ArrayList<>()).add(e.getValue());
            }
        }
        if (name == null || name.isEmpty()) {
            if (!groups.isEmpty() || uid != null || !extra.isEmpty()) {
                throw new IllegalArgumentException("requested impersonation of groups, uid or extra without a user: "
                        + "Impersonate-User is required");
            }
            return null;
        }
        List<Attributes> checks = new ArrayList<>();
        List<String> g = new ArrayList<>();
        if (name.startsWith(ServiceAccountTokens.PREFIX) && name.split(":").length == 4) {
            String[] p = name.split(":");
            checks.add(Attributes.resource(requester, "impersonate", p[2], "", "serviceaccounts", "", p[3]));
            if (groups.isEmpty()) {
                g.add("system:serviceaccounts");
                g.add("system:serviceaccounts:" + p[2]);
            }
        } else {
            checks.add(Attributes.resource(requester, "impersonate", "", "", "users", "", name));
        }
        for (String group : groups) {
            checks.add(Attributes.resource(requester, "impersonate", "", "", "groups", "", group));
            g.add(group);
        }
        if (uid != null) {
            checks.add(Attributes.resource(requester, "impersonate", "", "authentication.k8s.io", "uids", "", uid));
        }
        for (var e : extra.entrySet()) {
            for (String v : e.getValue()) {
                checks.add(Attributes.resource(requester, "impersonate", "", "authentication.k8s.io", "userextras",
                        e.getKey(), v));
            }
        }
        if (name.equals(UserInfo.ANONYMOUS)) {
            if (!g.contains(UserInfo.UNAUTHENTICATED)) {
                g.add(UserInfo.UNAUTHENTICATED);
            }
        } else if (!g.contains(UserInfo.AUTHENTICATED)) {
            g.add(UserInfo.AUTHENTICATED);
        }
        return new Impersonation(new UserInfo(name, uid, g, extra), checks);
    }

    private static String decode(String key) {
        return java.net.URLDecoder.decode(key, java.nio.charset.StandardCharsets.UTF_8);
    }
}
