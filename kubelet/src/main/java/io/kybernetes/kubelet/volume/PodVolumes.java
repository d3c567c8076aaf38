package io.kybernetes.kubelet.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Prepares the host side of a pod's volumes under {@code <root-dir>/pods/<uid>/volumes}: emptyDir (a directory),
 * hostPath (the node path), configMap and secret (their keys written as files). Other volume types are not
 * supported yet and are reported as such.
 */
public final class PodVolumes {

    /** A volume that cannot be prepared (missing ConfigMap, unsupported type...). */
    public static final class VolumeException extends Exception {
        public VolumeException(String message) {
            super(message, null, false, false);
        }
    }

    private final KubernetesClient client;
    private final Path rootDir;

    public PodVolumes(KubernetesClient client, Path rootDir) {
        this.client = client;
        this.rootDir = rootDir;
    }

    public Path podDir(String uid) {
        return rootDir.resolve("pods").resolve(uid);
    }

    /** Host paths by volume name, created or refreshed. */
    public Map<String, String> prepare(Pod pod) throws VolumeException {
        Map<String, String> paths = new LinkedHashMap<>();
        if (pod.getSpec().getVolumes() == null) {
            return paths;
        }
        Path base = podDir(pod.getMetadata().getUid()).resolve("volumes");
        String ns = pod.getMetadata().getNamespace();
        try {
            for (Volume v : pod.getSpec().getVolumes()) {
                if (v.getEmptyDir() != null) {
                    Path d = base.resolve("kubernetes.io~empty-dir").resolve(v.getName());
                    Files.createDirectories(d);
                    d.toFile().setWritable(true, false);
                    paths.put(v.getName(), d.toString());
                } else if (v.getHostPath() != null) {
                    Path p = Path.of(v.getHostPath().getPath());
                    String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
                    if (type.equals("DirectoryOrCreate")) {
                        Files.createDirectories(p);
                    } else if (type.equals("FileOrCreate") && !Files.exists(p)) {
                        Files.createDirectories(p.getParent());
                        Files.createFile(p);
                    }
                    paths.put(v.getName(), p.toString());
                } else if (v.getConfigMap() != null) {
                    ConfigMap cm = client.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
                    if (cm == null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                        throw new VolumeException("configmap \"" + v.getConfigMap().getName() + "\" not found");
                    }
                    Map<String, byte[]> data = new LinkedHashMap<>();
                    if (cm != null && cm.getData() != null) {
                        cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
                    }
                    if (cm != null && cm.getBinaryData() != null) {
                        cm.getBinaryData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
                    }
                    paths.put(v.getName(), writeFiles(base.resolve("kubernetes.io~configmap").resolve(v.getName()),
                            data, v.getConfigMap().getItems()).toString());
                } else if (v.getSecret() != null) {
                    Secret s = client.secrets().inNamespace(ns).withName(v.getSecret().getSecretName()).get();
                    if (s == null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                        throw new VolumeException("secret \"" + v.getSecret().getSecretName() + "\" not found");
                    }
                    Map<String, byte[]> data = new LinkedHashMap<>();
                    if (s != null && s.getData() != null) {
                        s.getData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
                    }
                    if (s != null && s.getStringData() != null) {
                        s.getStringData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
                    }
                    paths.put(v.getName(), writeFiles(base.resolve("kubernetes.io~secret").resolve(v.getName()),
                            data, v.getSecret().getItems()).toString());
                } else {
                    throw new VolumeException("volume \"" + v.getName() + "\": type not supported by this kubelet");
                }
            }
        } catch (IOException e) {
            throw new VolumeException("cannot prepare volumes: " + e.getMessage());
        }
        return paths;
    }

    private static Path writeFiles(Path dir, Map<String, byte[]> data, java.util.List<KeyToPath> items)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            files.putAll(data);
        } else {
            for (KeyToPath kp : items) {
                if (data.containsKey(kp.getKey())) {
                    files.put(kp.getPath(), data.get(kp.getKey()));
                }
            }
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey()).normalize();
            if (!target.startsWith(dir)) {
                continue; // a key may not escape the volume
            }
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
        }
        return dir;
    }

    /**
     * The host file mounted at a container's terminationMessagePath ({@code <pod dir>/containers/<name>/<attempt>}),
     * created empty and writable by any user the container may run as.
     */
    public String terminationMessageFile(String uid, String container, int attempt) {
        Path f = podDir(uid).resolve("containers").resolve(container).resolve(Integer.toString(attempt));
        try {
            Files.createDirectories(f.getParent());
            if (!Files.exists(f)) {
                Files.createFile(f);
            }
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            return f.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** What the container wrote to its termination message file (at most 4096 bytes), or "" when nothing. */
    public String terminationMessage(String uid, String container, int attempt) {
        Path f = podDir(uid).resolve("containers").resolve(container).resolve(Integer.toString(attempt));
        try (var in = Files.newInputStream(f)) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes the pod's volume directories (never hostPath targets, which live elsewhere). */
    public void cleanup(String uid) {
        Path dir = podDir(uid);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort; housekeeping runs again
        }
    }
}
