package io.cinnabar.server.command;

import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Connection commands (PING, ECHO, SELECT, SWAPDB, HELLO, AUTH, RESET, QUIT), as Redis 7.0. */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    private static final byte[] PONG = io.cinnabar.protocol.bytes.Ascii.bytes("pong");
    private static final byte[] EMPTY = new byte[0];

    static void ping(Client c) {
        if (c.argc > 2) {
            c.error("ERR wrong number of arguments for 'ping' command");
        } else if (c.subscribed() && !c.resp3()) {
            // in RESP2 pub/sub mode PING answers like a message, so a subscriber's reader can take it
            c.reply.array(2);
            c.reply.bulk(PONG);
            c.reply.bulk(c.argc == 1 ? EMPTY : c.argv[1]);
        } else if (c.argc == 1) {
            c.reply.raw(Replies.PONG);
        } else {
            c.reply.bulk(c.argv[1]);
        }
    }

    static void echo(Client c) {
        c.reply.bulk(c.argv[1]);
    }

    /** QUIT is answered by the dispatcher before lookup, as Redis 7.0 does; this runs only if called directly. */
    static void quit(Client c) {
        c.reply.ok();
        c.closing = true;
        if (c.connection() != null) {
            c.connection().closeAfterReply();
        }
    }

    static void select(Client c) {
        if (!Args.intArg(c, 1)) {
            return;
        }
        if (c.parsedLong < 0 || c.parsedLong >= c.engine.keyspace().count()) {
            c.error(Errors.DB_OUT_OF_RANGE);
            return;
        }
        c.selectDb((int) c.parsedLong);
        c.reply.ok();
    }

    static void swapdb(Client c) {
        if (!Args.longArg(c, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, Errors.of("ERR invalid first DB index"))) {
            return;
        }
        long a = c.parsedLong;
        if (!Args.longArg(c, 2, Integer.MIN_VALUE, Integer.MAX_VALUE, Errors.of("ERR invalid second DB index"))) {
            return;
        }
        long b = c.parsedLong;
        int count = c.engine.keyspace().count();
        if (a < 0 || a >= count || b < 0 || b >= count) {
            c.error(Errors.DB_OUT_OF_RANGE);
            return;
        }
        if (a != b) {
            c.engine.keyspace().swap((int) a, (int) b); // counts the change and tells the listeners
        } else {
            c.engine.keyspace().dirty++;
        }
        c.reply.ok();
    }

    static void hello(Client c) {
        long version = 0;
        int next = 1;
        if (c.argc >= 2) {
            if (!Args.longArg(c, next++, Errors.of("ERR Protocol version is not an integer or out of range"))) {
                return;
            }
            version = c.parsedLong;
            if (version < 2 || version > 3) {
                c.error(Errors.NOPROTO);
                return;
            }
        }
        byte[] user = null;
        byte[] pass = null;
        byte[] name = null;
        for (int j = next; j < c.argc; j++) {
            int more = c.argc - 1 - j;
            if (Args.is(c.argv[j], "auth") && more >= 2) {
                user = c.argv[j + 1];
                pass = c.argv[j + 2];
                j += 2;
            } else if (Args.is(c.argv[j], "setname") && more >= 1) {
                name = c.argv[j + 1];
                j++;
            } else {
                c.error("ERR Syntax error in HELLO option '" + Args.string(c.argv[j]) + "'");
                return;
            }
        }
        if (user != null && !authenticate(c, user, pass)) {
            c.error(Errors.WRONGPASS);
            return;
        }
        if (!c.authenticated) {
            c.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                    + "version at the same time");
            return;
        }
        if (name != null && !ClientCommands.setName(c, name)) {
            return;
        }
        if (version != 0) {
            c.reply.protocol((int) version);
        }
        c.reply.map(7);
        c.reply.bulk("server");
        c.reply.bulk("redis");
        c.reply.bulk("version");
        c.reply.bulk(InfoCommand.REDIS_VERSION);
        c.reply.bulk("proto");
        c.reply.integer(c.reply.protocol());
        c.reply.bulk("id");
        c.reply.integer(c.id);
        c.reply.bulk("mode");
        c.reply.bulk("standalone");
        c.reply.bulk("role");
        c.reply.bulk("master");
        c.reply.bulk("modules");
        c.reply.array(0);
    }

    static void auth(Client c) {
        if (c.argc > 3) {
            c.syntaxError();
            return;
        }
        byte[] user;
        byte[] pass;
        if (c.argc == 2) {
            if (!c.engine.config().requiresPassword()) {
                c.error("ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
                return;
            }
            user = DEFAULT_USER;
            pass = c.argv[1];
        } else {
            user = c.argv[1];
            pass = c.argv[2];
        }
        if (authenticate(c, user, pass)) {
            c.reply.ok();
        } else {
            c.error(Errors.WRONGPASS);
        }
    }

    private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.US_ASCII);

    /** The default user is the only user until ACL arrives: it takes requirepass, or anything when none is set. */
    private static boolean authenticate(Client c, byte[] user, byte[] pass) {
        if (!java.util.Arrays.equals(user, DEFAULT_USER)) {
            return false;
        }
        String required = c.engine.config().requirepass();
        if (!required.isEmpty() && !MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), pass)) {
            return false;
        }
        c.authenticated = true;
        c.user = "default";
        return true;
    }

    static void reset(Client c) {
        c.discardTransaction(); // leaves MULTI and unwatches
        c.engine.pubSub().clientClosed(c); // and every channel, silently
        c.engine.tracking().disable(c);
        c.selectDb(0);
        c.reply.protocol(2);
        c.authenticated = !c.engine.config().requiresPassword();
        c.user = "default";
        c.name = null;
        c.noEvict = false;
        c.replyMode = Client.REPLY_ON;
        if (c.monitor) {
            c.monitor = false;
            c.engine.removeMonitor(c);
        }
        c.reply.simple("RESET");
    }
}
