package io.kybernetes.ingress.nginx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The nginx the integration tests run: $NGINX_BIN, /usr/sbin/nginx, or the one inside the nginx image's cached
 * rootfs tarball that images/build.sh leaves under /var/cache/kybernetes/images (unpacked once to
 * /tmp/ingress-it-nginx-bin; it links against the host's Debian 12 libraries). Null when there is none.
 */
public final class NginxBinary {

    private NginxBinary() {
    }

    public static synchronized Path find() {
        String env = System.getenv("NGINX_BIN");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Path.of(env);
        }
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            return Path.of("/usr/sbin/nginx");
        }
        Path tar = Path.of("/var/cache/kybernetes/images/nginx/debootstrap-bookworm.tar");
        Path out = Path.of("/tmp/ingress-it-nginx-bin");
        Path bin = out.resolve("usr/sbin/nginx");
        if (!Files.isExecutable(bin) && Files.isReadable(tar)) {
            try {
                Files.createDirectories(out);
                Process p = new ProcessBuilder("tar", "-C", out.toString(), "-xf", tar.toString(), "./usr/sbin/nginx")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(120, TimeUnit.SECONDS);
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return Files.isExecutable(bin) ? bin : null;
    }
}
