package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.command.FaultyCommands;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.testing.RespClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command body that throws never shows Java text to the client: a generic error, the trace in the log. */
class DispatcherGuardTest {
    @Test
    void anExceptionInACommandBodyBecomesAGenericErrorAndALogEntry(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        try (CinnabarServer server = CinnabarServer.builder().config("logfile", log.toString()).build().start()) {
            Engine engine = server.engine();
            ByteBuf buffer = Unpooled.buffer();
            try {
                String reply = engine.call(() -> {
                    Client c = new Client(424242, engine, null, new ReplyWriter(buffer));
                    c.argv = new byte[][] {"boom".getBytes(StandardCharsets.US_ASCII)};
                    c.argc = 1;
                    engine.dispatcher().callNested(c, FaultyCommands.throwing("boom"));
                    assertTrue(c.failed());
                    return buffer.toString(StandardCharsets.UTF_8);
                });
                assertEquals("-ERR internal error while running the 'boom' command, see the server log\r\n", reply);
            } finally {
                buffer.release();
            }
            try (RespClient c = new RespClient(server.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
            }
            String text = Files.readString(log);
            assertTrue(text.contains("Internal error running the 'boom' command: java.lang.NullPointerException"), text);
            assertTrue(text.contains("at io.cinnabar.server.command.FaultyCommands"), text);
        }
    }
}
