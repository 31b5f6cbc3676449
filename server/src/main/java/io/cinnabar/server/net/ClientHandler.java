package io.cinnabar.server.net;

import io.cinnabar.protocol.ProtocolException;
import io.cinnabar.protocol.RequestDecoder;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.command.ClientCommands;
import io.cinnabar.server.command.Dispatcher;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Connection;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.OutputBufferLimits;
import io.cinnabar.server.persist.Aof;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One connection: accumulates input, decodes requests and runs each on the executor (this event loop), writing
 * replies into one outbound buffer that is flushed once per read batch. Input of a client that is postponed
 * (CLIENT PAUSE) or closing stays unread until it may continue.
 *
 * <p>One client never holds the executor for long: a turn runs the client's requests until it has consumed
 * {@link #INPUT_SLICE} bytes of input or produced {@link #OUTPUT_SLICE} bytes of output, then the client yields
 * (its next turn comes after the event loop has served the other connections' I/O), and while more than the
 * channel's high water mark of its output waits for the socket, its requests wait too (back-pressure: a client
 * that pipelines without reading is slowed down to its reading speed, not buffered without bound). Large bulk
 * values go to the socket from buffers of their own ({@link ReplyWriter.LargeValues}). Pending output is checked
 * against client-output-buffer-limit whenever output is added for the client.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements Connection, ReplyWriter.LargeValues,
        Aof.ReplyHolder {
    private static final byte[] MAX_CLIENTS = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DENIED = ("-DENIED Redis is running in protected mode because protected mode is "
            + "enabled and no password is set for the default user. In this mode connections are only accepted from "
            + "the loopback interface. If you want to connect from external computers to Redis you may adopt one of "
            + "the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
            + "protected-mode no' from the loopback interface by connecting to Redis from the same host the server "
            + "is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG "
            + "REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by "
            + "editing the Redis configuration file, and setting the protected mode option to 'no', and then "
            + "restarting the server. 3) If you started the server manually just for testing, restart it with the "
            + "'--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You "
            + "only need to do one of the above things in order for the server to start accepting connections from "
            + "the outside.\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Engine engine;
    private final Dispatcher dispatcher;
    private final Aof aof;
    /**
     * Under appendfsync always: reply buffers waiting for the AOF to fsync what they may reflect, each with the
     * AOF offset it waits for, in order; null when none wait.
     */
    private java.util.ArrayDeque<Held> held;

    private record Held(ByteBuf replies, long target) {
    }
    private final RequestDecoder decoder = new RequestDecoder();
    private final Runnable flushTask = this::flushNow;
    private final Runnable continueTask = this::continueTurn;
    private final Runnable writableTask = this::writable;
    private ChannelHandlerContext ctx;
    private Client client;
    private ReplyWriter writer;
    private ByteBuf input;
    private boolean closeAfterReply;
    private boolean flushScheduled;
    private boolean closed;
    /** The client yielded its turn with requests left: {@link #continueTask} is scheduled. */
    private boolean yielded;
    /** processInput is on the stack (a slow script below it serves the sockets, this one included). */
    private boolean processing;
    /** More output than the high water mark waits for the socket: requests wait for it to drain. */
    private boolean outputBlocked;
    /** {@link #writableTask} is queued. */
    private boolean writableScheduled;
    /** Auto-read is off: while the client yields or waits for its output to drain, its input stays in the socket. */
    private boolean readingPaused;
    /** Messages written to the channel (large values) and not flushed yet. */
    private boolean unflushed;
    /** Bytes of large values handed to the channel since the turn began. */
    private long spilled;
    /** Reader index where the current batch began: Redis trims its query buffer only after the batch. */
    private int queryStart;
    /** Size the next reply buffer is allocated with, adapted once a second as clientsCronResizeOutputBuffer. */
    private int replyBufferSize = PROTO_REPLY_CHUNK_BYTES;
    /** Most bytes a reply buffer held since the last reset; starts at the buffer's size, as in createClient. */
    private int replyBufferPeak = PROTO_REPLY_CHUNK_BYTES;
    private long replyPeakResetAt;
    /** The descriptor number shown for transports that expose none (NIO), -1 until assigned. */
    private int virtualFd = -1;

    /** PROTO_REPLY_CHUNK_BYTES and PROTO_REPLY_MIN_BYTES: the reply buffer's initial and smallest sizes. */
    static final int PROTO_REPLY_CHUNK_BYTES = 16 * 1024;
    static final int PROTO_REPLY_MIN_BYTES = 1024;
    /** REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME, milliseconds. */
    static final long PEAK_RESET_MILLIS = 5000;
    /** Input a turn may consume: PROTO_IOBUF_LEN, what Redis reads from a client per event. */
    static final int INPUT_SLICE = 16 * 1024;
    /** Output a turn may produce before the client yields to the others. */
    static final int OUTPUT_SLICE = 64 * 1024;
    /**
     * Size of the buffers a large value is copied into. Netty's adaptive pool keeps buffers up to 1 MiB; larger
     * ones are allocated (and zeroed) each time, so a larger value goes out in several buffers.
     */
    static final int VALUE_CHUNK = 256 * 1024;
    /** The channel's write buffer water marks: over the high one a client's requests wait, under the low one they
     * go on. */
    static final int LOW_WATER_MARK = 64 * 1024;
    static final int HIGH_WATER_MARK = 256 * 1024;
    /** TCP_NOTSENT_LOWAT: at most this much unsent output waits in the kernel's socket queue (see NetServer). */
    static final int NOT_SENT_LOW_WATER_MARK = 64 * 1024;

    ClientHandler(Engine engine) {
        this.engine = engine;
        this.dispatcher = engine.dispatcher();
        this.aof = engine.aof();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        writer = new ReplyWriter(ctx.alloc().ioBuffer(replyBufferSize));
        writer.largeValues(this);
        if (engine.clientCount() >= engine.config().maxclients()) {
            engine.stats().rejectedConnections++;
            refuse(ctx, MAX_CLIENTS);
            return;
        }
        if (engine.config().protectedMode() && !engine.config().requiresPassword() && !isLocal()) {
            engine.stats().rejectedConnections++;
            refuse(ctx, DENIED);
            return;
        }
        client = engine.newClient(this, writer);
        ctx.fireChannelActive();
    }

    private void refuse(ChannelHandlerContext ctx, byte[] error) {
        closed = true;
        writer.buffer().release();
        ctx.writeAndFlush(ctx.alloc().buffer(error.length).writeBytes(error)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (client == null || closed) {
            in.release();
            return;
        }
        engine.stats().netInputBytes += in.readableBytes();
        engine.stats().readsProcessed++;
        client.lastInteraction = engine.clock().millis(); // readQueryFromClient: idle counts from the last read
        input = input == null ? in : cumulate(ctx.alloc(), input, in);
        processInput();
    }

    /**
     * Appends {@code in} to the pending input and releases it. The logic of Netty's
     * {@code ByteToMessageDecoder.MERGE_CUMULATOR} (Apache-2.0), kept here so the server needs no codec module.
     */
    private static ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (!cumulation.isReadable() && in.isContiguous()) {
            cumulation.release();
            return in;
        }
        try {
            int required = in.readableBytes();
            if (required > cumulation.maxWritableBytes()
                    || (required > cumulation.maxFastWritableBytes() && cumulation.refCnt() > 1)
                    || cumulation.isReadOnly()) {
                int size = cumulation.readableBytes() + required;
                ByteBuf bigger = alloc.buffer(alloc.calculateNewCapacity(size, Integer.MAX_VALUE));
                bigger.writeBytes(cumulation);
                cumulation.release();
                cumulation = bigger;
            }
            cumulation.writeBytes(in, in.readerIndex(), required);
            in.readerIndex(in.writerIndex());
            return cumulation;
        } finally {
            in.release();
        }
    }

    private void processInput() {
        if (yielded || outputBlocked || client.closeAsap || processing) {
            return; // its turn comes from continueTurn or writable; or it is on the stack below a slow script
        }
        processing = true;
        try {
            processInputNow();
        } finally {
            processing = false;
        }
    }

    private void processInputNow() {
        queryStart = input == null ? 0 : input.readerIndex();
        int sliceEnd = queryStart + INPUT_SLICE;
        spilled = 0;
        boolean yield = false;
        while (input != null && !closeAfterReply && !client.parked() && !client.waitingForScript) {
            boolean decoded;
            try {
                decoder.authRequired(!client.authenticated);
                decoder.maxBulkLength(engine.config().protoMaxBulkLen());
                decoded = decoder.decode(input);
            } catch (ProtocolException e) {
                client.error("ERR " + e.getMessage());
                closeAfterReply();
                break;
            }
            if (!decoded) {
                break;
            }
            client.argv = decoder.argv();
            client.argc = decoder.argc();
            if (dispatcher.execute(client) == Dispatcher.Result.POSTPONED) {
                // the decoder reuses its argument array: keep a copy for when the pause ends
                client.argv = Arrays.copyOf(client.argv, client.argc);
                break;
            }
            if (!client.parked()) {
                client.argc = 0; // no command in flight: argv-mem is 0 between commands (a blocked one keeps its)
            }
            if (client.closeAsap || input == null) {
                break; // input is null when the client left while its slow script served the sockets
            }
            if (input.readerIndex() >= sliceEnd || writer.buffer().readableBytes() + spilled >= OUTPUT_SLICE) {
                yield = input.isReadable(); // requests are left: the other clients first
                break;
            }
        }
        if (input != null) {
            if (!input.isReadable()) {
                input.release();
                input = null;
            } else {
                if (input.readableBytes() > engine.config().clientQueryBufferLimit()) {
                    close(); // Redis: "closing client that reached max query buffer length"
                    return;
                }
                input.discardSomeReadBytes();
                queryStart = input.readerIndex();
            }
        }
        if (yield) {
            yieldTurn();
        } else if (readingPaused) {
            resumeReading();
        }
    }

    /**
     * Ends the client's turn with requests left: its output goes to the socket, its input stays there, and it goes
     * on after the event loop's next round of I/O (a task scheduled now runs only then, unlike one executed now,
     * which would run before any I/O), or once its output has drained if the socket did not take it.
     */
    private void yieldTurn() {
        flushNow();
        if (closed) {
            return;
        }
        pauseReading();
        if (!outputBlocked && !yielded) {
            yielded = true;
            ctx.executor().schedule(continueTask, 0, TimeUnit.NANOSECONDS);
        }
    }

    private void continueTurn() {
        yielded = false;
        if (closed || client == null) {
            return;
        }
        processInput();
        flushNow();
    }

    private void pauseReading() {
        if (!readingPaused) {
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resumeReading() {
        if (readingPaused && !yielded && !outputBlocked && !closed && !client.closeAsap) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushNow();
    }

    private void flushNow() {
        flushScheduled = false;
        if (closed || writer == null) {
            return;
        }
        ByteBuf out = writer.buffer();
        if (client != null && (client.closeAsap || overOutputLimit())) {
            out.clear(); // nothing more goes to a client being closed for its output buffer limit
            return;
        }
        if ((held != null || aof.mustHold()) && holdOutput()) {
            return; // released by releaseHeld once the AOF has fsynced
        }
        out = writer.buffer();
        boolean handOver = out.isReadable();
        if (handOver) {
            int n = out.readableBytes();
            if (n > replyBufferPeak) {
                replyBufferPeak = n;
            }
            engine.stats().netOutputBytes += n;
            engine.stats().writesProcessed++;
            writer.buffer(ctx.alloc().ioBuffer(replyBufferSize));
        }
        if (closeAfterReply) {
            closed = true;
            if (handOver || unflushed) {
                ctx.writeAndFlush(handOver ? out : Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        if (handOver) {
            ctx.write(out, ctx.voidPromise());
            unflushed = true;
        }
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
        if (!outputBlocked && !ctx.channel().isWritable()) {
            outputBlocked = true; // back-pressure: the peer isn't reading its replies
            pauseReading();
        }
    }

    /**
     * appendfsync always (Redis writes and fsyncs the AOF before it writes any reply of the round): the replies so
     * far wait until the AOF has fsynced everything fed up to now, which covers every write they may acknowledge
     * or reflect; then they go out in order. Many clients' replies wait for the same fsync. Returns true while
     * replies are still waiting.
     */
    private boolean holdOutput() {
        ByteBuf out = writer.buffer();
        long target = aof.fed();
        if (out.isReadable() && (held != null || target > aof.durable())) {
            if (held == null) {
                held = new java.util.ArrayDeque<>();
            }
            held.add(new Held(out, target));
            writer.buffer(ctx.alloc().ioBuffer(replyBufferSize));
            aof.await(this, target);
        }
        if (held == null) {
            return false;
        }
        long durable = aof.durable();
        Held h;
        while ((h = held.peek()) != null && h.target <= durable) {
            held.poll();
            int n = h.replies.readableBytes();
            if (n > replyBufferPeak) {
                replyBufferPeak = n;
            }
            engine.stats().netOutputBytes += n;
            engine.stats().writesProcessed++;
            ctx.write(h.replies, ctx.voidPromise());
            unflushed = true;
        }
        if (!held.isEmpty()) {
            if (unflushed) {
                unflushed = false;
                ctx.flush();
            }
            return true;
        }
        held = null;
        return false;
    }

    @Override
    public void releaseHeld() {
        if (!closed && held != null) {
            flushNow();
        }
    }

    /** Netty tells this from inside a write or a flush too: the client goes on in a task of its own. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (outputBlocked && !writableScheduled && ctx.channel().isWritable()) {
            writableScheduled = true;
            ctx.executor().execute(writableTask);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The socket took enough of the output: the client's requests run again. */
    private void writable() {
        writableScheduled = false;
        if (closed || client == null || !outputBlocked || !ctx.channel().isWritable()) {
            return;
        }
        outputBlocked = false;
        processInput();
        flushNow();
    }

    /**
     * Whether the output waiting for this client (the reply buffer and the channel's outbound queue) is over its
     * class's client-output-buffer-limit; if so the client is scheduled to close, as Redis's
     * closeClientOnOutputBufferLimitReached with async set, and logged as Redis logs it.
     */
    private boolean overOutputLimit() {
        if (!OutputBufferLimits.limited(client)) {
            return false;
        }
        long used = writer.buffer().readableBytes() + outputListBytes();
        if (!OutputBufferLimits.reached(client, used)) {
            return false;
        }
        String info = ClientCommands.appendInfo(new StringBuilder(), client).toString();
        client.closeAsap = true;
        engine.log().warning("Client " + info + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        pauseReading();
        ctx.executor().execute(this::close); // not now: the client may be in the middle of a PUBLISH's loop
        return true;
    }

    /**
     * A large bulk value: the replies so far (its header included) go to the channel as they are, the value follows
     * in pooled buffers of its own, and replies go on in a fresh reply buffer; flushed with the rest. Not while the
     * reply may still be taken back (CLIENT REPLY OFF or SKIP).
     */
    @Override
    public boolean write(byte[] value, int offset, int length) {
        if (closed || client == null || client.replyMode != Client.REPLY_ON || client.closeAsap || held != null
                || aof.mustHold()) {
            return false; // waiting for the AOF: the value stays in the reply buffer, behind what waits
        }
        ByteBuf out = writer.buffer();
        int n = out.readableBytes();
        if (n > replyBufferPeak) {
            replyBufferPeak = n;
        }
        engine.stats().netOutputBytes += n + length;
        ctx.write(out, ctx.voidPromise());
        int end = offset + length;
        for (int at = offset; at < end; at += VALUE_CHUNK) {
            int size = Math.min(VALUE_CHUNK, end - at);
            ctx.write(ctx.alloc().ioBuffer(size).writeBytes(value, at, size), ctx.voidPromise());
        }
        writer.buffer(ctx.alloc().ioBuffer(replyBufferSize));
        spilled += length;
        unflushed = true;
        return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (client != null) {
            engine.clientClosed(client);
        }
        if (input != null) {
            input.release();
            input = null;
        }
        if (writer != null && writer.buffer().refCnt() > 0) {
            writer.buffer().release();
        }
        if (held != null) {
            for (Held h : held) {
                h.replies.release();
            }
            held = null;
        }
        if (virtualFd >= 0) {
            engine.releaseVirtualFd(virtualFd);
            virtualFd = -1;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // connection resets and the like: the client goes, the server stays
        ctx.close();
    }

    // ---- Connection ----

    /** Output was added for this client by another (a message, a MONITOR line, an unblocked reply). */
    @Override
    public void flushSoon() {
        if (closed) {
            return;
        }
        if (client != null && (client.closeAsap || overOutputLimit())) {
            writer.buffer().clear();
            return;
        }
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    @Override
    public void closeAfterReply() {
        closeAfterReply = true;
        flushSoon();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ctx.close();
        }
    }

    @Override
    public String remoteAddress() {
        return format(ctx.channel().remoteAddress());
    }

    @Override
    public String localAddress() {
        return format(ctx.channel().localAddress());
    }

    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return host + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public boolean isLocal() {
        SocketAddress address = ctx.channel().remoteAddress();
        return !(address instanceof InetSocketAddress inet) || inet.getAddress() == null
                || inet.getAddress().isLoopbackAddress();
    }

    @Override
    public void resume() {
        if (closed || client == null) {
            return;
        }
        if (dispatcher.execute(client) == Dispatcher.Result.POSTPONED) {
            return;
        }
        if (!client.parked()) {
            client.argc = 0;
        }
        processInput();
        flushSoon();
    }

    @Override
    public void continueInput() {
        if (closed || client == null) {
            return;
        }
        processInput();
        flushSoon();
    }

    /** Unconsumed input plus the bytes of a partly read argument (Redis keeps those in its query buffer). */
    @Override
    public int queryBufferBytes() {
        int pending = input == null ? 0 : input.writerIndex() - Math.min(queryStart, input.readerIndex());
        return pending + decoder.partialBulkBytes();
    }

    @Override
    public long pendingArgvBytes() {
        return decoder.partialArgvBytes();
    }

    @Override
    public int queryBufferFree() {
        return input == null ? 0 : input.writableBytes();
    }

    /** The socket's descriptor under epoll; under NIO a number handed out as the kernel would (lowest free). */
    @Override
    public int fd() {
        if (ctx.channel() instanceof io.netty.channel.epoll.EpollSocketChannel epoll) {
            return epoll.fd().intValue();
        }
        if (virtualFd < 0 && !closed) {
            virtualFd = engine.allocateVirtualFd();
        }
        return virtualFd;
    }

    @Override
    public int outputBufferBytes() {
        return writer == null ? 0 : writer.buffer().readableBytes();
    }

    @Override
    public int replyBufferSize() {
        return writer == null ? 0 : writer.buffer().capacity();
    }

    @Override
    public int replyBufferPeak() {
        return Math.max(replyBufferPeak, outputBufferBytes());
    }

    private io.netty.channel.ChannelOutboundBuffer outbound() {
        return ctx == null ? null : ctx.channel().unsafe().outboundBuffer();
    }

    @Override
    public long outputListLength() {
        io.netty.channel.ChannelOutboundBuffer ob = outbound();
        return ob == null ? 0 : ob.size();
    }

    @Override
    public long outputListBytes() {
        io.netty.channel.ChannelOutboundBuffer ob = outbound();
        return ob == null ? 0 : ob.totalPendingWriteBytes();
    }

    @Override
    public String events() {
        if (closed) {
            return "";
        }
        return outputListBytes() > 0 ? "rw" : "r";
    }

    /**
     * clientsCronResizeOutputBuffer: shrink the reply buffer to the recent peak when it used less than half of
     * it, double it (up to 16 KiB) when replies filled it; reset the peak every 5 seconds.
     */
    @Override
    public void cron(long nowMillis) {
        if (closed || writer == null) {
            return;
        }
        int size = replyBufferSize;
        int newSize = 0;
        if (size / 2 >= PROTO_REPLY_MIN_BYTES && replyBufferPeak < size / 2) {
            newSize = Math.max(PROTO_REPLY_MIN_BYTES, replyBufferPeak + 1);
            engine.stats().replyBufferShrinks++;
        } else if (size * 2 < PROTO_REPLY_CHUNK_BYTES * 2 && replyBufferPeak >= size) {
            newSize = Math.min(PROTO_REPLY_CHUNK_BYTES, size * 2);
            engine.stats().replyBufferExpands++;
        }
        if (nowMillis - replyPeakResetAt >= PEAK_RESET_MILLIS) {
            replyBufferPeak = writer.buffer().readableBytes();
            replyPeakResetAt = nowMillis;
        }
        if (newSize != 0) {
            replyBufferSize = newSize;
            ByteBuf current = writer.buffer();
            if (!current.isReadable()) {
                writer.buffer(ctx.alloc().ioBuffer(newSize));
                current.release();
            }
        }
    }
}
