package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.server.exec.Client;
import java.util.List;

/** What HSCAN, SSCAN and ZSCAN share with scanGenericCommand: COUNT and MATCH, and the reply's shape. */
final class ScanArgs {
    long count = 10;
    /** Null when everything matches. */
    private byte[] pattern;

    /** Parses the options from {@code argv[from]} on; null after replying a syntax or number error. */
    static ScanArgs parse(Client c, int from) {
        ScanArgs args = new ScanArgs();
        for (int i = from; i < c.argc; i += 2) {
            if (Args.is(c.argv[i], "count") && i + 1 < c.argc) {
                if (!Args.longArg(c, i + 1)) {
                    return null;
                }
                if (c.parsedLong < 1) {
                    c.syntaxError();
                    return null;
                }
                args.count = c.parsedLong;
            } else if (Args.is(c.argv[i], "match") && i + 1 < c.argc) {
                args.pattern = Glob.matchesEverything(c.argv[i + 1]) ? null : c.argv[i + 1];
            } else {
                c.syntaxError();
                return null;
            }
        }
        return args;
    }

    boolean matches(byte[] s) {
        return pattern == null || Glob.matches(pattern, s, false);
    }

    /** The reply to a scan of a key that does not exist: cursor 0 and nothing. */
    static void replyEmpty(Client c) {
        c.reply.array(2);
        c.reply.bulk(Ascii.bytes("0"));
        c.reply.array(0);
    }

    /** The reply: the next cursor, then the elements found. */
    static void reply(Client c, long next, List<byte[]> found) {
        c.reply.array(2);
        c.reply.bulk(Ascii.bytes(Long.toUnsignedString(next)));
        c.reply.array(found.size());
        for (byte[] b : found) {
            c.reply.bulk(b);
        }
    }
}
