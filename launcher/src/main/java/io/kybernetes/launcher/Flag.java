package io.kybernetes.launcher;

/**
 * One command-line flag of a component: {@code --name=value} sets the configuration property
 * {@code property} (by default {@code kybernetes.<name>}) before Quarkus reads its configuration.
 */
public record Flag(String name, String defaultValue, String help, String property) {

    public Flag(String name, String defaultValue, String help) {
        this(name, defaultValue, help, "kybernetes." + name);
    }

    /** A flag that sets a Quarkus property directly, e.g. {@code --port} to {@code quarkus.http.port}. */
    public static Flag of(String name, String defaultValue, String help, String property) {
        return new Flag(name, defaultValue, help, property);
    }
}
