package io.kybernetes.scheduler.framework;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * One score plugin's scores of the feasible nodes (upstream's NodeScoreList): parallel arrays of node names and
 * scores, seen by {@link ScorePlugin#normalize} as a map from node name to score whose values can be replaced.
 * The framework reads and sums the arrays directly, so a cycle over 500 feasible nodes hashes no names and boxes
 * no scores. Keys cannot be added or removed.
 */
public final class NodeScores extends AbstractMap<String, Long> {

    private final String[] names;
    private final long[] scores;

    NodeScores(String[] names, long[] scores) {
        this.names = names;
        this.scores = scores;
    }

    String name(int i) {
        return names[i];
    }

    long score(int i) {
        return scores[i];
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Long> action) {
        for (int i = 0; i < names.length; i++) {
            action.accept(names[i], scores[i]);
        }
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super Long, ? extends Long> function) {
        for (int i = 0; i < names.length; i++) {
            scores[i] = function.apply(names[i], scores[i]);
        }
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Long>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, Long> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new Entry<>() {
                            @Override
                            public String getKey() {
                                return names[i];
                            }

                            @Override
                            public Long getValue() {
                                return scores[i];
                            }

                            @Override
                            public Long setValue(Long value) {
                                long old = scores[i];
                                scores[i] = value;
                                return old;
                            }
                        };
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
