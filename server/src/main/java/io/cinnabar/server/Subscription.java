package io.cinnabar.server;

/** An in-process subscription; closing it unsubscribes from everything it subscribed to. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
