package io.cinnabar.server.command;

import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.script.EvalScripts;
import io.cinnabar.server.script.ScriptRunner;
import io.cinnabar.server.script.Scripting;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, as eval.c in Redis 7.0; FCALL shares their runner. */
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
        // fed first, so that the commands the script runs come after it (EVAL skips the dispatcher's feed)
        if (c.engine.hasMonitors()) {
            c.engine.feedMonitors(c, c.argv, c.argc);
        }
        if (bySha && c.argv[1].length != 40) {
            c.error(EvalScripts.NOSCRIPT); // evalShaCommand: no match is possible, before numkeys is read
            return;
        }
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
        EvalScripts scripts = c.engine.scripts().eval();
        ScriptRunner.Run run = bySha
                ? scripts.prepare(c, null, Args.string(c.argv[1]), (int) numkeys, readOnly)
                : scripts.prepare(c, c.argv[1], null, (int) numkeys, readOnly);
        if (run != null) {
            run(c, run);
        }
    }

    /**
     * Runs a prepared EVAL script or function here, to its end. Past busy-reply-threshold its hook serves the
     * other clients (BUSY, SCRIPT KILL or FUNCTION KILL, SHUTDOWN NOSAVE) meanwhile; the caller's own input waits.
     */
    static void run(Client c, ScriptRunner.Run run) {
        // a script's writes are propagated one by one as they happen (effects replication), never the call itself
        c.propagationHandled(true);
        Scripting scripts = c.engine.scripts();
        c.waitingForScript = true;
        try {
            scripts.run(run);
        } finally {
            c.waitingForScript = false;
        }
        scripts.deliver(c, run);
    }

    static void load(Client c) {
        try {
            c.reply.bulk(c.engine.scripts().eval().load(c.argv[2]));
        } catch (EvalScripts.LoadError e) {
            c.error(e.reply());
        }
    }

    static void exists(Client c) {
        EvalScripts scripts = c.engine.scripts().eval();
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
        c.engine.scripts().eval().flush();
        c.reply.ok();
    }

    static void kill(Client c) {
        c.engine.scripts().kill(c, true);
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
