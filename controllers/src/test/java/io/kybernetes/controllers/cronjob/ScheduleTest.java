package io.kybernetes.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {

    @ParameterizedTest(name = "{0} [{1}] after {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // spec | timeZone | after | next
        "* * * * *||2026-11-24T10:00:30Z|2026-11-24T10:01:00Z",
        "*/15 * * * *||2026-11-24T10:01:00Z|2026-11-24T10:15:00Z",
        "*/15 * * * *||2026-11-24T10:45:00Z|2026-11-24T11:00:00Z",
        "5,35 * * * *||2026-11-24T10:06:00Z|2026-11-24T10:35:00Z",
        "0 9-17/4 * * *||2026-11-24T10:00:00Z|2026-11-24T13:00:00Z",
        "30 2 * * *||2026-11-24T03:00:00Z|2026-11-25T02:30:00Z",
        "@hourly||2026-11-24T10:00:00Z|2026-11-24T11:00:00Z",
        "@daily||2026-11-24T10:00:00Z|2026-11-25T00:00:00Z",
        "@midnight||2026-11-24T00:00:00Z|2026-11-25T00:00:00Z",
        "@weekly||2026-11-24T10:00:00Z|2026-11-29T00:00:00Z",
        "@monthly||2026-11-24T10:00:00Z|2026-12-01T00:00:00Z",
        "@yearly||2026-11-24T10:00:00Z|2027-01-01T00:00:00Z",
        "@annually||2026-11-24T10:00:00Z|2027-01-01T00:00:00Z",
        "0 0 * * mon||2026-11-24T10:00:00Z|2026-11-30T00:00:00Z",
        "0 0 * * MON-FRI||2026-11-27T10:00:00Z|2026-11-30T00:00:00Z",
        "0 0 * * 7||2026-11-24T10:00:00Z|2026-11-29T00:00:00Z",
        "0 0 1 jan,jul *||2026-11-24T10:00:00Z|2027-01-01T00:00:00Z",
        "0 0 29 2 *||2026-11-24T10:00:00Z|2028-02-29T00:00:00Z",
        // both day fields restricted: either matches (the 1st, or a Monday)
        "0 0 1 * 1||2026-11-24T10:00:00Z|2026-11-30T00:00:00Z",
        "0 0 1 * 1||2026-11-30T10:00:00Z|2026-12-01T00:00:00Z",
        // day-of-month restricted, day-of-week star: both must match (i.e. only the day of month)
        "0 0 15 * *||2026-11-24T10:00:00Z|2026-12-15T00:00:00Z",
        "0 0 15 * ?||2026-11-24T10:00:00Z|2026-12-15T00:00:00Z",
        // time zones: 09:00 in Berlin (UTC+1 in winter)
        "0 9 * * *|Europe/Berlin|2026-11-24T10:00:00Z|2026-11-25T08:00:00Z",
        "CRON_TZ=Asia/Tokyo 0 9 * * *||2026-11-24T10:00:00Z|2026-11-25T00:00:00Z",
        "TZ=America/New_York 0 0 * * *||2026-11-24T10:00:00Z|2026-11-25T05:00:00Z",
        // across a DST change (New York springs forward 2027-03-14 02:00 -> 03:00)
        "0 12 * * *|America/New_York|2027-03-13T18:00:00Z|2027-03-14T16:00:00Z",
    })
    void next(String spec, String tz, String after, String next) {
        assertEquals(Instant.parse(next), Schedule.parse(spec, tz).next(Instant.parse(after)));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected: {1}")
    @CsvSource(delimiter = '|', value = {
        "* * * *|expected exactly 5 fields",
        "60 * * * *|out of range",
        "* 24 * * *|out of range",
        "* * 0 * *|out of range",
        "* * * 13 *|out of range",
        "5-1 * * * *|beyond end of range",
        "x * * * *|failed to parse int",
        "*/0 * * * *|out of range",
        "@every5m|unrecognized descriptor",
        "CRON_TZ=Mars/Olympus 0 * * * *|unknown time zone",
    })
    void invalid(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(spec, null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void neverFiringScheduleHasNoNext() {
        assertNull(Schedule.parse("0 0 30 2 *", null).next(Instant.parse("2026-01-01T00:00:00Z")));
    }
}
