package io.cinnabar.server.db;

/**
 * The tap every successful write goes through, in the form it must be replayed (relative expiries already made
 * absolute, expired keys as DEL). AOF, replication and command recording subscribe here. Not thread-safe:
 * called on the executor thread.
 */
public interface Propagator {
    /** Nothing listens: the executor skips building rewritten argument lists. */
    Propagator NONE = new Propagator() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void feed(int db, byte[][] argv, int argc) {
        }
    };

    /** True when someone listens; callers skip building rewritten argv when not. */
    boolean active();

    /** One command as it must be replayed against database {@code db}; the arrays must not be modified later. */
    void feed(int db, byte[][] argv, int argc);
}
