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

    /** qbuf: bytes in the query buffer not yet trimmed (the current batch, the request in flight included). */
    int queryBufferBytes();

    /** Bytes of the arguments already decoded of a request still arriving (argv-mem meanwhile). */
    default long pendingArgvBytes() {
        return 0;
    }

    /** qbuf-free: room left in the query buffer's allocation. */
    default int queryBufferFree() {
        return 0;
    }

    /** The query buffer's allocation (qbuf + qbuf-free), for tot-mem and client_recent_max_input_buffer. */
    default int queryBufferCapacity() {
        return queryBufferBytes() + queryBufferFree();
    }

    /** obl: reply bytes written into the reply buffer and not yet handed to the socket. */
    int outputBufferBytes();

    /** rbs: the reply buffer's size. */
    default int replyBufferSize() {
        return 0;
    }

    /** rbp: the most the reply buffer held since the last peak reset (every 5 seconds). */
    default int replyBufferPeak() {
        return 0;
    }

    /** oll: replies handed to the socket and not yet written (entries of the transport's outbound queue). */
    default long outputListLength() {
        return 0;
    }

    /** omem: bytes of those replies. */
    default long outputListBytes() {
        return 0;
    }

    /** events: "r" while input is read, "w" while output waits for the socket. */
    default String events() {
        return "r";
    }

    /** The once-a-second client cron: adapts the reply buffer (clientsCronResizeOutputBuffer). */
    default void cron(long nowMillis) {
    }

    /** The socket's file descriptor where the transport exposes it (epoll), else -1. */
    int fd();
}
