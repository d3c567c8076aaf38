package io.kybernetes.kubelet.server;

import java.util.Locale;

/**
 * What a request to the kubelet's API asks for, as upstream's kubelet describes it to the authorizer: the verb from
 * the HTTP method, resource {@code nodes} named after this node, and a subresource chosen by path: {@code /stats*}
 * stats, {@code /metrics*} metrics, {@code /logs*} log, {@code /spec*} spec, everything else (containerLogs, exec,
 * attach, portForward, run, pods, healthz...) {@code proxy}.
 */
public record RequestAttributes(String verb, String subresource, String node, String path) {

    public static RequestAttributes of(String method, String path, String node) {
        return new RequestAttributes(verb(method), subresource(path), node, path);
    }

    static String verb(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    static String subresource(String path) {
        if (isSubpath(path, "/stats")) {
            return "stats";
        }
        if (isSubpath(path, "/metrics")) {
            return "metrics";
        }
        if (isSubpath(path, "/logs")) {
            return "log";
        }
        if (isSubpath(path, "/spec")) {
            return "spec";
        }
        return "proxy";
    }

    private static boolean isSubpath(String path, String base) {
        return path.equals(base) || path.startsWith(base + "/");
    }

    /** Upstream's 403 text. */
    public String forbidden(String user) {
        return "Forbidden (user=" + user + ", verb=" + verb + ", resource=nodes, subresource=" + subresource + ")";
    }
}
