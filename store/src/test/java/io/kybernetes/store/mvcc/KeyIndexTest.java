package io.kybernetes.store.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.backend.Revision;

class KeyIndexTest {

    /** History of key "k": put@2, put@4, tombstone@6, put@8. */
    private static KeyIndex history() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("k"));
        ki.put(new Revision(2, 0), kv(2));
        ki.put(new Revision(4, 0), kv(4));
        ki.tombstone(new Revision(6, 0));
        ki.put(new Revision(8, 1), kv(8));
        return ki;
    }

    private static KeyValue kv(long rev) {
        return KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setModRevision(rev).build();
    }

    static Stream<Arguments> atCases() {
        return Stream.of(
                Arguments.of(1L, null, false),
                Arguments.of(2L, 2L, false),
                Arguments.of(3L, 2L, false),
                Arguments.of(5L, 4L, false),
                Arguments.of(6L, 6L, true),
                Arguments.of(7L, 6L, true),
                Arguments.of(8L, 8L, false),
                Arguments.of(100L, 8L, false));
    }

    @ParameterizedTest(name = "at({0}) = {1} tombstone={2}")
    @MethodSource("atCases")
    void at(long atRev, Long wantMain, boolean wantTombstone) {
        KeyIndex.Rev r = history().at(atRev);
        if (wantMain == null) {
            assertNull(r);
            return;
        }
        assertEquals(wantMain, r.main());
        assertEquals(wantTombstone, r.tombstone());
    }

    static Stream<Arguments> compactCases() {
        return Stream.of(
                Arguments.of(1L, List.of(), 4),
                Arguments.of(2L, List.of(), 4),
                Arguments.of(3L, List.of(), 4),
                Arguments.of(4L, List.of(2L), 3),
                Arguments.of(5L, List.of(2L), 3),
                // the tombstone ends the generation: everything up to it goes
                Arguments.of(6L, List.of(2L, 4L, 6L), 1),
                Arguments.of(7L, List.of(2L, 4L, 6L), 1),
                Arguments.of(9L, List.of(2L, 4L, 6L), 1));
    }

    @ParameterizedTest(name = "compact({0}) drops {1}")
    @MethodSource("compactCases")
    void compact(long rev, List<Long> dropped, int left) {
        KeyIndex ki = history();
        assertEquals(dropped, ki.compact(rev).stream().map(Revision::main).toList());
        assertEquals(left, ki.size());
    }

    @Test
    void latestFollowsTombstones() {
        KeyIndex ki = history();
        assertEquals(8, ki.latest().getModRevision());
        ki.tombstone(new Revision(9, 0));
        assertNull(ki.latest());
    }
}
