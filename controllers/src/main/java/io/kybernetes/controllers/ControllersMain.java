package io.kybernetes.controllers;

import java.util.List;

import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class ControllersMain {

    public static void main(String... args) {
        new Launcher("kybernetes-controllers", "the kybernetes controllers", List.of()).run(args);
    }
}
