package io.cinnabar.protocol;

import io.cinnabar.protocol.bytes.Numbers;
import io.netty.buffer.ByteBuf;

/**
 * Incremental decoder of client requests: RESP multibulk ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline
 * commands ({@code GET k\r\n}), with Redis 7.0's limits and error texts ({@code processMultibulkBuffer} and
 * {@code processInlineBuffer} in networking.c).
 *
 * <p>The decoder keeps its position between calls, so a pipeline may arrive split at any byte. Each argument is
 * copied once into its own {@code byte[]}, which the command may keep (a SET stores the value array as is).
 * Not thread-safe: one decoder per connection.
 */
public final class RequestDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: longest inline request and longest count line. */
    public static final int INLINE_MAX_SIZE = 64 * 1024;
    /** Bulk arguments bigger than this are filled as they arrive instead of being allocated whole up front. */
    private static final int BIG_ARG = 64 * 1024;
    /**
     * Requests whose bytes fit in this many bytes are decoded in one pass from a copy (see {@link #decodeWhole}):
     * first the small window (most requests), then, for a request that runs past it, the wide one.
     */
    private static final int WINDOW = 256;
    private static final int WIDE_WINDOW = 4096;
    /** Most arguments a request decoded in one pass may have. */
    private static final int WINDOW_MAX_ARGS = 64;
    /** What {@link #parseWindow} found: a request, one that runs past the copied bytes, or one to leave alone. */
    private static final int WHOLE = 1;
    private static final int CUT = 0;
    private static final int NOT_PLAIN = -1;

    private long maxBulkLength = 512L * 1024 * 1024;
    private boolean authRequired;

    private byte[][] argv = new byte[8][];
    private int argc;
    /** Arguments still expected in the current multibulk request; 0 when between requests. */
    private int multibulkRemaining;
    /** Length of the bulk argument being read, or -1 when its {@code $} line has not been read yet. */
    private long bulkLength = -1;
    private byte[] bulk;
    private int bulkFilled;
    /** The first bytes of the input, copied out at once for {@link #decodeWhole}. */
    private byte[] window = new byte[WINDOW];

    public void maxBulkLength(long bytes) {
        this.maxBulkLength = bytes;
    }

    /** While a client has not authenticated, Redis refuses large counts before allocating for them. */
    public void authRequired(boolean required) {
        this.authRequired = required;
    }

    /** Arguments of the last complete request; valid until the next call of {@link #decode}. */
    public byte[][] argv() {
        return argv;
    }

    public int argc() {
        return argc;
    }

    /** Bytes of a bulk argument read so far while it is incomplete (they left the buffer early). */
    public int partialBulkBytes() {
        return bulk == null ? 0 : bulkFilled;
    }

    /** Bytes of the complete arguments of a request still being read (Redis's argv_len_sum meanwhile). */
    public long partialArgvBytes() {
        if (multibulkRemaining == 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < argc; i++) {
            sum += argv[i].length;
        }
        return sum;
    }

    /** True while part of a request has been read but not all of it. */
    public boolean midRequest() {
        return multibulkRemaining > 0;
    }

    /**
     * Reads the next complete request from {@code in}, consuming its bytes.
     *
     * @return true when {@link #argv()} holds a request; false when more input is needed
     */
    public boolean decode(ByteBuf in) throws ProtocolException {
        while (true) {
            if (multibulkRemaining == 0) {
                if (!in.isReadable()) {
                    return false;
                }
                argc = 0;
                if (in.getByte(in.readerIndex()) == '*') {
                    if (decodeWhole(in)) {
                        return true;
                    }
                    int status = readMultibulkCount(in);
                    if (status < 0) {
                        return false;
                    }
                    if (status == 0) {
                        continue; // *0 or *-1: an empty request, skipped silently
                    }
                } else {
                    int status = readInline(in);
                    if (status < 0) {
                        return false;
                    }
                    if (status == 0) {
                        continue; // blank line
                    }
                    return true;
                }
            }
            if (!readBulks(in)) {
                return false;
            }
            return true;
        }
    }

    /**
     * The common case in one pass: a small, well-formed multibulk request that has arrived whole is parsed from one
     * copy of the input's first bytes, with plain array reads instead of a call into the buffer per byte and per
     * line. Anything else (a request not all there or longer than the wide window, many arguments, a count or
     * length that is not plain digits, a length line without its CRLF) returns false having changed nothing, and the
     * incremental path decodes it with its errors and limits; no request it accepts could fail those limits.
     */
    private boolean decodeWhole(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.writerIndex() - start;
        int n = Math.min(available, WINDOW);
        if (n < 4) {
            return false;
        }
        in.getBytes(start, window, 0, n);
        int found = parseWindow(n);
        if (found == CUT && n < available) {
            n = Math.min(available, WIDE_WINDOW); // a larger request (MSET, HSET of many fields): once more, wider
            if (window.length < n) {
                window = new byte[WIDE_WINDOW];
            }
            in.getBytes(start, window, 0, n);
            found = parseWindow(n);
        }
        if (found != WHOLE) {
            return false;
        }
        in.readerIndex(start + windowUsed);
        return true;
    }

    /** Bytes of the window the last {@link #parseWindow} that found a request took. */
    private int windowUsed;

    /** Parses a request from the first {@code n} bytes of the window into argv. */
    private int parseWindow(int n) {
        byte[] w = window;
        int p = 1;
        int count = 0;
        while (p < n && p < 4 && w[p] >= '0' && w[p] <= '9') {
            count = count * 10 + (w[p++] - '0');
        }
        if (p + 1 >= n) {
            return CUT;
        }
        if (p == 1 || w[1] == '0' || w[p] != '\r' || w[p + 1] != '\n' || count > WINDOW_MAX_ARGS
                || (count > 10 && authRequired)) {
            return NOT_PLAIN;
        }
        p += 2;
        if (argv.length < count || argv.length > 1024) {
            argv = new byte[Math.max(8, count)][];
        }
        for (int i = 0; i < count; i++) {
            if (p >= n) {
                return CUT;
            }
            if (w[p] != '$') {
                return NOT_PLAIN;
            }
            int digitsStart = ++p;
            int len = 0;
            while (p < n && p - digitsStart < 4 && w[p] >= '0' && w[p] <= '9') {
                len = len * 10 + (w[p++] - '0');
            }
            if (p + 1 >= n) {
                return CUT; // the length line runs to the window's end: a wider window may hold it
            }
            if (p == digitsStart || (w[digitsStart] == '0' && p - digitsStart > 1) || w[p] != '\r'
                    || w[p + 1] != '\n') {
                return NOT_PLAIN;
            }
            p += 2;
            if (p + len + 2 > n) {
                return CUT;
            }
            argv[i] = java.util.Arrays.copyOfRange(w, p, p + len);
            p += len + 2; // Redis skips the two bytes after the payload without looking at them; so do we
        }
        argc = count;
        windowUsed = p;
        return WHOLE;
    }

    /** Returns -1 if more input is needed, 0 for an empty request, 1 when a count was read. */
    private int readMultibulkCount(ByteBuf in) throws ProtocolException {
        int start = in.readerIndex();
        int cr = in.indexOf(start, in.writerIndex(), (byte) '\r');
        if (cr < 0) {
            if (in.readableBytes() > INLINE_MAX_SIZE) {
                throw new ProtocolException("Protocol error: too big mbulk count string");
            }
            return -1;
        }
        if (cr + 1 >= in.writerIndex()) {
            return -1; // the \n of \r\n has not arrived
        }
        long count = Numbers.parseLong(in, start + 1, cr - start - 1);
        if (count == Numbers.NOT_A_NUMBER && !Numbers.isLong(in, start + 1, cr - start - 1)
                || count > Integer.MAX_VALUE) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        if (count > 10 && authRequired) {
            throw new ProtocolException("Protocol error: unauthenticated multibulk length");
        }
        in.readerIndex(cr + 2);
        if (count <= 0) {
            return 0;
        }
        multibulkRemaining = (int) count;
        if (argv.length < count) {
            // as Redis: room for at most 1M arguments up front (a count is cheap to send), more as they arrive
            argv = new byte[(int) Math.min(count, 1024 * 1024)][];
        } else if (argv.length > 1024 && count <= 1024) {
            argv = new byte[8][]; // let go of a huge earlier request's arguments
        }
        bulkLength = -1;
        return 1;
    }

    private boolean readBulks(ByteBuf in) throws ProtocolException {
        while (multibulkRemaining > 0) {
            if (bulkLength < 0) {
                int start = in.readerIndex();
                int cr = in.indexOf(start, in.writerIndex(), (byte) '\r');
                if (cr < 0) {
                    if (in.readableBytes() > INLINE_MAX_SIZE) {
                        throw new ProtocolException("Protocol error: too big bulk count string");
                    }
                    return false;
                }
                if (cr + 1 >= in.writerIndex()) {
                    return false;
                }
                byte first = in.getByte(start);
                if (first != '$') {
                    throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
                }
                long length = Numbers.parseLong(in, start + 1, cr - start - 1);
                boolean valid = length != Numbers.NOT_A_NUMBER || Numbers.isLong(in, start + 1, cr - start - 1);
                if (!valid || length < 0 || length > maxBulkLength) {
                    throw new ProtocolException("Protocol error: invalid bulk length");
                }
                if (length > 16384 && authRequired) {
                    throw new ProtocolException("Protocol error: unauthenticated bulk length");
                }
                in.readerIndex(cr + 2);
                bulkLength = length;
                bulk = new byte[(int) Math.min(length, BIG_ARG)];
                bulkFilled = 0;
            }
            int want = (int) (bulkLength - bulkFilled);
            int available = in.readableBytes();
            if (want > 0) {
                int take = Math.min(want, available);
                if (take > 0) {
                    if (bulkFilled + take > bulk.length) {
                        long grown = Math.max((long) bulk.length * 2, bulkFilled + (long) take);
                        bulk = java.util.Arrays.copyOf(bulk, (int) Math.min(grown, bulkLength));
                    }
                    in.readBytes(bulk, bulkFilled, take);
                    bulkFilled += take;
                    available -= take;
                }
                if (bulkFilled < bulkLength) {
                    return false;
                }
            }
            // Redis skips the two bytes after the payload without looking at them; so do we.
            if (available < 2) {
                return false;
            }
            in.skipBytes(2);
            if (argc == argv.length) {
                argv = java.util.Arrays.copyOf(argv, (int) Math.min((long) argc * 2, (long) argc + multibulkRemaining));
            }
            argv[argc++] = bulk;
            bulk = null;
            bulkLength = -1;
            multibulkRemaining--;
        }
        return true;
    }

    /** Returns -1 if more input is needed, 0 for a blank line, 1 when argv holds a request. */
    private int readInline(ByteBuf in) throws ProtocolException {
        int start = in.readerIndex();
        // Redis looks for the newline with strchr, which stops at a NUL byte: past one, it waits for more
        int nul = in.indexOf(start, in.writerIndex(), (byte) 0);
        int nl = in.indexOf(start, nul < 0 ? in.writerIndex() : nul, (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > INLINE_MAX_SIZE) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return -1;
        }
        int end = nl;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        argc = InlineSplitter.split(in, start, end, this);
        if (argc < 0) {
            argc = 0;
            throw new ProtocolException("Protocol error: unbalanced quotes in request");
        }
        in.readerIndex(nl + 1);
        return argc == 0 ? 0 : 1;
    }

    void addInlineArg(int index, byte[] arg) {
        if (index >= argv.length) {
            argv = java.util.Arrays.copyOf(argv, argv.length * 2);
        }
        argv[index] = arg;
    }
}
