package io.kybernetes.scheduler;

import java.util.List;

import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class SchedulerMain {

    public static void main(String... args) {
        new Launcher("kybernetes-scheduler", "the kybernetes scheduler", List.of()).run(args);
    }
}
