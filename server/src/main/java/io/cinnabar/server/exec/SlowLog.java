package io.cinnabar.server.exec;

import java.util.ArrayDeque;

/**
 * SLOWLOG: commands slower than {@code slowlog-log-slower-than} microseconds, newest first, with Redis's limits
 * on what an entry keeps (32 arguments, 128 bytes each). Not thread-safe: executor thread only.
 */
public final class SlowLog {
    static final int MAX_ARGC = 32;
    static final int MAX_ARG_LEN = 128;

    /** One entry as SLOWLOG GET returns it. */
    public record Entry(long id, long timestampSeconds, long micros, byte[][] argv, String peer, String clientName) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    void add(Client c, byte[][] argv, int argc, long micros, long nowMillis, long maxLen) {
        int kept = Math.min(argc, MAX_ARGC);
        byte[][] copy = new byte[kept][];
        for (int i = 0; i < kept; i++) {
            if (kept != argc && i == kept - 1) {
                copy[i] = ("... (" + (argc - MAX_ARGC + 1) + " more arguments)").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else if (argv[i].length > MAX_ARG_LEN) {
                byte[] head = java.util.Arrays.copyOf(argv[i], MAX_ARG_LEN);
                byte[] tail = ("... (" + (argv[i].length - MAX_ARG_LEN) + " more bytes)").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] both = java.util.Arrays.copyOf(head, head.length + tail.length);
                System.arraycopy(tail, 0, both, head.length, tail.length);
                copy[i] = both;
            } else {
                copy[i] = argv[i];
            }
        }
        String peer = c.connection == null ? "" : c.connection.remoteAddress();
        entries.addFirst(new Entry(nextId++, nowMillis / 1000, micros, copy, peer, c.nameString()));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public Iterable<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }
}
