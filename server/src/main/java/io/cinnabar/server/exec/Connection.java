package io.cinnabar.server.exec;

/**
 * What the executor needs of a client's transport. The network side implements it over a Netty channel; internal
 * clients (scripts, loading) have none.
 */
public interface Connection {
    /** Replies were written outside the client's own read batch: send them once the current task ends. */
    void flushSoon();

    /** Send what is buffered, then close; read no further requests. */
    void closeAfterReply();

    /** Close now, dropping buffered replies (CLIENT KILL of another client). */
    void close();

    /** {@code ip:port} of the peer. */
    String remoteAddress();

    /** {@code ip:port} of our side. */
    String localAddress();

    /** True when the peer connected over loopback (protected mode, enable-debug-command local). */
    boolean isLocal();

    /** A postponed client may continue: execute its held command and any buffered input. */
    void resume();

    /** The reply the client waited for (a long script's) is written: read its buffered input again. */
    void continueInput();

    /** Bytes waiting in the query buffer and the output buffer, for CLIENT LIST. */
    int queryBufferBytes();

    int outputBufferBytes();

    /** The socket's file descriptor where the transport exposes it (epoll), else -1. */
    int fd();
}
