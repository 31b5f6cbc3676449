package io.cinnabar.server.exec;

/**
 * What a script running on the executor needs from the event loop under it: whether it was called from the loop's
 * socket dispatch, and a way to serve the sockets once it has run past busy-reply-threshold.
 */
public interface IoLoop {
    /** Whether a socket callback (a channel read, say) is on the stack: {@link #serveIoNow} may not run then. */
    boolean inIo();

    /** Handles the sockets that are ready, without waiting; tasks and timers do not run meanwhile. */
    void serveIoNow();
}
