package io.kybernetes.proxy;

import java.util.List;

import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class ProxyMain {

    public static void main(String... args) {
        new Launcher("kybernetes-proxy", "the kybernetes proxy", List.of()).run(args);
    }
}
