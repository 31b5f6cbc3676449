package io.cinnabar.server.command;

import io.cinnabar.server.exec.Client;

/**
 * A command body. The dispatcher has already checked arity, authentication and the other cross-cutting rules;
 * the body parses its own options, works on the keyspace and writes exactly one reply.
 */
@FunctionalInterface
public interface CommandHandler {
    void run(Client c);
}
