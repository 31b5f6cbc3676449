package io.cinnabar.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed table from lower-case ASCII names to values, looked up case-insensitively straight from the request's
 * bytes: no lower-casing copy, no String, no allocation per command.
 */
final class NameTable<T> {
    private byte[][] names = new byte[16][];
    private Object[] values = new Object[16];
    private final List<T> inOrder = new ArrayList<>();
    private int size;

    void put(String lowerName, T value) {
        if ((size + 1) * 2 > names.length) {
            grow();
        }
        insert(lowerName.getBytes(StandardCharsets.US_ASCII), value);
        inOrder.add(value);
        size++;
    }

    private void insert(byte[] name, Object value) {
        int mask = names.length - 1;
        int i = hash(name, 0, name.length) & mask;
        while (names[i] != null) {
            i = (i + 1) & mask;
        }
        names[i] = name;
        values[i] = value;
    }

    private void grow() {
        byte[][] oldNames = names;
        Object[] oldValues = values;
        names = new byte[oldNames.length * 2][];
        values = new Object[oldNames.length * 2];
        for (int i = 0; i < oldNames.length; i++) {
            if (oldNames[i] != null) {
                insert(oldNames[i], oldValues[i]);
            }
        }
    }

    @SuppressWarnings("unchecked")
    T get(byte[] name) {
        int mask = names.length - 1;
        int i = hash(name, 0, name.length) & mask;
        byte[] candidate;
        while ((candidate = names[i]) != null) {
            if (equalsLower(name, candidate)) {
                return (T) values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    T get(String name) {
        return get(name.getBytes(StandardCharsets.UTF_8));
    }

    /** Values in insertion order (the recorded table's order). */
    List<T> values() {
        return inOrder;
    }

    int size() {
        return size;
    }

    private static int hash(byte[] s, int off, int len) {
        int h = 0;
        for (int i = off; i < off + len; i++) {
            int c = s[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = 31 * h + c;
        }
        return h ^ (h >>> 16);
    }

    private static boolean equalsLower(byte[] s, byte[] lower) {
        if (s.length != lower.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            int c = s[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
