package io.kybernetes.kubelet.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.kubelet.env.ContainerConfigException;
import io.kybernetes.kubelet.env.DownwardApi;
import io.kybernetes.kubelet.env.PodFacts;
import io.kybernetes.kubelet.volume.AtomicWriter.FileData;

/**
 * Prepares the host side of a pod's volumes under {@code <root-dir>/pods/<uid>/volumes/<plugin>/<name>}: emptyDir
 * (a directory, or a tmpfs for medium Memory), hostPath, configMap, secret, downwardAPI and projected (written with
 * {@link AtomicWriter}, so calling {@link #prepare} again updates them live; a projected serviceAccountToken is
 * requested bound to the pod and refreshed by {@link ServiceAccountTokens}), and persistentVolumeClaim (the bound
 * PersistentVolume's hostPath or local path). fsGroup becomes the group owner of what the kubelet creates.
 */
public final class PodVolumes {

    private static final Logger LOG = Logger.getLogger(PodVolumes.class);
    static final int DEFAULT_MODE = 0644;

    /** A volume that cannot be prepared (missing ConfigMap, unsupported type...). */
    public static final class VolumeException extends Exception {
        public VolumeException(String message) {
            super(message, null, false, false);
        }
    }

    private final KubernetesClient client;
    private final Path rootDir;
    private final ServiceAccountTokens tokens;
    private volatile PodFacts.NodeResources node = new PodFacts.NodeResources(0, 0);

    public PodVolumes(KubernetesClient client, Path rootDir) {
        this(client, rootDir, new ServiceAccountTokens(client));
    }

    public PodVolumes(KubernetesClient client, Path rootDir, ServiceAccountTokens tokens) {
        this.client = client;
        this.rootDir = rootDir;
        this.tokens = tokens;
    }

    public void setNodeResources(PodFacts.NodeResources node) {
        this.node = node;
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
        Long fsGroup = pod.getSpec().getSecurityContext() == null ? null : pod.getSpec().getSecurityContext().getFsGroup();
        for (Volume v : pod.getSpec().getVolumes()) {
            try {
                paths.put(v.getName(), prepare(pod, v, base, fsGroup));
            } catch (IOException e) {
                throw new VolumeException("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : "
                        + e.getMessage());
            }
        }
        return paths;
    }

    private String prepare(Pod pod, Volume v, Path base, Long fsGroup) throws IOException, VolumeException {
        String ns = pod.getMetadata().getNamespace();
        String fail = "MountVolume.SetUp failed for volume \"" + v.getName() + "\" : ";
        if (v.getEmptyDir() != null) {
            Path d = base.resolve("kubernetes.io~empty-dir").resolve(v.getName());
            Files.createDirectories(d);
            if ("Memory".equals(v.getEmptyDir().getMedium()) && !mounted(d)) {
                Quantity size = v.getEmptyDir().getSizeLimit();
                long bytes = size != null ? Quantity.getAmountInBytes(size).longValue() : node.memoryBytes();
                mountTmpfs(d, bytes);
            }
            Files.setPosixFilePermissions(d, AtomicWriter.permissions(0777));
            if (fsGroup != null) {
                AtomicWriter.chgrp(d, fsGroup);
            }
            return d.toString();
        }
        if (v.getHostPath() != null) {
            Path p = Path.of(v.getHostPath().getPath());
            String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
            switch (type) {
                case "DirectoryOrCreate" -> Files.createDirectories(p);
                case "FileOrCreate" -> {
                    if (!Files.exists(p)) {
                        Files.createDirectories(p.getParent());
                        Files.createFile(p);
                    }
                }
                case "Directory" -> {
                    if (!Files.isDirectory(p)) {
                        throw new VolumeException(fail + "hostPath type check failed: " + p + " is not a directory");
                    }
                }
                case "File" -> {
                    if (!Files.isRegularFile(p)) {
                        throw new VolumeException(fail + "hostPath type check failed: " + p + " is not a file");
                    }
                }
                default -> { }
            }
            return p.toString();
        }
        if (v.getPersistentVolumeClaim() != null) {
            return claimPath(ns, v.getPersistentVolumeClaim().getClaimName(), fail);
        }
        Map<String, FileData> files = new LinkedHashMap<>();
        String plugin;
        if (v.getConfigMap() != null) {
            plugin = "kubernetes.io~configmap";
            var src = v.getConfigMap();
            configMapFiles(ns, src.getName(), src.getItems(), src.getOptional(), mode(src.getDefaultMode()), files, fail);
        } else if (v.getSecret() != null) {
            plugin = "kubernetes.io~secret";
            var src = v.getSecret();
            secretFiles(ns, src.getSecretName(), src.getItems(), src.getOptional(), mode(src.getDefaultMode()), files,
                    fail);
        } else if (v.getDownwardAPI() != null) {
            plugin = "kubernetes.io~downward-api";
            downwardFiles(pod, v.getDownwardAPI().getItems(), mode(v.getDownwardAPI().getDefaultMode()), files, fail);
        } else if (v.getProjected() != null) {
            plugin = "kubernetes.io~projected";
            int mode = mode(v.getProjected().getDefaultMode());
            for (VolumeProjection s : v.getProjected().getSources()) {
                if (s.getConfigMap() != null) {
                    configMapFiles(ns, s.getConfigMap().getName(), s.getConfigMap().getItems(),
                            s.getConfigMap().getOptional(), mode, files, fail);
                } else if (s.getSecret() != null) {
                    secretFiles(ns, s.getSecret().getName(), s.getSecret().getItems(), s.getSecret().getOptional(),
                            mode, files, fail);
                } else if (s.getDownwardAPI() != null) {
                    downwardFiles(pod, s.getDownwardAPI().getItems(), mode, files, fail);
                } else if (s.getServiceAccountToken() != null) {
                    tokenFile(pod, s.getServiceAccountToken(), mode, files, fail);
                }
            }
        } else {
            throw new VolumeException("volume \"" + v.getName() + "\": type not supported by this kubelet");
        }
        Path dir = base.resolve(plugin).resolve(v.getName());
        if (AtomicWriter.write(dir, files, fsGroup)) {
            LOG.debugf("pod %s/%s: volume %s written", ns, pod.getMetadata().getName(), v.getName());
        }
        return dir.toString();
    }

    /** A projected service account token: requested bound to the pod, refreshed by {@link ServiceAccountTokens}. */
    private void tokenFile(Pod pod, io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection p, int mode,
                           Map<String, FileData> files, String fail) throws VolumeException {
        if (p.getPath() == null || p.getPath().isEmpty()) {
            throw new VolumeException(fail + "serviceAccountToken projection has no path");
        }
        String token;
        try {
            token = tokens.token(pod, p);
        } catch (RuntimeException e) {
            throw new VolumeException(fail + "failed to fetch token: " + e.getMessage());
        }
        files.put(p.getPath(), new FileData(token.getBytes(StandardCharsets.UTF_8), mode));
    }

    private static int mode(Integer m) {
        return m == null ? DEFAULT_MODE : m;
    }

    private void configMapFiles(String ns, String name, List<KeyToPath> items, Boolean optional, int mode,
                                Map<String, FileData> files, String fail) throws VolumeException {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
        if (cm == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new VolumeException(fail + "configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
        }
        project(data, items, optional, mode, files, fail, "configmap references non-existent config key: ");
    }

    private void secretFiles(String ns, String name, List<KeyToPath> items, Boolean optional, int mode,
                             Map<String, FileData> files, String fail) throws VolumeException {
        Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new VolumeException(fail + "secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
        }
        if (s.getStringData() != null) {
            s.getStringData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        project(data, items, optional, mode, files, fail, "references non-existent secret key: ");
    }

    /** All keys, or the listed items (with their own path and mode); a listed key that is missing fails. */
    static void project(Map<String, byte[]> data, List<KeyToPath> items, Boolean optional, int mode,
                        Map<String, FileData> files, String fail, String missing) throws VolumeException {
        if (items == null || items.isEmpty()) {
            data.forEach((k, v) -> files.put(k, new FileData(v, mode)));
            return;
        }
        for (KeyToPath kp : items) {
            byte[] v = data.get(kp.getKey());
            if (v == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new VolumeException(fail + missing + kp.getKey());
            }
            files.put(kp.getPath(), new FileData(v, kp.getMode() == null ? mode : kp.getMode()));
        }
    }

    private void downwardFiles(Pod pod, List<DownwardAPIVolumeFile> items, int mode, Map<String, FileData> files,
                               String fail) throws VolumeException {
        if (items == null) {
            return;
        }
        PodFacts facts = new PodFacts(podIPs(pod), pod.getStatus() == null ? "" : pod.getStatus().getHostIP(),
                node.milliCpu(), node.memoryBytes());
        for (DownwardAPIVolumeFile f : items) {
            String value;
            try {
                if (f.getFieldRef() != null) {
                    value = DownwardApi.fieldRef(pod, f.getFieldRef().getFieldPath(), facts);
                } else if (f.getResourceFieldRef() != null) {
                    var r = f.getResourceFieldRef();
                    value = DownwardApi.resourceFieldRef(pod, r.getContainerName(), r.getResource(), r.getDivisor(),
                            facts);
                } else {
                    continue;
                }
            } catch (ContainerConfigException e) {
                throw new VolumeException(fail + e.getMessage());
            }
            files.put(f.getPath(), new FileData(value.getBytes(StandardCharsets.UTF_8),
                    f.getMode() == null ? mode : f.getMode()));
        }
    }

    private static List<String> podIPs(Pod pod) {
        List<String> ips = new ArrayList<>();
        if (pod.getStatus() != null && pod.getStatus().getPodIPs() != null) {
            pod.getStatus().getPodIPs().forEach(ip -> ips.add(ip.getIp()));
        } else if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
            ips.add(pod.getStatus().getPodIP());
        }
        return ips;
    }

    /** The host path of the PersistentVolume bound to the claim (hostPath or local volumes). */
    private String claimPath(String ns, String claim, String fail) throws VolumeException, IOException {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
        if (pvc == null) {
            throw new VolumeException(fail + "persistentvolumeclaim \"" + claim + "\" not found");
        }
        String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
        if (pvName == null || pvName.isEmpty()) {
            throw new VolumeException(fail + "PVC " + ns + "/" + claim + " has non-bound phase (\""
                    + (pvc.getStatus() == null ? "Pending" : pvc.getStatus().getPhase()) + "\") or empty pvc.Spec.VolumeName");
        }
        PersistentVolume pv = client.persistentVolumes().withName(pvName).get();
        if (pv == null) {
            throw new VolumeException(fail + "persistentvolume \"" + pvName + "\" not found");
        }
        if (pv.getSpec().getHostPath() != null) {
            Path p = Path.of(pv.getSpec().getHostPath().getPath());
            if ("DirectoryOrCreate".equals(pv.getSpec().getHostPath().getType())) {
                Files.createDirectories(p);
            }
            return p.toString();
        }
        if (pv.getSpec().getLocal() != null) {
            return pv.getSpec().getLocal().getPath();
        }
        throw new VolumeException(fail + "persistentvolume \"" + pvName
                + "\": only hostPath and local volumes are supported by this kubelet");
    }

    /** Creates a subPath directory inside a directory volume when it does not exist yet, as upstream does. */
    public static void ensureSubPath(String volumePath, String subPath) throws VolumeException {
        if (subPath == null || subPath.isEmpty()) {
            return;
        }
        Path base = Path.of(volumePath);
        Path p = base.resolve(subPath).normalize();
        if (!p.startsWith(base) || Path.of(subPath).isAbsolute()) {
            throw new VolumeException("subPath \"" + subPath + "\" must not contain '..' or be absolute");
        }
        if (Files.isDirectory(base) && !Files.exists(p)) {
            try {
                Files.createDirectories(p);
                Files.setPosixFilePermissions(p, AtomicWriter.permissions(0777));
            } catch (IOException e) {
                throw new VolumeException("cannot create subPath " + p + ": " + e.getMessage());
            }
        }
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
            Files.setPosixFilePermissions(f, AtomicWriter.permissions(0666));
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

    /** Unmounts the pod's tmpfs volumes and removes its directories (never hostPath or PV targets). */
    public void cleanup(String uid) {
        tokens.forget(uid);
        Path dir = podDir(uid);
        if (!Files.exists(dir)) {
            return;
        }
        for (String m : mountsUnder(dir)) {
            run("umount", m);
        }
        if (!mountsUnder(dir).isEmpty()) {
            LOG.warnf("pod uid %s: volumes still mounted; not removing %s", uid, dir);
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort; housekeeping runs again
        }
    }

    private static boolean mounted(Path p) {
        return mountsUnder(p).contains(p.toString());
    }

    /** Mount points at or below {@code dir}, deepest first. */
    static List<String> mountsUnder(Path dir) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 1) {
                    String mp = f[1].replace("\\040", " ");
                    if (mp.equals(dir.toString()) || mp.startsWith(dir + "/")) {
                        out.add(mp);
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing(String::length).reversed());
        return out;
    }

    private static void mountTmpfs(Path d, long bytes) throws VolumeException {
        String opts = "mode=0777" + (bytes > 0 ? ",size=" + bytes : "");
        String err = run("mount", "-t", "tmpfs", "-o", opts, "tmpfs", d.toString());
        if (err != null) {
            throw new VolumeException("cannot mount tmpfs on " + d + ": " + err);
        }
    }

    /** Runs a mount tool; null on success, else its output. (No Java API mounts file systems.) */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
