package io.cinnabar.server;

/**
 * Receives the messages of an in-process subscription ({@link CinnabarServer#subscribe},
 * {@link CinnabarServer#psubscribe}): published messages and keyspace notifications, in order. It runs on the
 * server's thread, so it must return quickly and must not call back into the server (hand the message to a queue).
 */
@FunctionalInterface
public interface MessageListener {
    /** A message published on {@code channel} (the channel's bytes read as UTF-8); {@code message} is a copy. */
    void onMessage(String channel, byte[] message);
}
