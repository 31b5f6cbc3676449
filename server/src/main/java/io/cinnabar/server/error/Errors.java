package io.cinnabar.server.error;

/** Redis 7.0's error texts, byte for byte (shared.* in server.c and the commands' own). */
public final class Errors {
    public static final ErrorReply WRONGTYPE =
            new ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static final ErrorReply SYNTAX = new ErrorReply("ERR syntax error");
    public static final ErrorReply NOT_INTEGER = new ErrorReply("ERR value is not an integer or out of range");
    public static final ErrorReply NOT_FLOAT = new ErrorReply("ERR value is not a valid float");
    public static final ErrorReply NO_SUCH_KEY = new ErrorReply("ERR no such key");
    public static final ErrorReply OUT_OF_RANGE = new ErrorReply("ERR index out of range");
    public static final ErrorReply DB_OUT_OF_RANGE = new ErrorReply("ERR DB index is out of range");
    public static final ErrorReply INCR_OVERFLOW = new ErrorReply("ERR increment or decrement would overflow");
    public static final ErrorReply NAN_OR_INFINITY = new ErrorReply("ERR increment would produce NaN or Infinity");
    public static final ErrorReply NOAUTH = new ErrorReply("NOAUTH Authentication required.");
    public static final ErrorReply WRONGPASS =
            new ErrorReply("WRONGPASS invalid username-password pair or user is disabled.");
    public static final ErrorReply NOPROTO = new ErrorReply("NOPROTO unsupported protocol version");
    public static final ErrorReply STRING_TOO_LONG = new ErrorReply("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    public static final ErrorReply OFFSET_OUT_OF_RANGE = new ErrorReply("ERR offset is out of range");
    public static final ErrorReply SAME_OBJECT = new ErrorReply("ERR source and destination objects are the same");
    public static final ErrorReply INVALID_CURSOR = new ErrorReply("ERR invalid cursor");
    public static final ErrorReply TIMEOUT_NOT_INTEGER =
            new ErrorReply("ERR timeout is not an integer or out of range");
    public static final ErrorReply TIMEOUT_NEGATIVE = new ErrorReply("ERR timeout is negative");
    public static final ErrorReply CLIENT_NAME_SPACES =
            new ErrorReply("ERR Client names cannot contain spaces, newlines or special characters.");
    public static final ErrorReply NO_SUCH_CLIENT = new ErrorReply("ERR No such client");
    public static final ErrorReply DEBUG_DISABLED = new ErrorReply("ERR DEBUG command not allowed. If the "
            + "enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise "
            + "you need to set this option in the configuration file, and then restart the server.");

    private Errors() {
    }

    /** An error encoded on demand, for texts with variable parts. */
    public static ErrorReply of(String message) {
        return new ErrorReply(message);
    }
}
