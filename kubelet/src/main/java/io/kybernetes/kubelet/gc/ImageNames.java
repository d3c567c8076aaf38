package io.kybernetes.kubelet.gc;

/**
 * Image references in their fully qualified form, as the Docker reference grammar completes them:
 * {@code pause:3.9} and {@code library/pause:3.9} are {@code docker.io/library/pause:3.9}, and a reference without a
 * tag or digest has the tag {@code latest}.
 */
public final class ImageNames {

    private ImageNames() {
    }

    public static String normalize(String ref) {
        if (ref == null || ref.isEmpty() || ref.startsWith("sha256:")) {
            return ref;
        }
        String name = ref;
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        boolean hasRegistry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (!hasRegistry) {
            name = "docker.io/" + (slash < 0 ? "library/" : "") + name;
        } else if (first.equals("docker.io") && name.indexOf('/', slash + 1) < 0) {
            name = "docker.io/library/" + name.substring(slash + 1);
        }
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (!last.contains(":") && !last.contains("@")) {
            name = name + ":latest";
        }
        return name;
    }
}
