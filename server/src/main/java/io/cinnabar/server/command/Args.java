package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;

/** Argument parsing with Redis's rules and replies. Each returns false after replying the error. */
final class Args {
    private Args() {
    }

    /** getLongLongFromObjectOrReply: the value lands in {@code c.parsedLong}. */
    static boolean longArg(Client c, int index) {
        return longArg(c, index, Errors.NOT_INTEGER);
    }

    static boolean longArg(Client c, int index, ErrorReply error) {
        byte[] a = c.argv[index];
        long v = Numbers.parseLong(a);
        if (v == Numbers.NOT_A_NUMBER && !Numbers.isLong(a)) {
            c.error(error);
            return false;
        }
        c.parsedLong = v;
        return true;
    }

    /** A long within [min, max], else {@code error}. */
    static boolean longArg(Client c, int index, long min, long max, ErrorReply error) {
        if (!longArg(c, index, error)) {
            return false;
        }
        if (c.parsedLong < min || c.parsedLong > max) {
            c.error(error);
            return false;
        }
        return true;
    }

    private static final ErrorReply INT_RANGE =
            Errors.of("ERR value is out of range, value must between -2147483648 and 2147483647");

    /** getIntFromObjectOrReply without a message: not a number and out of int range answer differently. */
    static boolean intArg(Client c, int index) {
        if (!longArg(c, index, Errors.NOT_INTEGER)) {
            return false;
        }
        if (c.parsedLong < Integer.MIN_VALUE || c.parsedLong > Integer.MAX_VALUE) {
            c.error(INT_RANGE);
            return false;
        }
        return true;
    }

    static boolean is(byte[] arg, String lowerName) {
        return io.cinnabar.protocol.bytes.Ascii.equalsIgnoreCase(arg, lowerName);
    }

    static String string(byte[] arg) {
        return new String(arg, java.nio.charset.StandardCharsets.UTF_8);
    }
}
