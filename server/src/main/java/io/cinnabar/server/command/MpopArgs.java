package io.cinnabar.server.command;

import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;

/**
 * The arguments LMPOP, BLMPOP, ZMPOP and BZMPOP share, parsed in the order of Redis 7.0's lmpopGenericCommand and
 * zmpopGenericCommand: numkeys, the keys, a side word (read by the command), then an optional COUNT.
 */
final class MpopArgs {
    private static final ErrorReply NUMKEYS = Errors.of("ERR numkeys should be greater than 0");
    private static final ErrorReply COUNT_POSITIVE = Errors.of("ERR count should be greater than 0");

    private MpopArgs() {
    }

    /** numkeys at {@code numKeysIdx}; returns the index of the side word after the keys, or -1 after an error. */
    static int sideIndex(Client c, int numKeysIdx) {
        if (!Args.longArg(c, numKeysIdx, 1, Long.MAX_VALUE, NUMKEYS)) {
            return -1;
        }
        long numKeys = c.parsedLong;
        if (numKeys > c.argc - numKeysIdx - 2) { // where_idx = numkeys_idx + numkeys + 1 must be an argument
            c.syntaxError();
            return -1;
        }
        return numKeysIdx + (int) numKeys + 1;
    }

    /** The optional {@code COUNT n} after the side word: n, 1 when absent, or -1 after an error. */
    static long count(Client c, int sideIdx) {
        long count = -1;
        for (int j = sideIdx + 1; j < c.argc; j++) {
            if (count == -1 && Args.is(c.argv[j], "count") && j + 1 < c.argc) {
                j++;
                if (!Args.longArg(c, j, 1, Long.MAX_VALUE, COUNT_POSITIVE)) {
                    return -1;
                }
                count = c.parsedLong;
            } else {
                c.syntaxError();
                return -1;
            }
        }
        return count == -1 ? 1 : count;
    }
}
