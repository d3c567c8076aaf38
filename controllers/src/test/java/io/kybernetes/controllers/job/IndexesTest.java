package io.kybernetes.controllers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IndexesTest {

    @ParameterizedTest(name = "\"{0}\" (completions {1}) -> \"{2}\"")
    @CsvSource(delimiter = '|', value = {
        "''|5|''",
        "0|5|0",
        "0,1,2|5|0-2",
        "3-4,0,1|5|0-1,3-4",
        "1,3,5,6,7|10|1,3,5-7",
        "0-9|5|0-4",
        "x,2|5|2",
    })
    void roundTrip(String in, int completions, String out) {
        assertEquals(out, Indexes.format(Indexes.parse(in, completions)));
    }
}
