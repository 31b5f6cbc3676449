package io.cinnabar.server.script;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;

/**
 * The one door from the commands into scripting, in Redis's three parts: {@link EvalScripts} (eval.c: the EVAL
 * cache and its Lua VM), {@link FunctionLibraries} (functions.c and function_lua.c: libraries and their own VM), and
 * the run context both use (script.c: one script at a time, KILL and BUSY). Not thread-safe:
 * executor thread.
 */
public final class Scripting {
    private final ScriptRunner runner;
    private final EvalScripts eval;
    private FunctionLibraries functions;

    public Scripting(Engine engine) {
        this.runner = new ScriptRunner(engine);
        this.eval = new EvalScripts(runner);
    }

    public EvalScripts eval() {
        return eval;
    }

    /** The function libraries, whose Lua VM is built on first use. */
    public FunctionLibraries functions() {
        if (functions == null) {
            functions = new FunctionLibraries(runner);
        }
        return functions;
    }

    /** The libraries if they were ever used, else null (INFO must not build a VM). */
    public FunctionLibraries functionsIfStarted() {
        return functions;
    }

    /** Runs a prepared script to its end (past busy-reply-threshold it serves the other clients meanwhile). */
    public void run(ScriptRunner.Run run) {
        runner.run(run);
    }

    /**
     * Copies a finished script's reply to its caller, propagates its writes, sends its MONITOR lines; after a
     * script that ran past busy-reply-threshold, the executor serves every command again.
     */
    public void deliver(Client c, ScriptRunner.Run run) {
        runner.deliver(c, run);
        if (runner.timedOut()) {
            runner.leaveTimedOut();
        }
    }

    /** SCRIPT KILL ({@code eval}) or FUNCTION KILL. */
    public void kill(Client c, boolean eval) {
        runner.kill(c, eval);
    }

    /** FUNCTION STATS. */
    public void functionStats(Client c) {
        ScriptRunner.Run run = runner.current();
        if (run != null && run.eval()) {
            c.error(ScriptRunner.SLOW_EVAL);
            return;
        }
        ReplyWriter w = c.reply;
        w.map(2);
        w.bulk("running_script");
        if (run == null) {
            w.nullBulk();
        } else {
            w.map(3);
            w.bulk("name");
            w.bulk(run.name);
            w.bulk("command");
            w.array(run.commandLength);
            for (int i = 0; i < run.commandLength; i++) {
                w.bulk(run.command[i]);
            }
            w.bulk("duration_ms");
            w.integer((System.nanoTime() - run.startedNanos) / 1_000_000);
        }
        w.bulk("engines");
        w.map(1);
        w.bulk("LUA");
        w.map(2);
        w.bulk("libraries_count");
        w.integer(functions == null ? 0 : functions.libraryCount());
        w.bulk("functions_count");
        w.integer(functions == null ? 0 : functions.functionCount());
    }

    /**
     * The flags the script an EVAL-family or FCALL call would run declares, for the checks made before running it
     * (getCommandFlags), or -1 when it runs in compatibility mode or is unknown.
     */
    public int declaredFlags(Client c, boolean fcall, boolean bySha) {
        int flags = fcall ? functions().flagsOf(c.argv[1]) : eval.flagsOf(c.argv[1], bySha);
        return flags < 0 || (flags & ScriptFlags.EVAL_COMPAT_MODE) != 0 ? -1 : flags;
    }

    /** Script flag no-writes, for callers outside this package. */
    public static boolean noWrites(int flags) {
        return (flags & ScriptFlags.NO_WRITES) != 0;
    }

    public void close() {
        runner.close();
        eval.close();
        if (functions != null) {
            functions.close();
        }
    }
}
