package io.cinnabar.server.command;

import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.script.ScriptEngine;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, as eval.c in Redis 7.0. */
final class ScriptCommands {
    private ScriptCommands() {
    }

    static void eval(Client c) {
        evalGeneric(c, false, false);
    }

    static void evalsha(Client c) {
        evalGeneric(c, true, false);
    }

    static void evalRo(Client c) {
        evalGeneric(c, false, true);
    }

    static void evalshaRo(Client c) {
        evalGeneric(c, true, true);
    }

    private static void evalGeneric(Client c, boolean bySha, boolean readOnly) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        long numkeys = c.parsedLong;
        if (numkeys > c.argc - 3) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        if (numkeys < 0) {
            c.error("ERR Number of keys can't be negative");
            return;
        }
        ScriptEngine scripts = c.engine.scripts();
        ScriptEngine.Run run = bySha
                ? scripts.prepare(c, null, Args.string(c.argv[1]), (int) numkeys, readOnly)
                : scripts.prepare(c, c.argv[1], null, (int) numkeys, readOnly);
        if (run == null) {
            return;
        }
        // a script's writes are propagated one by one as they happen (effects replication), never the EVAL itself
        c.propagationHandled(true);
        Engine engine = c.engine;
        if (scripts.runWithin(run, engine.config().busyReplyThreshold())) {
            scripts.deliver(c, run);
            engine.flushDeferredMonitorLines();
            return;
        }
        // Past busy-reply-threshold: serve the network (BUSY, SCRIPT KILL, SHUTDOWN NOSAVE) until the script ends.
        engine.log().warning("Slow script detected: still in execution after "
                + engine.config().busyReplyThreshold() + " milliseconds. You can try killing the script using the "
                + "SCRIPT KILL command. Script name is: " + run.sha() + ".");
        engine.enterScriptBusy();
        c.waitingForScript = true;
        run.future().whenComplete((ignored, failure) -> {
            try {
                engine.executor().execute(() -> {
                    // the command goes on for client tracking (NOLOOP, invalidations after the reply)
                    Client previous = engine.tracking().enter(c);
                    try {
                        scripts.deliver(c, run);
                        c.waitingForScript = false;
                        engine.flushDeferredMonitorLines();
                        Runnable rest = c.takeScriptContinuation();
                        if (rest != null) {
                            rest.run(); // the EXEC around the script goes on, still atomically
                        }
                    } finally {
                        engine.tracking().leave(c, previous, true); // nothing yet if it met another slow script
                    }
                    if (c.waitingForScript) {
                        return; // met another slow script
                    }
                    engine.leaveScriptBusy();
                    if (engine.blocked().hasReady()) {
                        engine.blocked().serveReady(); // the script's (or EXEC's) pushes serve waiters now
                    }
                    if (c.connection() != null) {
                        c.connection().flushSoon();
                        c.connection().continueInput();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the server stopped while the script ran
            }
        });
    }

    static void load(Client c) {
        try {
            c.reply.bulk(c.engine.scripts().load(c.argv[2]));
        } catch (ScriptEngine.CompileError e) {
            c.error("ERR " + e.getMessage());
        }
    }

    static void exists(Client c) {
        ScriptEngine scripts = c.engine.scripts();
        c.reply.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            c.reply.integer(scripts.exists(Args.string(c.argv[i])) ? 1 : 0);
        }
    }

    static void flush(Client c) {
        if (c.argc == 3 && !Args.is(c.argv[2], "sync") && !Args.is(c.argv[2], "async")) {
            c.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        if (c.argc > 3) {
            c.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        c.engine.scripts().flush();
        c.reply.ok();
    }

    static void kill(Client c) {
        ScriptEngine scripts = c.engine.scripts();
        if (!scripts.running()) {
            c.error("NOTBUSY No scripts in execution right now.");
        } else if (scripts.wrote()) {
            c.error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
                    + "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
                    + "NOSAVE command.");
        } else {
            scripts.kill();
            c.reply.ok();
        }
    }

    static void help(Client c) {
        Help.reply(c, "SCRIPT",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it.");
    }

}
