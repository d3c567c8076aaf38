package io.kybernetes.apiserver.registry;

/** A meta/v1 Table column; priority 0 columns show by default, priority 1 only with -o wide. */
public record Column(String name, String type, String format, String description, int priority) {

    public static Column named() {
        return new Column("Name", "string", "name",
                "Name must be unique within a namespace. Cannot be updated.", 0);
    }

    public static Column of(String name, String type, String description) {
        return new Column(name, type, "", description, 0);
    }

    public static Column wide(String name, String type, String description) {
        return new Column(name, type, "", description, 1);
    }

    public static Column age() {
        return new Column("Age", "string", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created.", 0);
    }
}
