package io.cinnabar.server.command;

import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Connection;
import io.cinnabar.server.pubsub.ClientTracking;
import io.cinnabar.server.pubsub.Tracking;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** CLIENT subcommands, as networking.c in Redis 7.0 (and SETINFO as 7.2). */
public final class ClientCommands {
    private ClientCommands() {
    }

    static void id(Client c) {
        c.reply.integer(c.id);
    }

    static void setname(Client c) {
        if (setName(c, c.argv[2])) {
            c.reply.ok();
        }
    }

    /** clientSetNameOrReply: an empty name clears it; spaces and specials are refused. */
    static boolean setName(Client c, byte[] name) {
        if (name.length == 0) {
            c.name = null;
            return true;
        }
        for (byte b : name) {
            if (b < '!' || b > '~') {
                c.error(Errors.CLIENT_NAME_SPACES);
                return false;
            }
        }
        c.name = name;
        return true;
    }

    static void getname(Client c) {
        if (c.name == null) {
            c.reply.nullBulk();
        } else {
            c.reply.bulk(c.name);
        }
    }

    static void setinfo(Client c) {
        byte[] attr = c.argv[2];
        boolean libName = Args.is(attr, "lib-name");
        if (!libName && !Args.is(attr, "lib-ver")) {
            c.error("ERR Unrecognized option '" + Args.string(attr) + "'");
            return;
        }
        byte[] value = c.argv[3];
        for (byte b : value) {
            if (b < '!' || b > '~') {
                c.error("ERR " + Args.string(attr) + " cannot contain spaces, newlines or special characters.");
                return;
            }
        }
        String v = new String(value, StandardCharsets.UTF_8);
        if (libName) {
            c.libName = v;
        } else {
            c.libVersion = v;
        }
        c.reply.ok();
    }

    static void list(Client c) {
        List<Client> selected = new ArrayList<>();
        if (c.argc == 4 && Args.is(c.argv[2], "type")) {
            String type = clientType(c.argv[3]);
            if (type == null) {
                c.error("ERR Unknown client type '" + Args.string(c.argv[3]) + "'");
                return;
            }
            for (Client other : c.engine.clients()) {
                if (type.equals(typeOf(other))) {
                    selected.add(other);
                }
            }
        } else if (c.argc > 3 && Args.is(c.argv[2], "id")) {
            for (int j = 3; j < c.argc; j++) {
                if (!Args.longArg(c, j, Errors.of("ERR Invalid client ID"))) {
                    return;
                }
                Client other = c.engine.client(c.parsedLong);
                if (other != null) {
                    selected.add(other);
                }
            }
        } else if (c.argc != 2) {
            c.syntaxError();
            return;
        } else {
            for (Client other : c.engine.clients()) {
                selected.add(other);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Client other : selected) {
            appendInfo(sb, other).append('\n');
        }
        c.reply.verbatim("txt", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void info(Client c) {
        StringBuilder sb = new StringBuilder();
        appendInfo(sb, c).append('\n');
        c.reply.verbatim("txt", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** getClientType: subscribed clients are "pubsub", the others (MONITOR included) "normal"; no replicas yet. */
    private static String typeOf(Client c) {
        return c.subscribed() ? "pubsub" : "normal";
    }

    /** getClientTypeByName: the names Redis takes; replica and master types exist and simply match nobody. */
    private static String clientType(byte[] name) {
        for (String t : new String[] {"normal", "slave", "replica", "pubsub", "master"}) {
            if (Args.is(name, t)) {
                return t.equals("slave") ? "replica" : t;
            }
        }
        return null;
    }

    /**
     * What a connection costs besides its buffers, for tot-mem (Redis adds zmalloc_size of its client struct,
     * 768 bytes): an estimate of our Client, handler, decoder, reply writer and Netty channel and pipeline objects.
     */
    static final long CLIENT_OVERHEAD = 2048;

    /** catClientInfoString: Redis 7.0.15's fields in its order, from the connection's real buffer figures. */
    public static StringBuilder appendInfo(StringBuilder sb, Client c) {
        long now = c.engine.clock().millis();
        Connection conn = c.connection();
        long argvMem = c.argvMemory();
        long qbuf = conn == null ? 0 : conn.queryBufferBytes();
        long qbufFree = conn == null ? 0 : conn.queryBufferFree();
        long rbs = conn == null ? 0 : conn.replyBufferSize();
        long omem = conn == null ? 0 : conn.outputListBytes();
        sb.append("id=").append(c.id)
                .append(" addr=").append(conn == null ? "" : conn.remoteAddress())
                .append(" laddr=").append(conn == null ? "" : conn.localAddress())
                .append(" fd=").append(conn == null ? -1 : conn.fd())
                .append(" name=").append(c.nameString())
                .append(" age=").append((now - c.createdAt) / 1000)
                .append(" idle=").append((now - c.lastInteraction) / 1000)
                .append(" flags=").append(c.flags())
                .append(" db=").append(c.db.id)
                .append(" sub=").append(c.subscriptions == null ? 0 : c.subscriptions.channelCount())
                .append(" psub=").append(c.subscriptions == null ? 0 : c.subscriptions.patternCount())
                .append(" ssub=").append(c.subscriptions == null ? 0 : c.subscriptions.shardChannelCount())
                .append(" multi=").append(c.inMulti() ? c.multi().count() : -1)
                .append(" qbuf=").append(qbuf)
                .append(" qbuf-free=").append(qbufFree)
                .append(" argv-mem=").append(argvMem)
                .append(" multi-mem=").append(c.multiMemory())
                .append(" rbs=").append(rbs)
                .append(" rbp=").append(conn == null ? 0 : conn.replyBufferPeak())
                .append(" obl=").append(conn == null ? 0 : conn.outputBufferBytes())
                .append(" oll=").append(conn == null ? 0 : conn.outputListLength())
                .append(" omem=").append(omem)
                .append(" tot-mem=").append(memoryUsage(c))
                .append(" events=").append(conn == null ? "r" : conn.events())
                .append(" cmd=").append(c.lastCmd == null ? "NULL" : c.lastCmd.fullName)
                .append(" user=").append(c.user)
                .append(" redir=").append(c.tracking == null ? -1 : c.tracking.redirection())
                .append(" resp=").append(c.reply.protocol());
        return sb;
    }

    /**
     * getClientMemoryUsage: pending output, the query buffer's allocation, the client itself, the reply buffer
     * and the arguments in flight (their bytes plus a reference each).
     */
    static long memoryUsage(Client c) {
        Connection conn = c.connection();
        long mem = CLIENT_OVERHEAD + c.argvMemory() + 8L * c.argc + c.multiMemory();
        if (conn != null) {
            mem += conn.outputListBytes() + conn.queryBufferCapacity() + conn.replyBufferSize();
        }
        return mem;
    }

    static void kill(Client c) {
        String addr = null;
        String laddr = null;
        String type = null;
        long id = 0;
        String user = null;
        boolean skipMe = true;
        if (c.argc == 3) {
            addr = Args.string(c.argv[2]);
            skipMe = false; // the old form may kill the caller
        } else if (c.argc > 3 && c.argc % 2 == 0) {
            for (int i = 2; i < c.argc; i += 2) {
                byte[] opt = c.argv[i];
                String value = Args.string(c.argv[i + 1]);
                if (Args.is(opt, "id")) {
                    if (!Args.longArg(c, i + 1, 1, Long.MAX_VALUE, Errors.of("ERR client-id should be greater than 0"))) {
                        return;
                    }
                    id = c.parsedLong;
                } else if (Args.is(opt, "type")) {
                    type = clientType(c.argv[i + 1]);
                    if (type == null) {
                        c.error("ERR Unknown client type '" + value + "'");
                        return;
                    }
                } else if (Args.is(opt, "addr")) {
                    addr = value;
                } else if (Args.is(opt, "laddr")) {
                    laddr = value;
                } else if (Args.is(opt, "user")) {
                    if (!value.equals("default")) {
                        c.error("ERR No such user '" + value + "'");
                        return;
                    }
                    user = value;
                } else if (Args.is(opt, "skipme")) {
                    if (Args.is(c.argv[i + 1], "yes")) {
                        skipMe = true;
                    } else if (Args.is(c.argv[i + 1], "no")) {
                        skipMe = false;
                    } else {
                        c.syntaxError();
                        return;
                    }
                } else {
                    c.syntaxError();
                    return;
                }
            }
        } else {
            c.syntaxError();
            return;
        }
        List<Client> victims = new ArrayList<>();
        boolean closeSelf = false;
        for (Client other : c.engine.clients()) {
            if (other.connection() == null) {
                continue;
            }
            if (addr != null && !addr.equals(other.connection().remoteAddress())) {
                continue;
            }
            if (laddr != null && !laddr.equals(other.connection().localAddress())) {
                continue;
            }
            if (type != null && !type.equals(typeOf(other))) {
                continue;
            }
            if (id != 0 && other.id != id) {
                continue;
            }
            if (user != null && !user.equals(other.user)) {
                continue;
            }
            if (other == c) {
                if (skipMe) {
                    continue;
                }
                closeSelf = true;
            } else {
                victims.add(other);
            }
        }
        for (Client v : victims) {
            v.connection().close();
        }
        int killed = victims.size() + (closeSelf ? 1 : 0);
        if (c.argc == 3) {
            if (killed == 0) {
                c.error(Errors.NO_SUCH_CLIENT);
            } else {
                c.reply.ok();
            }
        } else {
            c.reply.integer(killed);
        }
        if (closeSelf) {
            c.closing = true;
            c.connection().closeAfterReply();
        }
    }

    static void reply(Client c) {
        byte[] mode = c.argv[2];
        if (Args.is(mode, "on")) {
            c.replyMode = Client.REPLY_ON;
            c.reply.ok();
        } else if (Args.is(mode, "off")) {
            c.replyMode = Client.REPLY_OFF;
        } else if (Args.is(mode, "skip")) {
            if (c.replyMode != Client.REPLY_OFF) {
                c.replyMode = Client.REPLY_SKIP_NEXT;
            }
        } else {
            c.syntaxError();
        }
    }

    static void noEvict(Client c) {
        if (Args.is(c.argv[2], "on")) {
            c.noEvict = true;
            c.reply.ok();
        } else if (Args.is(c.argv[2], "off")) {
            c.noEvict = false;
            c.reply.ok();
        } else {
            c.syntaxError();
        }
    }

    static void pause(Client c) {
        boolean all = true;
        if (c.argc == 4) {
            if (Args.is(c.argv[3], "write")) {
                all = false;
            } else if (!Args.is(c.argv[3], "all")) {
                c.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        if (!Args.longArg(c, 2, Errors.TIMEOUT_NOT_INTEGER)) {
            return;
        }
        long timeout = c.parsedLong;
        if (timeout < 0) {
            c.error(Errors.TIMEOUT_NEGATIVE);
            return;
        }
        long now = c.engine.keyspace().now;
        if (timeout > 0 && timeout > Long.MAX_VALUE - now) {
            c.error("ERR timeout is out of range");
            return;
        }
        c.engine.pause(timeout > 0 ? now + timeout : 0, all);
        c.reply.ok();
    }

    static void unpause(Client c) {
        c.engine.unpause();
        c.reply.ok();
    }

    /**
     * CLIENT UNBLOCK id [TIMEOUT|ERROR], as networking.c: the reason is checked before the id; a client waiting
     * for keys answers as on timeout, or with the UNBLOCKED error, and the reply is 1; otherwise 0.
     */
    static void unblock(Client c) {
        if (c.argc > 4) {
            Help.unknownSubcommand(c, "CLIENT"); // clientCommand's last branch: UNBLOCK takes 3 or 4 arguments
            return;
        }
        boolean error = false;
        if (c.argc == 4) {
            if (Args.is(c.argv[3], "timeout")) {
                error = false;
            } else if (Args.is(c.argv[3], "error")) {
                error = true;
            } else {
                c.error(UNBLOCK_REASON);
                return;
            }
        }
        if (!Args.longArg(c, 2)) {
            return;
        }
        Client target = c.engine.client(c.parsedLong);
        if (target != null && c.engine.blocked().unblock(target, error)) {
            if (error) {
                c.markFailed(); // Redis counts the error written to the target against this call too
            }
            c.reply.raw(io.cinnabar.protocol.reply.Replies.ONE);
        } else {
            c.reply.raw(io.cinnabar.protocol.reply.Replies.ZERO);
        }
    }

    private static final io.cinnabar.server.error.ErrorReply UNBLOCK_REASON =
            Errors.of("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");

    // ---- client-side caching (networking.c's clientCommand, tracking.c) ----

    /** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]. */
    static void tracking(Client c) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < c.argc; j++) {
            boolean moreArgs = j < c.argc - 1;
            byte[] opt = c.argv[j];
            if (Args.is(opt, "redirect") && moreArgs) {
                j++;
                if (redirect != 0) {
                    c.error("ERR A client can only redirect to a single other client");
                    return;
                }
                if (!Args.longArg(c, j)) {
                    return;
                }
                redirect = c.parsedLong;
                // the target must exist now, though it may go later (then the redirect is broken)
                if (c.engine.client(redirect) == null) {
                    c.error("ERR The client ID you want redirect to does not exist");
                    return;
                }
            } else if (Args.is(opt, "bcast")) {
                bcast = true;
            } else if (Args.is(opt, "optin")) {
                optin = true;
            } else if (Args.is(opt, "optout")) {
                optout = true;
            } else if (Args.is(opt, "noloop")) {
                noloop = true;
            } else if (Args.is(opt, "prefix") && moreArgs) {
                prefixes.add(c.argv[++j]);
            } else {
                c.syntaxError();
                return;
            }
        }
        Tracking tracking = c.engine.tracking();
        ClientTracking state = c.tracking;
        if (Args.is(c.argv[2], "on")) {
            if (!bcast && !prefixes.isEmpty()) {
                c.error("ERR PREFIX option requires BCAST mode to be enabled");
                return;
            }
            if (state != null && state.on() && state.bcast() != bcast) {
                c.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
                        + "re-enabling it with a different mode.");
                return;
            }
            if (bcast && (optin || optout)) {
                c.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
                return;
            }
            if (optin && optout) {
                c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
                return;
            }
            if (state != null && ((optin && state.optout()) || (optout && state.optin()))) {
                c.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
                        + "re-enabling it with a different mode.");
                return;
            }
            if (bcast && Tracking.checkPrefixCollisions(c, prefixes) == 0) {
                return; // (two given prefixes overlapping: Redis 7.0 replies the error, then goes on and says OK)
            }
            tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (Args.is(c.argv[2], "off")) {
            tracking.disable(c);
        } else {
            c.syntaxError();
            return;
        }
        c.reply.ok();
    }

    /** CLIENT CACHING YES|NO: the next command's reads are remembered (OPTIN) or not (OPTOUT). */
    static void caching(Client c) {
        ClientTracking state = c.tracking;
        if (state == null || !state.on()) {
            c.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT "
                    + "mode enabled");
            return;
        }
        if (Args.is(c.argv[2], "yes")) {
            if (!state.optin()) {
                c.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        } else if (Args.is(c.argv[2], "no")) {
            if (!state.optout()) {
                c.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        } else {
            c.syntaxError();
            return;
        }
        state.caching(true);
        c.reply.ok();
    }

    /** CLIENT GETREDIR: the redirect client's id, 0 without one, -1 when tracking is off. */
    static void getredir(Client c) {
        c.reply.integer(c.tracking == null ? -1 : c.tracking.redirection());
    }

    /** CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes. */
    static void trackinginfo(Client c) {
        ClientTracking t = c.tracking;
        boolean on = t != null && t.on();
        List<String> flags = new ArrayList<>(4);
        flags.add(on ? "on" : "off");
        if (on) {
            if (t.bcast()) {
                flags.add("bcast");
            }
            if (t.optin()) {
                flags.add("optin");
                if (t.caching()) {
                    flags.add("caching-yes");
                }
            }
            if (t.optout()) {
                flags.add("optout");
                if (t.caching()) {
                    flags.add("caching-no");
                }
            }
            if (t.noloop()) {
                flags.add("noloop");
            }
            if (t.brokenRedirect()) {
                flags.add("broken_redirect");
            }
        }
        c.reply.map(3);
        c.reply.bulk("flags");
        c.reply.set(flags.size());
        for (String f : flags) {
            c.reply.bulk(f);
        }
        c.reply.bulk("redirect");
        c.reply.integer(t == null ? -1 : t.redirection());
        c.reply.bulk("prefixes");
        java.util.Collection<byte[]> prefixes = t == null ? List.of() : t.prefixes();
        c.reply.array(prefixes.size());
        for (byte[] p : prefixes) {
            c.reply.bulk(p);
        }
    }

    static void help(Client c) {
        Help.reply(c, "CLIENT",
                "CACHING (YES|NO)",
                "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                "GETREDIR",
                "    Return the client ID we are redirecting to when tracking is enabled.",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "UNPAUSE",
                "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETINFO <option> <value>",
                "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.",
                "    * LIB-VER: the client lib version.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                "         [OPTIN] [OPTOUT] [NOLOOP]",
                "    Control server assisted client side caching.",
                "TRACKINGINFO",
                "    Report tracking status for the current connection.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction.");
    }
}
