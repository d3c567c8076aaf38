package io.kybernetes.controllers.volume.provisioner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.kybernetes.controllers.volume.StorageAnnotations;
import io.kybernetes.controllers.volume.binder.VolumeNodeAffinity;

/**
 * Local-path volumes, after rancher/local-path-provisioner: a claim provisioned on a node gets a hostPath volume
 * {@code <base>/<pv>_<namespace>_<claim>} (DirectoryOrCreate, so the kubelet creates it at first mount) pinned to
 * that node by a kubernetes.io/hostname node affinity. Deleting one runs a short-lived helper pod on that node
 * ({@code rm -rf} of the directory through a hostPath mount of the base directory), so it works on every node, not
 * only on the controller's machine.
 */
public final class LocalPathProvisioner implements Provisioner {

    private static final Logger LOG = Logger.getLogger(LocalPathProvisioner.class);
    public static final String NAME = "kybernetes.io/local-path";
    public static final String HELPER_NAMESPACE = "kube-system";
    /** Label on helper pods: the volume whose directory the pod removes. */
    public static final String HELPER_LABEL = "kybernetes.io/local-path-volume";
    static final String HELPER_PREFIX = "helper-pod-delete-";
    private static final String MOUNT = "/data";

    private final KubernetesClient client;
    private final Indexer<Pod> pods;
    private final Path base;
    private final String helperImage;

    public LocalPathProvisioner(KubernetesClient client, Indexer<Pod> pods, String baseDir, String helperImage) {
        this.client = client;
        this.pods = pods;
        this.base = Path.of(baseDir);
        this.helperImage = helperImage;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PersistentVolume provision(PersistentVolumeClaim claim, StorageClass sc, String node, String pvName)
            throws ProvisioningException {
        if (node == null || node.isEmpty()) {
            throw new ProvisioningException("configuration error, no node was specified: local-path volumes need "
                    + "volumeBindingMode WaitForFirstConsumer");
        }
        if (claim.getSpec().getSelector() != null) {
            throw new ProvisioningException("claim.Spec.Selector is not supported");
        }
        if ("Block".equals(claim.getSpec().getVolumeMode())) {
            throw new ProvisioningException("volumeMode Block is not supported");
        }
        String ns = claim.getMetadata().getNamespace();
        String name = claim.getMetadata().getName();
        String path = base.resolve(pvName + "_" + ns + "_" + name).toString();
        Quantity size = claim.getSpec().getResources().getRequests().get("storage");
        String reclaim = sc.getReclaimPolicy() == null ? "Delete" : sc.getReclaimPolicy();
        return new PersistentVolumeBuilder().withNewMetadata().withName(pvName)
                .addToAnnotations(StorageAnnotations.PROVISIONED_BY, NAME).endMetadata()
                .withNewSpec().withCapacity(Map.of("storage", size))
                .withAccessModes(claim.getSpec().getAccessModes())
                .withPersistentVolumeReclaimPolicy(reclaim).withStorageClassName(sc.getMetadata().getName())
                .withVolumeMode("Filesystem").withMountOptions(sc.getMountOptions())
                .withNewHostPath(path, "DirectoryOrCreate")
                .withNewClaimRef().withKind("PersistentVolumeClaim").withApiVersion("v1").withNamespace(ns)
                .withName(name).withUid(claim.getMetadata().getUid())
                .withResourceVersion(claim.getMetadata().getResourceVersion()).endClaimRef()
                .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression()
                .endNodeSelectorTerm().endRequired().endNodeAffinity()
                .endSpec().build();
    }

    @Override
    public Deletion delete(PersistentVolume pv) {
        String pvName = pv.getMetadata().getName();
        if (pv.getSpec().getHostPath() == null) {
            return Deletion.failed("volume " + pvName + " has no hostPath");
        }
        Path dir = Path.of(pv.getSpec().getHostPath().getPath()).normalize();
        if (!base.equals(dir.getParent()) || dir.getFileName() == null) {
            return Deletion.failed("path " + dir + " is not directly under the local-path directory " + base);
        }
        String node = VolumeNodeAffinity.pinnedNode(pv);
        if (node == null) {
            return Deletion.failed("volume " + pvName + " has no kubernetes.io/hostname node affinity");
        }
        String podName = helperName(pvName);
        Pod pod = pods.getByKey(HELPER_NAMESPACE + "/" + podName);
        if (pod == null) {
            pod = client.pods().inNamespace(HELPER_NAMESPACE).withName(podName).get();
        }
        if (pod == null) {
            createHelper(podName, pvName, node, dir.getFileName().toString());
            return Deletion.IN_PROGRESS;
        }
        String phase = pod.getStatus() == null ? "" : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            removeHelper(podName);
            LOG.infof("removed local-path directory %s of volume %s on node %s", dir, pvName, node);
            return Deletion.DONE;
        }
        if ("Failed".equals(phase)) {
            removeHelper(podName);
            return Deletion.failed("helper pod " + HELPER_NAMESPACE + "/" + podName + " failed to remove " + dir
                    + " on node " + node);
        }
        return Deletion.IN_PROGRESS;
    }

    @Override
    public void forget(String pvName) {
        String podName = helperName(pvName);
        if (pods.getByKey(HELPER_NAMESPACE + "/" + podName) != null) {
            removeHelper(podName);
        }
    }

    /** Helper pod names stay within the 63 characters a pod's hostname may have. */
    static String helperName(String pvName) {
        String n = HELPER_PREFIX + pvName;
        return n.length() <= 63 ? n : n.substring(0, 63).replaceAll("[-.]+$", "");
    }

    private void createHelper(String podName, String pvName, String node, String dirName) {
        Pod helper = new PodBuilder().withNewMetadata().withName(podName).withNamespace(HELPER_NAMESPACE)
                .addToLabels(HELPER_LABEL, pvName).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Never").withAutomountServiceAccountToken(false)
                .withTerminationGracePeriodSeconds(0L)
                .addNewToleration().withOperator("Exists").endToleration()
                .addNewContainer().withName("helper").withImage(helperImage).withImagePullPolicy("IfNotPresent")
                .withCommand(List.of("rm", "-rf", MOUNT + "/" + dirName))
                .addNewVolumeMount().withName("data").withMountPath(MOUNT).endVolumeMount().endContainer()
                .addNewVolume().withName("data").withNewHostPath(base.toString(), "DirectoryOrCreate").endVolume()
                .endSpec().build();
        try {
            client.pods().inNamespace(HELPER_NAMESPACE).resource(helper).create();
            LOG.infof("started helper pod %s/%s on node %s to remove %s", HELPER_NAMESPACE, podName, node,
                    base.resolve(dirName));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void removeHelper(String podName) {
        client.pods().inNamespace(HELPER_NAMESPACE).withName(podName).withGracePeriod(0).delete();
    }
}
