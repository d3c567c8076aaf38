package io.kybernetes.apiserver;

import java.util.List;

import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class ApiserverMain {

    public static void main(String... args) {
        new Launcher("kybernetes-apiserver", "the kybernetes apiserver", List.of()).run(args);
    }
}
