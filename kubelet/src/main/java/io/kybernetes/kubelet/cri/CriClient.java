package io.kybernetes.kubelet.cri;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.kybernetes.kubelet.cri.v1.Container;
import io.kybernetes.kubelet.cri.v1.ContainerConfig;
import io.kybernetes.kubelet.cri.v1.ContainerFilter;
import io.kybernetes.kubelet.cri.v1.ContainerStatus;
import io.kybernetes.kubelet.cri.v1.ContainerStatusRequest;
import io.kybernetes.kubelet.cri.v1.CreateContainerRequest;
import io.kybernetes.kubelet.cri.v1.ImageServiceGrpc;
import io.kybernetes.kubelet.cri.v1.ImageSpec;
import io.kybernetes.kubelet.cri.v1.ImageStatusRequest;
import io.kybernetes.kubelet.cri.v1.ImageStatusResponse;
import io.kybernetes.kubelet.cri.v1.ListContainersRequest;
import io.kybernetes.kubelet.cri.v1.ListPodSandboxRequest;
import io.kybernetes.kubelet.cri.v1.PodSandbox;
import io.kybernetes.kubelet.cri.v1.PodSandboxConfig;
import io.kybernetes.kubelet.cri.v1.PodSandboxFilter;
import io.kybernetes.kubelet.cri.v1.PodSandboxStatus;
import io.kybernetes.kubelet.cri.v1.PodSandboxStatusRequest;
import io.kybernetes.kubelet.cri.v1.PullImageRequest;
import io.kybernetes.kubelet.cri.v1.RemoveContainerRequest;
import io.kybernetes.kubelet.cri.v1.RemovePodSandboxRequest;
import io.kybernetes.kubelet.cri.v1.RunPodSandboxRequest;
import io.kybernetes.kubelet.cri.v1.RuntimeServiceGrpc;
import io.kybernetes.kubelet.cri.v1.StartContainerRequest;
import io.kybernetes.kubelet.cri.v1.StopContainerRequest;
import io.kybernetes.kubelet.cri.v1.StopPodSandboxRequest;
import io.kybernetes.kubelet.cri.v1.VersionRequest;
import io.kybernetes.kubelet.cri.v1.VersionResponse;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * Blocking CRI client over the runtime's Unix socket. grpc-netty with netty's epoll transport is used directly
 * because the Quarkus gRPC client (Vert.x) only dials host:port targets, not Unix sockets.
 */
public final class CriClient implements AutoCloseable {

    /** Deadline of ordinary calls; pulls and stops get their own. */
    static final long CALL_SECONDS = 60;
    static final long PULL_SECONDS = 600;

    private final ManagedChannel channel;
    private final EpollEventLoopGroup group;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private final ImageServiceGrpc.ImageServiceBlockingStub images;

    public CriClient(String endpoint) {
        String path = socketPath(endpoint);
        this.group = new EpollEventLoopGroup(1);
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path))
                .eventLoopGroup(group)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
        this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        this.images = ImageServiceGrpc.newBlockingStub(channel);
    }

    /** {@code unix:///run/x.sock} or a plain path to the socket path. */
    static String socketPath(String endpoint) {
        if (endpoint.startsWith("unix://")) {
            return endpoint.substring("unix://".length());
        }
        if (endpoint.startsWith("/")) {
            return endpoint;
        }
        throw new IllegalArgumentException("unsupported container runtime endpoint \"" + endpoint
                + "\": only unix:// sockets are supported");
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
        return runtime.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    public VersionResponse version() {
        return rt().version(VersionRequest.newBuilder().setVersion("v1").build());
    }

    public String runPodSandbox(PodSandboxConfig config) {
        return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    public void stopPodSandbox(String id) {
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    public void removePodSandbox(String id) {
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    public PodSandboxStatus podSandboxStatus(String id) {
        return rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()).getStatus();
    }

    public List<PodSandbox> listPodSandboxes(Map<String, String> labels) {
        return rt().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putAllLabelSelector(labels)).build()).getItemsList();
    }

    public String createContainer(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        return rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId)
                .setConfig(config).setSandboxConfig(sandboxConfig).build()).getContainerId();
    }

    public void startContainer(String id) {
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    public void stopContainer(String id, long timeoutSeconds) {
        runtime.withDeadlineAfter(timeoutSeconds + CALL_SECONDS, TimeUnit.SECONDS)
                .stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeoutSeconds).build());
    }

    public void removeContainer(String id) {
        rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    }

    public List<Container> listContainers(Map<String, String> labels) {
        return rt().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().putAllLabelSelector(labels)).build()).getContainersList();
    }

    public ContainerStatus containerStatus(String id) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    /** Runs a command in a container; returns its exit code. */
    public int execSync(String containerId, List<String> cmd, long timeoutSeconds) {
        return runtime.withDeadlineAfter(timeoutSeconds + 5, TimeUnit.SECONDS)
                .execSync(io.kybernetes.kubelet.cri.v1.ExecSyncRequest.newBuilder().setContainerId(containerId)
                        .addAllCmd(cmd).setTimeout(timeoutSeconds).build())
                .getExitCode();
    }

    /** Runs a command in a container; returns its exit code and output. */
    public io.kybernetes.kubelet.cri.v1.ExecSyncResponse execSyncOutput(String containerId, List<String> cmd,
                                                                       long timeoutSeconds) {
        return runtime.withDeadlineAfter(timeoutSeconds + 5, TimeUnit.SECONDS)
                .execSync(io.kybernetes.kubelet.cri.v1.ExecSyncRequest.newBuilder().setContainerId(containerId)
                        .addAllCmd(cmd).setTimeout(timeoutSeconds).build());
    }

    /** Asks the runtime's streaming server for an exec session; returns the URL to upgrade to. */
    public String exec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout,
                       boolean stderr) {
        return rt().exec(io.kybernetes.kubelet.cri.v1.ExecRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(cmd).setTty(tty).setStdin(stdin).setStdout(stdout).setStderr(stderr).build()).getUrl();
    }

    public String attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        return rt().attach(io.kybernetes.kubelet.cri.v1.AttachRequest.newBuilder().setContainerId(containerId)
                .setTty(tty).setStdin(stdin).setStdout(stdout).setStderr(stderr).build()).getUrl();
    }

    public String portForward(String sandboxId, List<Integer> ports) {
        return rt().portForward(io.kybernetes.kubelet.cri.v1.PortForwardRequest.newBuilder()
                .setPodSandboxId(sandboxId).addAllPort(ports).build()).getUrl();
    }

    /** CPU and memory of every container the runtime has. */
    public List<io.kybernetes.kubelet.cri.v1.ContainerStats> listContainerStats() {
        return rt().listContainerStats(io.kybernetes.kubelet.cri.v1.ListContainerStatsRequest.newBuilder()
                .setFilter(io.kybernetes.kubelet.cri.v1.ContainerStatsFilter.newBuilder()
                        .putLabelSelector(io.kybernetes.kubelet.pod.CriLabels.MANAGED_BY,
                                io.kybernetes.kubelet.pod.CriLabels.MANAGED_BY_VALUE))
                .build()).getStatsList();
    }

    /** The image's status, or null when the runtime does not have it. */
    public ImageStatusResponse imageStatus(String image) {
        ImageStatusResponse r = images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        return r.hasImage() && !r.getImage().getId().isEmpty() ? r : null;
    }

    /** The file systems the runtime keeps images (and container layers) on, with their usage. */
    public io.kybernetes.kubelet.cri.v1.ImageFsInfoResponse imageFsInfo() {
        return images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .imageFsInfo(io.kybernetes.kubelet.cri.v1.ImageFsInfoRequest.getDefaultInstance());
    }

    /** Every image the runtime has. */
    public List<io.kybernetes.kubelet.cri.v1.Image> listImages() {
        return images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .listImages(io.kybernetes.kubelet.cri.v1.ListImagesRequest.getDefaultInstance()).getImagesList();
    }

    /** Removes an image by id or reference (the runtime answers OK when it is already gone). */
    public void removeImage(String image) {
        images.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).removeImage(io.kybernetes.kubelet.cri.v1.RemoveImageRequest
                .newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    /** Pulls the image and returns its reference (image id). */
    public String pullImage(String image, PodSandboxConfig sandboxConfig) {
        return images.withDeadlineAfter(PULL_SECONDS, TimeUnit.SECONDS)
                .pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                        .setSandboxConfig(sandboxConfig).build())
                .getImageRef();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
