package io.cinnabar.server.command;

/** Test access: a command whose body throws, as a bug would, to prove the dispatcher contains it. */
public final class FaultyCommands {
    private FaultyCommands() {
    }

    /** A command named {@code name} that writes half a reply and then fails with a Java exception. */
    public static CommandSpec throwing(String name) {
        return new CommandSpec(name, name, -1, 0, 0, 0, 0, "generic", null).withHandler(c -> {
            c.reply.array(3);
            c.reply.bulk("partial");
            Object nothing = null;
            nothing.hashCode(); // NullPointerException
        });
    }
}
