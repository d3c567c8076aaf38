package io.kybernetes.apiserver.authentication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static bearer tokens from upstream's {@code --token-auth-file}: CSV lines {@code token,user,uid,"group1,group2"}
 * (groups optional). Hand-written parsing: the format is four columns with one optional quoted field.
 */
public final class TokenFile {

    private final Map<String, UserInfo> users;

    private TokenFile(Map<String, UserInfo> users) {
        this.users = Map.copyOf(users);
    }

    public static TokenFile load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static TokenFile parse(String csv) {
        Map<String, UserInfo> users = new HashMap<>();
        int n = 0;
        for (String line : csv.split("\r?\n")) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> cols = columns(line);
            if (cols.size() < 3) {
                throw new IllegalArgumentException("token file line " + n + ": want token,user,uid[,\"groups\"], got "
                        + cols.size() + " column(s)");
            }
            if (cols.get(0).isEmpty() || cols.get(1).isEmpty()) {
                throw new IllegalArgumentException("token file line " + n + ": empty token or user name");
            }
            List<String> groups = new ArrayList<>();
            if (cols.size() > 3 && !cols.get(3).isEmpty()) {
                Arrays.stream(cols.get(3).split(",")).map(String::trim).filter(g -> !g.isEmpty())
                        .forEach(groups::add);
            }
            users.put(cols.get(0), new UserInfo(cols.get(1), cols.get(2), groups, Map.of()));
        }
        return new TokenFile(users);
    }

    static List<String> columns(String line) {
        List<String> cols = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                cols.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        cols.add(cur.toString().trim());
        return cols;
    }

    /** The user of {@code token}, or null. */
    public UserInfo user(String token) {
        return users.get(token);
    }

    public int size() {
        return users.size();
    }
}
