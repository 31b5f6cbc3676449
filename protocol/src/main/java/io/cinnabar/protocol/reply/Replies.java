package io.cinnabar.protocol.reply;

import java.nio.charset.StandardCharsets;

/** Replies encoded once and shared by every connection. Never modify these arrays. */
public final class Replies {
    public static final byte[] OK = encode("+OK\r\n");
    public static final byte[] PONG = encode("+PONG\r\n");
    public static final byte[] QUEUED = encode("+QUEUED\r\n");
    public static final byte[] ZERO = encode(":0\r\n");
    public static final byte[] ONE = encode(":1\r\n");
    public static final byte[] MINUS_ONE = encode(":-1\r\n");
    public static final byte[] MINUS_TWO = encode(":-2\r\n");
    public static final byte[] NULL_BULK = encode("$-1\r\n");
    public static final byte[] NULL_ARRAY = encode("*-1\r\n");
    public static final byte[] NULL3 = encode("_\r\n");
    public static final byte[] EMPTY_ARRAY = encode("*0\r\n");
    public static final byte[] EMPTY_BULK = encode("$0\r\n\r\n");
    public static final byte[] TRUE3 = encode("#t\r\n");
    public static final byte[] FALSE3 = encode("#f\r\n");

    private Replies() {
    }

    public static byte[] encode(String resp) {
        return resp.getBytes(StandardCharsets.UTF_8);
    }
}
