package io.kybernetes.store.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.protobuf.ByteString;

class KeyRangeTest {

    private static ByteString b(String s) {
        return "\\0".equals(s) ? ByteString.copyFrom(new byte[] {0}) : ByteString.copyFromUtf8(s == null ? "" : s);
    }

    @ParameterizedTest(name = "[{0},{1}) contains {2} = {3}")
    @CsvSource({
        "a, , a, true",
        "a, , b, false",
        "a, c, b, true",
        "a, c, c, false",
        "a, c, a, true",
        "b, \\0, a, false",
        "b, \\0, zzz, true",
        "foo, fop, foo/bar, true",
        "foo, fop, fop, false",
    })
    void contains(String key, String end, String probe, boolean want) {
        assertEquals(want, KeyRange.of(b(key), b(end)).contains(b(probe)));
    }

    @ParameterizedTest(name = "[{0},{1}) overlaps [{2},{3}) = {4}")
    @CsvSource({
        "a, , a, , true",
        "a, , b, , false",
        "a, c, b, , true",
        "a, c, c, d, false",
        "a, c, b, d, true",
        "a, \\0, x, , true",
        "x, , a, \\0, true",
        "b, c, a, b, false",
    })
    void overlaps(String k1, String e1, String k2, String e2, boolean want) {
        assertEquals(want, KeyRange.of(b(k1), b(e1)).overlaps(KeyRange.of(b(k2), b(e2))));
    }
}
