package io.cinnabar.server.persist;

import java.io.IOException;

/**
 * Bad RDB data: what was wrong and at which byte offset of the file or payload, so a refused file names the place
 * (the caller adds the file name). DUMP/RESTORE turn it into Redis's {@code Bad data format}.
 */
public final class RdbFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public RdbFormatException(String what, long offset) {
        super(what + " at offset " + offset);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
