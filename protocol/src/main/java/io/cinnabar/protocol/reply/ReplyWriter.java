package io.cinnabar.protocol.reply;

import io.cinnabar.protocol.bytes.DoubleFormat;
import io.cinnabar.protocol.bytes.Numbers;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies straight into the connection's outbound buffer, in the protocol the client chose with HELLO.
 * RESP3-only types degrade as Redis degrades them for RESP2 clients: maps become flat arrays, sets arrays,
 * doubles bulk strings, booleans integers, verbatim strings bulk strings, nulls {@code $-1} or {@code *-1}.
 * Not thread-safe: one writer per connection, used on the executor thread.
 */
public final class ReplyWriter {
    /** CRLF as one big-endian short: a two-byte copy from an array costs a call, a short store does not. */
    private static final int CRLF_SHORT = ('\r' << 8) | '\n';
    private static final int HEADER_CACHE = 1024;
    private static final byte[][] BULK_HEADERS = headers('$');
    private static final byte[][] ARRAY_HEADERS = headers('*');

    /**
     * Bulk values from this size on may go to {@link LargeValues} instead of through the reply buffer: copying a
     * large value into the buffer grows it by doubling, copying it again each time.
     */
    public static final int LARGE_VALUE = 32 * 1024;

    private ByteBuf out;
    private int protocol = 2;
    private LargeValues large;

    /**
     * Takes a large bulk value off the reply buffer: a connection hands the buffer so far (the value's header
     * included) to its transport, sends the value from a buffer of its own and installs a fresh reply buffer with
     * {@link #buffer(ByteBuf)}; the writer then adds the value's CRLF there.
     */
    public interface LargeValues {
        /**
         * Sends {@code value[offset, offset + length)} after the buffered replies, or returns false to leave it to
         * the reply buffer (a reply that may still be taken back, say).
         */
        boolean write(byte[] value, int offset, int length);
    }

    public ReplyWriter(ByteBuf out) {
        this.out = out;
    }

    private static byte[][] headers(char type) {
        byte[][] h = new byte[HEADER_CACHE][];
        for (int i = 0; i < HEADER_CACHE; i++) {
            h[i] = (type + Integer.toString(i) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        return h;
    }

    public ByteBuf buffer() {
        return out;
    }

    public void buffer(ByteBuf out) {
        this.out = out;
    }

    /** Where large bulk values go (null: into the reply buffer like the rest). */
    public void largeValues(LargeValues large) {
        this.large = large;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol >= 3;
    }

    /** A reply encoded once in advance, such as {@link Replies#OK}. */
    public void raw(byte[] encoded) {
        out.writeBytes(encoded);
    }

    /** {@link #raw(byte[])} for the first {@code length} bytes of {@code encoded}. */
    public void raw(byte[] encoded, int length) {
        out.writeBytes(encoded, 0, length);
    }

    public void ok() {
        out.writeBytes(Replies.OK);
    }

    public void simple(byte[] text) {
        out.writeByte('+');
        out.writeBytes(text);
        out.writeShort(CRLF_SHORT);
    }

    public void simple(String text) {
        simple(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An error reply. {@code message} starts with its code ({@code ERR ...}, {@code WRONGTYPE ...}); line breaks
     * become spaces as Redis's addReplyErrorLength makes them, so a reply never spans lines.
     */
    public void error(String message) {
        error(message.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #error(String)} for a message given as bytes (binary-safe). */
    public void error(byte[] bytes) {
        out.writeByte('-');
        for (byte b : bytes) {
            out.writeByte(b == '\r' || b == '\n' ? ' ' : b);
        }
        out.writeShort(CRLF_SHORT);
    }

    public void integer(long value) {
        out.writeByte(':');
        Numbers.write(out, value);
        out.writeShort(CRLF_SHORT);
    }

    public void bulk(byte[] value) {
        bulkHeader(value.length);
        if (value.length < LARGE_VALUE || large == null || !large.write(value, 0, value.length)) {
            out.writeBytes(value);
        }
        out.writeShort(CRLF_SHORT);
    }

    public void bulk(byte[] value, int offset, int length) {
        bulkHeader(length);
        if (length < LARGE_VALUE || large == null || !large.write(value, offset, length)) {
            out.writeBytes(value, offset, length);
        }
        out.writeShort(CRLF_SHORT);
    }

    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** An integer sent as a bulk string, as Redis replies string values that are int-encoded. */
    public void bulkLong(long value) {
        bulkHeader(Numbers.digits(value));
        Numbers.write(out, value);
        out.writeShort(CRLF_SHORT);
    }

    public void bulkHeader(int length) {
        if (length < HEADER_CACHE) {
            out.writeBytes(BULK_HEADERS[length]);
        } else {
            out.writeByte('$');
            Numbers.write(out, length);
            out.writeShort(CRLF_SHORT);
        }
    }

    /** The missing bulk string: {@code $-1} in RESP2, {@code _} in RESP3. */
    public void nullBulk() {
        out.writeBytes(protocol >= 3 ? Replies.NULL3 : Replies.NULL_BULK);
    }

    /** The missing array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() {
        out.writeBytes(protocol >= 3 ? Replies.NULL3 : Replies.NULL_ARRAY);
    }

    public void array(int length) {
        if (length < HEADER_CACHE) {
            out.writeBytes(ARRAY_HEADERS[length]);
        } else {
            aggregate('*', length);
        }
    }

    /** A map of {@code pairs} key/value pairs; the caller writes 2 * pairs elements. */
    public void map(int pairs) {
        if (protocol >= 3) {
            aggregate('%', pairs);
        } else {
            array(pairs * 2);
        }
    }

    public void set(int length) {
        if (protocol >= 3) {
            aggregate('~', length);
        } else {
            array(length);
        }
    }

    /** Out-of-band data (pub/sub, tracking): {@code >} in RESP3, a plain array in RESP2. */
    public void push(int length) {
        if (protocol >= 3) {
            aggregate('>', length);
        } else {
            array(length);
        }
    }

    private void aggregate(char type, long length) {
        out.writeByte(type);
        Numbers.write(out, length);
        out.writeShort(CRLF_SHORT);
    }

    /** A double as Redis 7.0 sends it: {@code %.17g}, a bulk string in RESP2 and a {@code ,} double in RESP3. */
    public void doubleValue(double value) {
        byte[] text = DoubleFormat.g17(value);
        if (protocol >= 3) {
            out.writeByte(',');
            out.writeBytes(text);
            out.writeShort(CRLF_SHORT);
        } else {
            bulk(text);
        }
    }

    public void bool(boolean value) {
        if (protocol >= 3) {
            out.writeBytes(value ? Replies.TRUE3 : Replies.FALSE3);
        } else {
            out.writeBytes(value ? Replies.ONE : Replies.ZERO);
        }
    }

    /** A verbatim string ({@code =} with a 3-letter format such as "txt"); a bulk string in RESP2. */
    public void verbatim(String format, byte[] text) {
        if (protocol >= 3) {
            out.writeByte('=');
            Numbers.write(out, text.length + 4);
            out.writeShort(CRLF_SHORT);
            out.writeBytes(format.getBytes(StandardCharsets.US_ASCII));
            out.writeByte(':');
            out.writeBytes(text);
            out.writeShort(CRLF_SHORT);
        } else {
            bulk(text);
        }
    }

    /** A big number ({@code (} in RESP3); a bulk string in RESP2. */
    public void bigNumber(byte[] digits) {
        if (protocol >= 3) {
            out.writeByte('(');
            out.writeBytes(digits);
            out.writeShort(CRLF_SHORT);
        } else {
            bulk(digits);
        }
    }
}
