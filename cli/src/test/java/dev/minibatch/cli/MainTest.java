package dev.minibatch.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    /**
     * {@code minibatch --help} prints usage.txt without starting picocli: it must be picocli's message.
     * When a command or its description changes, write the new message into
     * cli/src/main/resources/dev/minibatch/cli/usage.txt (the expected text of this failure).
     */
    @Test
    void storedUsageIsPicoclisUsageMessage() {
        StringWriter out = new StringWriter();
        int status = Main.run(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, status);
        assertEquals(out.toString(), Main.usage());
    }

    @Test
    void onlyABareHelpRequestTakesTheStoredUsage() {
        assertTrue(Main.asksForUsage(new String[] {"--help"}));
        assertTrue(Main.asksForUsage(new String[] {"-h"}));
        assertTrue(Main.asksForUsage(new String[] {"help"}));
        assertFalse(Main.asksForUsage(new String[] {"help", "train"}));
        assertFalse(Main.asksForUsage(new String[] {"train", "--help"}));
        assertFalse(Main.asksForUsage(new String[0]));
    }

    /** Only the command named is built in full; the usage lists the others from their outlines alone. */
    @Test
    void subCommandsAreBuiltInFullOnlyWhenNamed() {
        var line = Main.commandLine(new String[] {"help", "bench"});
        assertFalse(line.getSubcommands().get("bench").getCommandSpec().options().isEmpty());
        assertTrue(line.getSubcommands().get("train").getCommandSpec().options().isEmpty());
        assertEquals(java.util.List.of("train", "lr-find", "evaluate", "predict", "show", "bench", "help"),
                java.util.List.copyOf(line.getSubcommands().keySet()));
    }
}
