package io.cinnabar.server.command;

import io.cinnabar.server.exec.Client;

/** addReplyHelp: Redis's HELP reply, a status line per entry, ending with HELP itself. */
final class Help {
    private Help() {
    }

    static void reply(Client c, String command, String... lines) {
        c.reply.array(lines.length + 3);
        c.reply.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            c.reply.simple(line);
        }
        c.reply.simple("HELP");
        c.reply.simple("    Prints this help.");
    }

    /** addReplySubcommandSyntaxError, for commands that parse their own subcommands (DEBUG). */
    static void unknownSubcommand(Client c, String command) {
        String sub = new String(c.argv[1], java.nio.charset.StandardCharsets.UTF_8);
        if (sub.length() > 128) {
            sub = sub.substring(0, 128);
        }
        c.error("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try " + command + " HELP.");
    }
}
