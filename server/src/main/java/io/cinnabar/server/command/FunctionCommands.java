package io.cinnabar.server.command;

import io.cinnabar.server.exec.Client;
import io.cinnabar.server.script.FunctionLibraries;
import io.cinnabar.server.script.ScriptRunner;

/**
 * FUNCTION and FCALL / FCALL_RO, as functions.c in Redis 7.0.
 *
 * <p>Ported from Redis 7.0 (functions.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd.,
 * BSD-3-Clause; see NOTICE.
 */
final class FunctionCommands {
    private FunctionCommands() {
    }

    static void fcall(Client c) {
        fcallGeneric(c, false);
    }

    static void fcallRo(Client c) {
        fcallGeneric(c, true);
    }

    private static void fcallGeneric(Client c, boolean ro) {
        // functions are fed to monitors before the commands they run (FCALL skips the dispatcher's feed)
        if (c.engine.hasMonitors()) {
            c.engine.feedMonitors(c, c.argv, c.argc);
        }
        ScriptRunner.Run run = c.engine.scripts().functions().prepare(c, ro);
        if (run != null) {
            ScriptCommands.run(c, run);
        }
    }

    static void load(Client c) {
        boolean replace = false;
        int i = 2;
        while (i < c.argc - 1) {
            byte[] option = c.argv[i++];
            if (Args.is(option, "replace")) {
                replace = true;
                continue;
            }
            c.error("ERR Unknown option given: " + Args.string(option));
            return;
        }
        if (i >= c.argc) {
            c.error("ERR Function code is missing");
            return;
        }
        try {
            String name = c.engine.scripts().functions().load(c.argv[i], replace);
            c.engine.keyspace().dirty++;
            c.reply.bulk(name);
        } catch (FunctionLibraries.LibraryError e) {
            c.error(e.reply());
        }
    }

    static void delete(Client c) {
        if (!c.engine.scripts().functions().delete(c.argv[2])) {
            c.error("ERR Library not found");
            return;
        }
        c.engine.keyspace().dirty++;
        c.reply.ok();
    }

    static void flush(Client c) {
        if (c.argc > 3) {
            Help.unknownSubcommand(c, "FUNCTION");
            return;
        }
        if (c.argc == 3 && !Args.is(c.argv[2], "sync") && !Args.is(c.argv[2], "async")) {
            c.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        c.engine.scripts().functions().flush();
        c.engine.keyspace().dirty++;
        c.reply.ok();
    }

    static void list(Client c) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < c.argc; i++) {
            byte[] arg = c.argv[i];
            if (!withCode && Args.is(arg, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && Args.is(arg, "libraryname")) {
                if (i >= c.argc - 1) {
                    c.error("ERR library name argument was not given");
                    return;
                }
                pattern = c.argv[++i];
                continue;
            }
            c.error(concat("ERR Unknown argument ", arg));
            return;
        }
        c.engine.scripts().functions().list(c.reply, pattern, withCode);
    }

    static void stats(Client c) {
        c.engine.scripts().functionStats(c);
    }

    static void kill(Client c) {
        c.engine.scripts().kill(c, false);
    }

    static void dump(Client c) {
        boolean compress = "yes".equals(c.engine.config().find("rdbcompression").get());
        c.reply.bulk(c.engine.scripts().functions().dump(compress));
    }

    static void restore(Client c) {
        if (c.argc > 4) {
            Help.unknownSubcommand(c, "FUNCTION");
            return;
        }
        FunctionLibraries.RestorePolicy policy = FunctionLibraries.RestorePolicy.APPEND;
        if (c.argc == 4) {
            if (Args.is(c.argv[3], "append")) {
                policy = FunctionLibraries.RestorePolicy.APPEND;
            } else if (Args.is(c.argv[3], "replace")) {
                policy = FunctionLibraries.RestorePolicy.REPLACE;
            } else if (Args.is(c.argv[3], "flush")) {
                policy = FunctionLibraries.RestorePolicy.FLUSH;
            } else {
                c.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        try {
            c.engine.scripts().functions().restore(c.argv[2], policy);
            c.engine.keyspace().dirty++;
            c.reply.ok();
        } catch (FunctionLibraries.LibraryError e) {
            c.error(e.reply());
        }
    }

    /** The argument as C's %s prints it: up to its first NUL. */
    private static byte[] concat(String prefix, byte[] arg) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        byte[] out = java.util.Arrays.copyOf(p, p.length + n);
        System.arraycopy(arg, 0, out, p.length, n);
        return out;
    }

    static void help(Client c) {
        Help.reply(c, "FUNCTION",
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
                        + "RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                "      in case of functions name collision with another library).");
    }
}
