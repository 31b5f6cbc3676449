package io.cinnabar.server.db;

/**
 * Where propagated commands go: every listener (AOF, replicas, command recording) gets each command, in order,
 * on the executor thread. The arrays it hands on are never reused by the server afterwards, so a listener may
 * keep them. Not thread-safe: listeners are added and fed on the executor thread.
 */
public final class PropagationTap implements Propagator {
    private Propagator[] listeners = new Propagator[0];

    public void add(Propagator listener) {
        Propagator[] grown = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        grown[listeners.length] = listener;
        listeners = grown;
    }

    public void remove(Propagator listener) {
        for (int i = 0; i < listeners.length; i++) {
            if (listeners[i] == listener) {
                Propagator[] shrunk = new Propagator[listeners.length - 1];
                System.arraycopy(listeners, 0, shrunk, 0, i);
                System.arraycopy(listeners, i + 1, shrunk, i, shrunk.length - i);
                listeners = shrunk;
                return;
            }
        }
    }

    /** True when anyone listens, so commands build their rewritten forms only then. */
    @Override
    public boolean active() {
        for (Propagator listener : listeners) {
            if (listener.active()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void feed(int db, byte[][] argv, int argc) {
        for (Propagator listener : listeners) {
            if (listener.active()) {
                listener.feed(db, argv, argc);
            }
        }
    }
}
