package io.kybernetes.kubelet;

import java.util.List;

import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class KubeletMain {

    public static void main(String... args) {
        new Launcher("kybernetes-kubelet", "the kybernetes kubelet", List.of()).run(args);
    }
}
