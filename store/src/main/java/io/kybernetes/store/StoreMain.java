package io.kybernetes.store;

import java.util.List;

import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class StoreMain {

    public static void main(String... args) {
        new Launcher("kybernetes-store", "the kybernetes store", List.of()).run(args);
    }
}
