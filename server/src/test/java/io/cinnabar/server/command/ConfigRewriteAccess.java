package io.cinnabar.server.command;

import io.cinnabar.server.exec.Config;
import java.io.IOException;
import java.nio.file.Path;

/** Test access to CONFIG REWRITE's file logic. */
public final class ConfigRewriteAccess {
    private ConfigRewriteAccess() {
    }

    public static void rewrite(Config config, Path path) throws IOException {
        ConfigCommands.rewriteFile(config, path);
    }
}
