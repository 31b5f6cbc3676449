package io.cinnabar.server.error;

import java.nio.charset.StandardCharsets;

/** An error reply encoded once: its wire bytes and its code (the first word), which INFO errorstats counts by. */
public final class ErrorReply {
    public final byte[] encoded;
    public final String code;
    /** The text after the '-', code included. */
    public final String message;

    ErrorReply(String message) {
        this.message = message;
        this.encoded = ("-" + message + "\r\n").getBytes(StandardCharsets.UTF_8);
        this.code = io.cinnabar.server.exec.Stats.errorCode(message);
    }
}
