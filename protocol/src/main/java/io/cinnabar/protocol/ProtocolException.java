package io.cinnabar.protocol;

/**
 * A request that breaks the RESP grammar or Redis's limits. The message is Redis's text
 * (for example {@code Protocol error: invalid bulk length}); the server replies {@code -ERR <message>}
 * and closes the connection, as Redis does.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
