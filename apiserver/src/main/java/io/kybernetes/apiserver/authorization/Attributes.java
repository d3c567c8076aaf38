package io.kybernetes.apiserver.authorization;

import io.kybernetes.apiserver.authentication.UserInfo;
import io.kybernetes.apiserver.rest.RequestInfo;

/**
 * What a request asks to do, as upstream's authorizer attributes: a resource request (verb, API group, namespace,
 * resource, subresource, name) or a non-resource request (verb and path).
 */
public record Attributes(UserInfo user, String verb, boolean resourceRequest, String namespace, String apiGroup,
        String resource, String subresource, String name, String path) {

    public static Attributes resource(UserInfo user, String verb, String namespace, String group, String resource,
            String subresource, String name) {
        return new Attributes(user, verb, true, nz(namespace), nz(group), nz(resource), nz(subresource), nz(name),
                "");
    }

    public static Attributes nonResource(UserInfo user, String verb, String path) {
        return new Attributes(user, verb, false, "", "", "", "", "", path);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /**
     * The attributes of an HTTP request, as upstream's request-info resolver: GET of an item is get, of a
     * collection list, with watch=true or under /watch/ watch; POST create; PUT update; PATCH patch; DELETE of an
     * item delete, of a collection deletecollection. Paths outside /api and /apis, and discovery paths, are
     * non-resource requests with the lower-case method as verb (get for GET and HEAD).
     */
    public static Attributes of(UserInfo user, String method, String path, String watchParam) {
        RequestInfo info = RequestInfo.parse(path);
        String m = method.toUpperCase(java.util.Locale.ROOT);
        if (info == null || info.isDiscovery()) {
            String verb = switch (m) {
                case "GET", "HEAD" -> "get";
                case "POST" -> "post";
                case "PUT" -> "put";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> m.toLowerCase(java.util.Locale.ROOT);
            };
            return nonResource(user, verb, path);
        }
        boolean collection = info.name() == null;
        boolean watch = info.watchPath() || "true".equalsIgnoreCase(watchParam) || "1".equals(watchParam);
        String verb = switch (m) {
            case "GET", "HEAD" -> watch ? "watch" : collection ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> collection ? "deletecollection" : "delete";
            default -> m.toLowerCase(java.util.Locale.ROOT);
        };
        String ns = info.namespace();
        // a namespace is in itself: a binding in namespace x may grant reading namespace x
        if ("namespaces".equals(info.resource()) && info.group().isEmpty() && ns == null && info.name() != null) {
            ns = info.name();
        }
        return resource(user, verb, ns, info.group(), info.resource(), info.subresource(), info.name());
    }

    /** The resource with its subresource, as rules name it ({@code pods/log}). */
    public String resourceWithSubresource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /** Upstream's forbidden message. */
    public String forbiddenMessage() {
        String who = "User \"" + user.name() + "\" cannot ";
        if (!resourceRequest) {
            return "forbidden: " + who + verb + " path \"" + path + "\"";
        }
        String qualified = apiGroup.isEmpty() ? resource : resource + "." + apiGroup;
        String subject = name.isEmpty() ? qualified : qualified + " \"" + name + "\"";
        String scope = namespace.isEmpty() ? " at the cluster scope" : " in the namespace \"" + namespace + "\"";
        return subject + " is forbidden: " + who + verb + " resource \"" + resourceWithSubresource()
                + "\" in API group \"" + apiGroup + "\"" + scope;
    }
}
