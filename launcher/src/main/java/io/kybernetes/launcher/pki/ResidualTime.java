package io.kybernetes.launcher.pki;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How kubeadm's check-expiration prints a date ("Dec 30, 2020 23:36 UTC") and the time left ("364d", "9y"). */
public final class ResidualTime {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMM dd, yyyy HH:mm 'UTC'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ResidualTime() {
    }

    public static String date(Instant t) {
        return DATE.format(t);
    }

    /**
     * The largest whole unit of {@code d}: seconds under a minute, minutes under an hour, hours under a day, days
     * under a year, then years; "&lt;invalid&gt;" when more than a second in the past (an expired certificate).
     */
    public static String of(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 60) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 24) {
            return hours + "h";
        }
        if (hours < 24 * 365) {
            return hours / 24 + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
