package io.cinnabar.server.script;

/**
 * Thrown from the instruction hook to stop a script (SCRIPT KILL, SHUTDOWN NOSAVE). An {@link Error}, so that
 * neither luaj's pcall nor a script can catch it.
 */
final class ScriptInterrupt extends Error {
    final String reply;

    ScriptInterrupt(String reply) {
        super(reply, null, false, false);
        this.reply = reply;
    }
}
