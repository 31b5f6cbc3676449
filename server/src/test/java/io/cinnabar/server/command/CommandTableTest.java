package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CommandTableTest {
    @Test
    void everyRecordedCommandHasAHandlerAndEveryHandlerARecordedEntry() throws Exception {
        CommandTable table = CommandTable.load();
        assertTrue(table.size() > 60);
        Set<String> recorded = new HashSet<>();
        for (CommandSpec spec : table.all()) {
            recorded.add(spec.fullName);
            if (spec.subcommands == null) {
                assertNotNull(spec.handler(), "no handler for recorded command " + spec.fullName);
            } else {
                for (CommandSpec sub : spec.subcommands.values()) {
                    recorded.add(sub.fullName);
                }
            }
        }
        // Handlers links lazily, so its names are read from its switch
        String source = Files.readString(Path.of("src/main/java/io/cinnabar/server/command/Handlers.java"));
        Matcher cases = Pattern.compile("case \"([^\"]+)\" ->").matcher(source);
        int handlers = 0;
        while (cases.find()) {
            handlers++;
            assertTrue(recorded.contains(cases.group(1)), "handler without a recorded entry: " + cases.group(1));
            assertNotNull(Handlers.of(cases.group(1)), cases.group(1));
        }
        assertTrue(handlers > 100);
        assertNull(Handlers.of("nosuchcommand"));
    }

    @Test
    void subcommandsWithoutAHandlerAreAbsent() {
        CommandTable table = CommandTable.load();
        byte[][] argv = {"memory".getBytes(StandardCharsets.US_ASCII), "doctor".getBytes(StandardCharsets.US_ASCII)};
        assertNull(table.lookup(argv, 2));
        assertNull(table.byFullName("memory|doctor"));
        CommandSpec memory = table.byFullName("memory");
        assertTrue(CommandTable.subcommands(memory).stream().noneMatch(s -> s.fullName.equals("memory|doctor")));
        assertFalse(memory.info().toString().contains("memory|doctor"));
        assertTrue(memory.recordedInfo.toString().contains("memory|doctor"));
    }

    @Test
    void lookupIsCaseInsensitiveAndFindsSubcommands() {
        CommandTable table = CommandTable.load();
        byte[][] argv = {"cLiEnT".getBytes(StandardCharsets.US_ASCII), "Id".getBytes(StandardCharsets.US_ASCII)};
        assertEquals("client|id", table.lookup(argv, 2).fullName);
        assertEquals("client", table.lookup(argv, 1).fullName);
        assertEquals(2, table.byFullName("get").arity);
        assertEquals(-3, table.byFullName("set").arity);
    }

    /** The README's table of supported commands, generated from the command table. */
    static String readmeTable() {
        Map<String, List<String>> byGroup = new TreeMap<>();
        for (CommandSpec spec : CommandTable.load().all()) {
            String entry = spec.name.toUpperCase(Locale.ROOT);
            List<CommandSpec> subs = CommandTable.subcommands(spec);
            if (!subs.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (CommandSpec sub : subs) {
                    names.add(sub.name.toUpperCase(Locale.ROOT));
                }
                names.sort(null);
                entry += " " + String.join("\\|", names);
            }
            byGroup.computeIfAbsent(spec.group, g -> new ArrayList<>()).add(entry);
        }
        StringBuilder sb = new StringBuilder("| Group | Commands |\n|---|---|\n");
        for (Map.Entry<String, List<String>> e : byGroup.entrySet()) {
            e.getValue().sort(null);
            sb.append("| ").append(e.getKey()).append(" | ").append(String.join(", ", e.getValue())).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void readmeListsExactlyTheSupportedCommands() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String start = "<!-- commands:start -->\n";
        String end = "<!-- commands:end -->";
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        assertTrue(from >= 0 && to > from, "README has the commands markers");
        assertEquals(readmeTable(), readme.substring(from + start.length(), to),
                "README's command table is out of date; replace it with the expected text");
    }
}
